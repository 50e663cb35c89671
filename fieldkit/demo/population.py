"""Synthetic citizens for demos, training and tests: deterministic per seed, never real people.

A village in the Central Highlands: Kinh families and ethnic-minority families (Xơ Đăng, Ba Na, Gia Rai,
Ê Đê, Giẻ Triêng) with their naming customs, infants (no biometrics), under-14s (a guardian), elders, a few
missing or injured fingers, a few bad first captures, and a few people who come twice under another name
(the duplicates the kit must flag). Each person carries a `biometric_seed`: simulators render the same
face and prints for the same seed, so a duplicate is the same body under a new name.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

from fieldkit.domain.fingers import Finger, FingerStatus

KINH_FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ",
               "Ngô", "Dương", "Lý")
KINH_MIDDLE_MALE = ("Văn", "Đức", "Minh", "Quốc", "Hữu", "Công")
KINH_MIDDLE_FEMALE = ("Thị", "Ngọc", "Thu", "Thanh", "Mỹ", "Kim")
KINH_GIVEN_MALE = ("An", "Bình", "Dũng", "Hải", "Tuấn", "Khánh", "Phúc", "Quý", "Sơn", "Thắng", "Việt", "Đạt")
KINH_GIVEN_FEMALE = ("Hoà", "Hòa", "Hương", "Lan", "Phương", "Quỳnh", "Trang", "Yến", "Ngân", "Thuỷ", "Thủy", "Ánh")

# Highland naming: Ba Na / Xơ Đăng men "A", women "Y"; Ê Đê men "Y", women "H'"; Gia Rai family names first.
MINORITY = {
    "Xơ Đăng": (("A",), ("Y",), ("Tâm", "Dũi", "Blôi", "Hiên", "Rin", "Thương", "Nhung", "Vang")),
    "Ba Na": (("A",), ("Y",), ("Krông", "Pơk", "Đoan", "Hlin", "Jơng", "Brơi", "Bưk", "Tơ")),
    "Ê Đê": (("Y",), ("H'",), ("Ben Niê", "Bhim Êban", "Hen Niê", "Zen Mlô", "Lin Byă", "Mai Ktla")),
    "Gia Rai": (("Ksor", "Rơ Châm", "Siu", "Rơ Lan"), ("Ksor", "Rơ Châm", "Siu", "Rơ Lan"),
                ("H'Bưn", "Nhiên", "Blik", "H'Yơn", "Phơi", "Thuyên")),
    "Giẻ Triêng": (("A",), ("Y",), ("Bưu", "Khoa", "Ngọc", "Xuân", "Lưn")),
}
RELIGIONS = ("Không", "Không", "Không", "Công giáo", "Tin lành", "Phật giáo")
FINGER_REASONS = {
    FingerStatus.MISSING: ("cụt ngón do tai nạn lao động", "mất ngón bẩm sinh"),
    FingerStatus.INJURED: ("vết thương chưa lành", "bỏng tay"),
    FingerStatus.BANDAGED: ("đang băng bó sau mổ",),
}


@dataclass
class SyntheticCitizen:
    index: int
    biometric_seed: str
    birth_name: str
    sex: str  # "Nam" / "Nữ"
    dob: date
    ethnicity: str
    religion: str
    personal_id: str | None
    phone: str | None
    birth_registration_code: str
    guardian_index: int | None = None  # set for every under-14
    finger_exceptions: dict[Finger, tuple[FingerStatus, str]] = field(default_factory=dict)
    bad_first_capture: bool = False
    duplicate_of: int | None = None

    def age_on(self, day: date) -> int:
        return day.year - self.dob.year - ((day.month, day.day) < (self.dob.month, self.dob.day))

    def takes_biometrics(self, day: date) -> bool:
        """The flow's one age rule (fieldkit.enrolment.flow.takes_biometrics) on this person's birth date."""
        from fieldkit.domain.dates import PartialDate
        from fieldkit.enrolment.flow import takes_biometrics
        return takes_biometrics(PartialDate.from_date(self.dob), day)


def personal_id_for(code: str, dob: date, sex: str, rng: random.Random) -> str:
    """A structurally valid 12-digit ID: PPP, century+sex digit, YY, six random digits."""
    century_digit = {19: 0, 20: 2, 21: 4, 22: 6, 23: 8}[dob.year // 100] + (1 if sex == "Nữ" else 0)
    return f"{code}{century_digit}{dob.year % 100:02d}{rng.randrange(10**6):06d}"


def _name(rng: random.Random, ethnicity: str, sex: str) -> str:
    if ethnicity == "Kinh":
        middle = KINH_MIDDLE_FEMALE if sex == "Nữ" else KINH_MIDDLE_MALE
        given = KINH_GIVEN_FEMALE if sex == "Nữ" else KINH_GIVEN_MALE
        return f"{rng.choice(KINH_FAMILY)} {rng.choice(middle)} {rng.choice(given)}"
    male, female, given = MINORITY[ethnicity]
    return f"{rng.choice(female if sex == 'Nữ' else male)} {rng.choice(given)}"


def _dob(rng: random.Random, today: date, band: str) -> date:
    low, high = {"infant": (0, 5), "child": (6, 13), "adult": (14, 59), "elder": (60, 92)}[band]
    age = rng.randint(low, high)
    return date(today.year - age - 1, rng.randint(1, 12), rng.randint(1, 28)) if age else \
        date(today.year, max(1, today.month - 3), rng.randint(1, 28))


def village(n: int, seed: int = 0, today: date | None = None, duplicate_share: float = 0.03,
            finger_exception_share: float = 0.06, bad_capture_share: float = 0.08) -> list[SyntheticCitizen]:
    """`n` synthetic villagers; the same (n, seed, today) always gives the same village."""
    today = today or date(2026, 11, 23)
    rng = random.Random(f"fieldkit-village-{seed}")
    people: list[SyntheticCitizen] = []
    for i in range(n):
        if people and rng.random() < duplicate_share:
            original = rng.choice([p for p in people if p.takes_biometrics(today)] or people)
            twin = SyntheticCitizen(
                index=i, biometric_seed=original.biometric_seed, birth_name=_name(rng, original.ethnicity, original.sex),
                sex=original.sex, dob=original.dob, ethnicity=original.ethnicity, religion=original.religion,
                personal_id=None, phone=None, birth_registration_code=original.birth_registration_code,
                guardian_index=original.guardian_index, duplicate_of=original.index)
            people.append(twin)
            continue
        # Families come to the session together, led by an adult, so every child has a guardian present.
        has_adult = any(p.age_on(today) >= 18 for p in people)
        band = rng.choices(("infant", "child", "adult", "elder"), weights=(8, 17, 60, 15))[0] if has_adult else "adult"
        ethnicity = rng.choices(("Kinh", *MINORITY), weights=(30, 25, 20, 8, 10, 7))[0]
        sex = rng.choice(("Nam", "Nữ"))
        dob = _dob(rng, today, band)
        code = rng.choice(("062", "062", "062", "051", "064"))
        person = SyntheticCitizen(
            index=i, biometric_seed=f"s{seed}-p{i}", birth_name=_name(rng, ethnicity, sex), sex=sex, dob=dob,
            ethnicity=ethnicity, religion=rng.choice(RELIGIONS),
            personal_id=personal_id_for(code, dob, sex, rng) if rng.random() > 0.1 else None,
            phone=f"0{rng.choice('35789')}{rng.randrange(10**8):08d}" if band in ("adult", "elder") and rng.random() < 0.6 else None,
            birth_registration_code=code,
            bad_first_capture=rng.random() < bad_capture_share)
        if band in ("infant", "child"):
            adults = [p for p in people if p.age_on(today) >= 18]
            person.guardian_index = rng.choice(adults).index
        if person.takes_biometrics(today) and rng.random() < finger_exception_share:
            status = rng.choice(tuple(FINGER_REASONS))
            finger = rng.choice(list(Finger))
            person.finger_exceptions[finger] = (status, rng.choice(FINGER_REASONS[status]))
        people.append(person)
    return people
