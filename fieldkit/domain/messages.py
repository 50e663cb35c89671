"""Every validation code with its default severity and its messages in Vietnamese and English.

Codes are a stable interface (the UI, the CLI's --json output and the review screen key on them): add codes,
never rename one. Messages take `str.format` parameters supplied by the check that raised the issue.
"""

from __future__ import annotations

ERROR, WARNING = "error", "warning"

# code: (default severity, Vietnamese, English)
MESSAGES: dict[str, tuple[str, str, str]] = {
    "record.format": (ERROR, "Bản ghi không đọc được: {detail}", "The record cannot be read: {detail}"),
    "record.timestamps": (WARNING, "Thời điểm cập nhật sớm hơn thời điểm tạo bản ghi",
                          "The record was updated before it was created"),
    "name.required": (ERROR, "Chưa nhập họ, chữ đệm và tên khai sinh", "The birth name is missing"),
    "name.bad_characters": (ERROR, "Tên có ký tự không được phép: {chars}",
                            "The name contains characters that are not allowed: {chars}"),
    "name.not_normalized": (WARNING, "Tên chưa chuẩn hoá Unicode (NFC) hoặc thừa khoảng trắng; sẽ lưu là \"{normalized}\"",
                            "The name is not in Unicode NFC or has extra spaces; it will be stored as \"{normalized}\""),
    "id.format": (ERROR, "Số định danh cá nhân phải gồm đúng 12 chữ số",
                  "The personal ID number must have exactly 12 digits"),
    "id.unknown_province": (WARNING, "Mã tỉnh {code} trong số định danh không có trong danh mục",
                            "Province code {code} in the ID number is not in the code list"),
    "id.century_mismatch": (WARNING, "Số định danh ghi năm sinh {id_year}, khác thế kỷ với năm sinh {dob_year}",
                            "The ID number encodes the birth year {id_year}, a different century from {dob_year}"),
    "id.year_mismatch": (WARNING, "Số định danh ghi năm sinh {id_year}, khác với năm sinh {dob_year}",
                         "The ID number encodes the birth year {id_year}, not {dob_year}"),
    "id.sex_mismatch": (WARNING, "Số định danh ghi giới tính {id_sex_vi}, khác với giới tính đã nhập",
                        "The ID number encodes the sex {id_sex}, not the sex entered"),
    "cmnd.format": (ERROR, "Số CMND cũ phải gồm đúng 9 chữ số", "The old CMND number must have exactly 9 digits"),
    "dob.required": (ERROR, "Chưa nhập ngày sinh (có thể chỉ ghi năm)", "The date of birth is missing (a year alone is allowed)"),
    "dob.format": (ERROR, "Ngày sinh không đúng dạng: {detail}", "The date of birth is not in a valid form: {detail}"),
    "dob.impossible": (ERROR, "Ngày sinh không có thật: {detail}", "The date of birth does not exist: {detail}"),
    "dob.future": (ERROR, "Ngày sinh ở tương lai", "The date of birth is in the future"),
    "dob.too_old": (WARNING, "Tuổi trên {age}: kiểm tra lại năm sinh", "Older than {age}: check the birth year"),
    "sex.required": (ERROR, "Chưa chọn giới tính", "The sex is missing"),
    "ethnicity.required": (ERROR, "Chưa nhập dân tộc", "The ethnicity is missing"),
    "ethnicity.unknown": (WARNING, "Dân tộc \"{ethnicity}\" không có trong danh mục 54 dân tộc",
                          "The ethnicity \"{ethnicity}\" is not one of the 54 listed groups"),
    "religion.missing": (WARNING, "Chưa nhập tôn giáo (ghi \"Không\" nếu không theo tôn giáo nào)",
                         "The religion is missing (enter \"Không\" for none)"),
    "nationality.required": (ERROR, "Chưa nhập quốc tịch", "The nationality is missing"),
    "birth_registration.required": (ERROR, "Chưa nhập nơi đăng ký khai sinh", "The place of birth registration is missing"),
    "birth_registration.unknown_province": (
        WARNING, "Nơi đăng ký khai sinh \"{province}\" không phải tên tỉnh, thành phố đã biết",
        "The place of birth registration \"{province}\" is not a known province"),
    "residence.required": (ERROR, "Chưa nhập đủ nơi cư trú (tỉnh, xã)", "The place of residence (province, commune) is incomplete"),
    "residence.unknown_province": (ERROR, "\"{province}\" không phải tỉnh, thành phố từ 01/7/2025",
                                   "\"{province}\" is not a province since 1 July 2025"),
    "residence.unknown_commune": (ERROR, "Xã, phường \"{commune}\" không thuộc {province}",
                                  "The commune \"{commune}\" is not in {province}"),
    "residence.ambiguous_commune": (ERROR, "\"{commune}\" có thể là nhiều xã, phường của {province}: {candidates}. Hãy gõ đủ dấu",
                                    "\"{commune}\" matches several communes of {province}: {candidates}. Type it with diacritics"),
    "hometown.missing": (WARNING, "Chưa nhập quê quán", "The home town (quê quán) is missing"),
    "guardian.required": (ERROR, "Người dưới 14 tuổi phải có người đại diện theo pháp luật",
                          "A person under 14 needs a legal representative"),
    "guardian.age_uncertain": (WARNING, "Ngày sinh chưa đủ để biết người này đã đủ 14 tuổi chưa: nên ghi người đại diện",
                               "The date of birth does not tell whether this person is 14 yet: record a representative"),
    "guardian.incomplete": (ERROR, "Thiếu {missing} của người đại diện", "The representative's {missing_en} is missing"),
    "guardian.id_format": (ERROR, "Số định danh của người đại diện phải gồm đúng 12 chữ số",
                           "The representative's personal ID number must have exactly 12 digits"),
    "biometrics.under_six": (ERROR, "Không thu ảnh mặt, vân tay của người dưới 6 tuổi",
                             "No face photo or fingerprints are taken from a person under 6"),
    "biometrics.age_uncertain": (WARNING, "Ngày sinh chưa đủ để biết người này đã đủ 6 tuổi chưa",
                                 "The date of birth does not tell whether this person is 6 yet"),
    "captures.incomplete": (WARNING, "Còn {count} mục ảnh mặt, vân tay chưa lấy",
                            "{count} face or fingerprint captures still to do"),
    "face.missing": (ERROR, "Chưa chụp ảnh mặt", "The face photo has not been taken"),
    "slap.not_done": (ERROR, "Chưa lấy vân tay {slap_vi}", "The {slap} slap has not been captured"),
    "finger.not_done": (ERROR, "Chưa lấy vân tay lăn ngón {finger_vi}", "The {finger} has not been rolled"),
    "finger.no_image": (ERROR, "Ngón {finger_vi} ghi đã lấy nhưng không có ảnh", "The {finger} is marked captured but has no image"),
    "finger.reason_required": (ERROR, "Ngón {finger_vi} không lấy được vân tay: phải ghi lý do",
                               "The {finger} has no print: a reason is required"),
    "finger.inconsistent": (WARNING, "Ngón {finger_vi} ghi mất ngón nhưng vẫn có vân tay",
                            "The {finger} is marked missing but has a print"),
    "fingers.none_captured": (WARNING, "Không lấy được vân tay ngón nào: cần cán bộ phụ trách xem lại",
                              "No finger could be printed: needs a supervisor's review"),
    "phone.format": (ERROR, "Số điện thoại di động phải có 10 chữ số bắt đầu bằng 0 (hoặc +84)",
                     "A mobile number has 10 digits starting with 0 (or +84)"),
    "session.incomplete": (ERROR, "Thiếu thông tin đợt cấp: {missing}", "The session is missing: {missing_en}"),
    "session.gps_range": (ERROR, "Toạ độ GPS không hợp lệ", "The GPS position is out of range"),
    "vneid.phone": (ERROR, "Số điện thoại đăng ký VNeID phải là số di động Việt Nam",
                    "The VNeID phone must be a Vietnamese mobile number"),
    "vneid.email": (ERROR, "Địa chỉ thư điện tử đăng ký VNeID không hợp lệ", "The VNeID e-mail address is not valid"),
    "vneid.consent": (ERROR, "Chưa ghi nhận sự đồng ý của công dân (thời điểm, cán bộ) cho tài khoản VNeID mức 2",
                      "The citizen's consent to the VNeID level-2 account (time, officer) is not recorded"),
}

