"""Synthetic people with Vietnamese names for simulators and tests (never real persons).

`synthetic_person(n)` is deterministic: the same n gives the same person, so a test can present
person 7's card and fingers and expect them to agree.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô",
          "Dương", "Lý")
# Ê Đê names (Central Highlands): "Y" before a man's name, "H'" before a woman's, clan name last.
EDE_MALE = ("Bih", "Ngông", "Khuê", "Blô", "Wang")
EDE_FEMALE = ("Hen", "Linh", "Ly", "Xíu", "Nhi")
EDE_CLANS = ("Niê", "Êban", "Mlô", "Byă", "Kpă", "Ayun")
MIDDLE_MALE = ("Văn", "Hữu", "Đức", "Minh", "Quốc", "Thanh", "Công")
MIDDLE_FEMALE = ("Thị", "Ngọc", "Thu", "Thanh", "Hoài", "Minh")
GIVEN_MALE = ("An", "Bình", "Cường", "Dũng", "Hùng", "Nam", "Phúc", "Quân", "Sơn", "Tuấn", "Khang", "Lộc")
GIVEN_FEMALE = ("Hà", "Hạnh", "Lan", "Linh", "Mai", "Thảo", "Trang", "Vy", "Yến", "Xuân", "Nhung", "Hương")
# (province code of the ID number, a pre-2025 address as printed on cards issued before July 2025)
PLACES = (
    ("066", "Thôn 3, Xã Ea Tu, Thành phố Buôn Ma Thuột, Đắk Lắk"),
    ("062", "Làng Kon Klor, Phường Thắng Lợi, Thành phố Kon Tum, Kon Tum"),
    ("064", "Thôn Plei Ring, Xã Ia Băng, Huyện Chư Prông, Gia Lai"),
    ("011", "Bản Na Son, Xã Na Son, Huyện Điện Biên Đông, Điện Biên"),
    ("002", "Thôn Lũng Cẩm, Xã Sủng Là, Huyện Đồng Văn, Hà Giang"),
    ("095", "Ấp Cái Cùng, Xã Long Điền Tây, Huyện Đông Hải, Bạc Liêu"),
)


@dataclass(frozen=True)
class SyntheticPerson:
    key: str            # stable identifier used by the fingerprint simulators ("synthetic-person-7")
    id_number: str      # 12 digits: province, century/sex, birth year, serial
    old_id: str         # 9-digit CMND or ""
    full_name: str
    birth_date: date
    sex: str            # "Nam" or "Nữ", as in the QR
    address: str
    issue_date: date

    def card_qr(self) -> str:
        """The QR text on the back of the chip ID card (format in docs/devices-fingerprint-qr.md)."""
        return "|".join((self.id_number, self.old_id, self.full_name, self.birth_date.strftime("%d%m%Y"), self.sex,
                         self.address, self.issue_date.strftime("%d%m%Y")))


def synthetic_person(n: int) -> SyntheticPerson:
    rng = random.Random(f"fieldkit-synthetic-person-{n}")
    female = rng.random() < 0.5
    birth = date(1950, 1, 1) + timedelta(days=rng.randrange(0, 365 * 68))
    province, address = rng.choice(PLACES)
    century_sex = (0 if birth.year < 2000 else 2) + (1 if female else 0)
    id_number = f"{province}{century_sex}{birth.year % 100:02d}{rng.randrange(10**6):06d}"
    old_id = f"{rng.randrange(10**8, 10**9)}" if birth.year < 1995 and rng.random() < 0.6 else ""
    if province == "066" and rng.random() < 0.5:
        name = (f"H'{rng.choice(EDE_FEMALE)}" if female else f"Y {rng.choice(EDE_MALE)}") + f" {rng.choice(EDE_CLANS)}"
    else:
        middle = rng.choice(MIDDLE_FEMALE if female else MIDDLE_MALE)
        given = rng.choice(GIVEN_FEMALE if female else GIVEN_MALE)
        name = f"{rng.choice(FAMILY)} {middle} {given}"
    issue = date(2021, 1, 1) + timedelta(days=rng.randrange(0, 365 * 4))
    return SyntheticPerson(key=f"synthetic-person-{n}", id_number=id_number, old_id=old_id,
                           full_name=name, birth_date=birth,
                           sex="Nữ" if female else "Nam", address=address, issue_date=issue)
