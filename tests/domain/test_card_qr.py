"""Card QR payloads: old 7-field, newer longer, scanner noise, and malformed ones with clear errors."""

import pytest
from hypothesis import given, strategies as st

from fieldkit.domain.card_qr import QrParseError, parse_card_qr, repair_mojibake
from fieldkit.domain.dates import PartialDate
from fieldkit.domain.record import Sex

OLD = "062190001234|233456789|Y Ben Niê|15031990|Nam|Thôn 3, Xã Đắk Hring, Huyện Đắk Hà, Tỉnh Kon Tum|20042021"


@pytest.mark.parametrize("payload,expected", [
    (OLD, {"personal_id": "062190001234", "cmnd": "233456789", "birth_name": "Y Ben Niê",
           "date_of_birth": "1990-03-15", "sex": "male", "issue_date": "2021-04-20", "extra_fields": []}),
    # Empty CMND (people who never had one), female, year-only birth written with 00 day and month.
    ("001305012345||Nguyễn Thị Hoà|00002005|Nữ|Phường Dịch Vọng, Quận Cầu Giấy, Hà Nội|10072024",
     {"cmnd": None, "sex": "female", "date_of_birth": "2005", "issue_date": "2024-07-10"}),
    # Newer, longer card: extra fields kept in order, untouched.
    ("001305012345||Nguyễn Thị Hoà|01012005|Nữ|Hà Nội|10072024|001305099999|Nguyễn Văn Cha|Trần Thị Mẹ",
     {"issue_date": "2024-07-10", "extra_fields": ["001305099999", "Nguyễn Văn Cha", "Trần Thị Mẹ"]}),
    # Six fields: no issue date.
    ("001090012345||Lò Văn Páo|05061990|Nam|Xã Y Tý, Huyện Bát Xát, Tỉnh Lào Cai",
     {"issue_date": None, "birth_name": "Lò Văn Páo", "extra_fields": []}),
    # Scanner noise: BOM, CR/LF, spaces around fields, decomposed diacritics, trailing '|'.
    ("\ufeff 001090012345 | | Tra\u0302\u0300n   Va\u0306n  An |01/02/1990| nam |Hà Nội|01022022|\r\n",
     {"birth_name": "Trần Văn An", "date_of_birth": "1990-02-01", "sex": "male", "issue_date": "2022-02-01",
      "extra_fields": [""]}),
])
def test_payloads(payload, expected):
    got = parse_card_qr(payload, convert_address=False).to_dict()
    assert {k: got[k] for k in expected} == expected
    assert got["raw"].startswith(payload.replace("\ufeff", "").strip()[:12])


def test_address_is_converted_to_2025_units():
    p = parse_card_qr(OLD)
    assert p.address.province.short == "Quảng Ngãi" and p.address.commune.name == "Xã Đăk Mar"
    d = p.to_demographics()
    assert (d.residence.province, d.residence.commune, d.residence.street) == ("Quảng Ngãi", "Xã Đăk Mar", "Thôn 3")
    assert d.residence.card_address.endswith("Tỉnh Kon Tum")
    assert d.date_of_birth == PartialDate(1990, 3, 15) and d.sex is Sex.MALE


def garble(text: str) -> str:
    """UTF-8 bytes shown through a Windows-1252 decoder, as a keyboard-wedge or a wrong code page does."""
    out = []
    for b in text.encode("utf-8"):
        try:
            out.append(bytes([b]).decode("cp1252"))
        except UnicodeDecodeError:
            out.append(chr(b))
    return "".join(out)


def test_mojibake_from_a_wedge_scanner_is_repaired_with_a_warning():
    assert repair_mojibake("Nguyá»…n") == "Nguyễn"
    garbled = garble(OLD)
    assert garbled != OLD and "Niê" not in garbled
    p = parse_card_qr(garbled)
    assert p.birth_name == "Y Ben Niê" and p.address_raw.startswith("Thôn 3, Xã Đắk") and p.warnings
    assert p.address.commune.name == "Xã Đăk Mar"
    assert repair_mojibake("Nguyễn Văn A") == "Nguyễn Văn A"


def test_bad_cmnd_is_a_warning_not_an_error():
    p = parse_card_qr("001090012345|12AB|Lê Văn Tám|01011990|Nam|Hà Nội|01012021", convert_address=False)
    assert p.cmnd is None and "CMND" in p.warnings[0]


@pytest.mark.parametrize("payload,field,fragment", [
    ("", "", "empty"),
    ("   \r\n", "", "empty"),
    ("just some text", "", "at least 6 fields"),
    ("001090012345|x|y|z", "", "this one has 4"),
    ("0010900123|x|Lê Văn Tám|01011990|Nam|Hà Nội", "personal ID", "12 digits"),
    ("001090012345||  |01011990|Nam|Hà Nội", "name", "empty"),
    ("001090012345||L? V?n T?m|01011990|Nam|Hà Nội", "name", "keyboard mode"),
    ("001090012345||L\ufffd V\ufffdn|01011990|Nam|Hà Nội", "name", "lost"),
    ("001090012345||Lê Văn Tám|31021990|Nam|Hà Nội", "date of birth", "does not exist"),
    ("001090012345||Lê Văn Tám|1990-1-1x|Nam|Hà Nội", "date of birth", "not a date"),
    ("001090012345||Lê Văn Tám|01011990|M|Hà Nội", "sex", "Nam or Nữ"),
])
def test_malformed_payloads_say_what_is_wrong(payload, field, fragment):
    with pytest.raises(QrParseError) as info:
        parse_card_qr(payload, convert_address=False)
    assert info.value.field == field and fragment in str(info.value)


def test_repr_hides_the_person():
    text = repr(parse_card_qr(OLD, convert_address=False))
    assert "Niê" not in text and "062190001234" not in text


@given(st.text(max_size=120) | st.lists(st.text(alphabet="0123456789NamNữ ", max_size=14), min_size=5, max_size=10)
       .map("|".join))
def test_any_text_gives_a_prefill_or_a_qr_parse_error(text):
    try:
        prefill = parse_card_qr(text, convert_address=False)
    except QrParseError as exc:
        assert str(exc)
    else:
        assert len(prefill.personal_id) == 12 and prefill.birth_name