FINGERS_VI = {
    "right_thumb": "cái phải", "right_index": "trỏ phải", "right_middle": "giữa phải", "right_ring": "nhẫn phải",
    "right_little": "út phải", "left_thumb": "cái trái", "left_index": "trỏ trái", "left_middle": "giữa trái",
    "left_ring": "nhẫn trái", "left_little": "út trái",
}
SLAPS_VI = {"right_four": "bốn ngón tay phải", "left_four": "bốn ngón tay trái", "two_thumbs": "hai ngón cái"}
SEX_VI = {"male": "Nam", "female": "Nữ"}


class _KeepMissing(dict):
    def __missing__(self, key):
        return "{" + key + "}"


def render(code: str, params: dict, language: str) -> str:
    """The message for `code` in "vi" or "en"; a missing parameter shows as {name}, never raises."""
    _, vi, en = MESSAGES[code]
    return (vi if language == "vi" else en).format_map(_KeepMissing(params))


def localized(exc: BaseException, language: str) -> str:
    """An input error's text in "vi" or "en": domain errors (dates, card QR) carry a Vietnamese `vi` text."""
    vi = getattr(exc, "vi", "")
    return vi if language == "vi" and vi else str(exc)


def codes_markdown_table() -> str:
    """The code table of docs/record-format.md (a test checks the doc contains it verbatim)."""
    rows = ["| code | severity | English | Tiếng Việt |", "|---|---|---|---|"]
    for code, (severity, vi, en) in MESSAGES.items():
        rows.append(f"| `{code}` | {severity} | {en} | {vi} |")
    return "\n".join(rows).replace("{", "‹").replace("}", "›")
