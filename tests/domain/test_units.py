"""The bundled 2025 units: exactly 34 provinces and 3,321 communes, looked up without diacritics."""

import json
from importlib import resources

from fieldkit.domain.units import all_communes, commune_by_code, find_commune, find_province, provinces


def test_exactly_34_provinces_and_3321_communes():
    assert len(provinces()) == 34
    assert len(all_communes()) == 3321
    assert len({c.code for c in all_communes()}) == 3321


def test_data_file_names_its_source_and_licence():
    raw = json.loads(resources.files("fieldkit.domain").joinpath("data", "units_2025.json").read_text("utf-8"))
    assert "vietnamadminunits" in raw["source"] and raw["licence"].startswith("MIT")


def test_province_lookup_is_diacritic_and_prefix_insensitive():
    for text in ("Quảng Ngãi", "tinh quang ngai", "QUANG NGAI", "Tỉnh Quảng Ngãi", "51"):
        assert find_province(text).name == "Tỉnh Quảng Ngãi"
    assert find_province("TP HCM").short == "Hồ Chí Minh"
    assert find_province("Thừa Thiên Huế").short == "Huế"
    assert find_province("Kon Tum") is None      # merged into Quảng Ngãi on 1 July 2025
    assert find_province("Atlantis") is None


def test_commune_lookup():
    qn = find_province("Quảng Ngãi")
    assert find_commune(qn, "dak mar").commune.name == "Xã Đăk Mar"
    assert find_commune(qn, "Xã Đắk Mar").commune.name == "Xã Đăk Mar"   # Đắk/Đăk spellings fold together
    assert find_commune(qn, "Phường Hoàn Kiếm").commune is None          # a Hà Nội ward
    assert commune_by_code("00070").name == "Phường Hoàn Kiếm"


def test_communes_that_differ_only_by_diacritics_need_them():
    qn = find_province("Quảng Ngãi")
    loose = find_commune(qn, "son ha")
    assert loose.ambiguous and {c.name for c in loose.candidates} == {"Xã Sơn Hà", "Xã Sơn Hạ"}
    assert find_commune(qn, "Sơn Hạ").commune.name == "Xã Sơn Hạ"
