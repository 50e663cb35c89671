"""Names: NFC as typed, folded search keys, allowed characters, one tone-placement convention for comparing."""

import unicodedata

import pytest
from hypothesis import given, strategies as st

from fieldkit.domain.names import (bad_name_characters, comparison_key, fold, normalize_name,
                                   normalize_tone_placement)

VIETNAMESE = "aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
vietnamese_text = st.text(alphabet=VIETNAMESE + VIETNAMESE.upper() + " -'", max_size=40)


def test_nfc_keeps_tone_placement_as_typed():
    assert normalize_name("Ho\u0300a") == "Hòa"                      # decomposed input becomes composed
    assert normalize_name("Hòa") != normalize_name("Hoà")            # two spellings stay two spellings
    assert normalize_name("  Nguyễn   Văn\tAn ") == "Nguyễn Văn An"


def test_tone_placement_normaliser_is_for_comparison():
    assert normalize_tone_placement("Hoà") == "Hòa"
    assert normalize_tone_placement("Thuỷ") == "Thủy"
    assert normalize_tone_placement("Khoẻ") == "Khỏe"
    for stable in ("Hoàn", "Toán", "Quý", "Giàu", "Người", "Nguyễn", "Quỳnh", "Thuyền", "gì"):
        assert normalize_tone_placement(stable) == stable
    assert comparison_key("NGUYỄN ĐỨC HOÀ") == comparison_key("Nguyễn Đức Hòa")
    assert comparison_key("Hòa") != comparison_key("Hóa")           # a different tone is a different name


def test_fold_examples():
    assert fold("Nguyễn Đức Hoà") == "nguyen duc hoa"
    assert fold("ĐINH Thị  Mai") == "dinh thi mai"
    assert fold("Y Ben Niê") == "y ben nie"


@pytest.mark.parametrize("name", ["Nguyễn Thị Hoà", "Y Ben Niê", "A Vang", "Rơ Mah H'Lan", "K’Ly", "Lê-Văn Tám"])
def test_real_name_shapes_are_allowed(name):
    assert bad_name_characters(name) == []


@pytest.mark.parametrize("name,bad", [("Nguyễn Văn 3", ["3"]), ("Lê@Văn", ["@"]), ("Trần_Thị.", ["_", "."]),
                                      ("Иван", ["И", "в", "а", "н"])])
def test_digits_symbols_and_other_scripts_are_not(name, bad):
    assert bad_name_characters(name) == bad


@given(st.text(max_size=60))
def test_normalize_is_idempotent_and_nfc(text):
    once = normalize_name(text)
    assert normalize_name(once) == once
    assert unicodedata.is_normalized("NFC", once)


@given(st.text(max_size=60))
def test_fold_is_idempotent_and_drops_every_mark(text):
    folded = fold(text)
    assert fold(folded) == folded
    assert not any(unicodedata.combining(ch) for ch in unicodedata.normalize("NFD", folded))
    assert "đ" not in folded and "Đ" not in folded


@given(vietnamese_text)
def test_vietnamese_folds_to_ascii_and_d_maps_to_d(text):
    folded = fold(text)
    assert folded.isascii()
    assert folded.count("d") == fold(text.replace("đ", "d").replace("Đ", "D")).count("d")


@given(vietnamese_text)
def test_tone_placement_is_idempotent_and_keeps_letters(text):
    placed = normalize_tone_placement(text)
    assert normalize_tone_placement(placed) == placed
    assert fold(placed) == fold(text)
