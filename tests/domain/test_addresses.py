"""Old three-level addresses (as on a card) converted to the 2025 units, offline, and residence checks."""

import socket

import pytest

from fieldkit.domain.addresses import ConversionStatus, check_residence, convert_old_address


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """The conversion must never geocode: any socket use fails the test."""
    def refuse(*args, **kwargs):
        raise AssertionError("address conversion tried to use the network")
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)


@pytest.mark.parametrize("old,status,province,commune,street", [
    ("Thôn 3, Xã Đắk Hring, Huyện Đắk Hà, Tỉnh Kon Tum", "converted", "Tỉnh Quảng Ngãi", "Xã Đăk Mar", "Thôn 3"),
    ("Phường Quyết Thắng, Thành phố Kon Tum, Tỉnh Kon Tum", "converted", "Tỉnh Quảng Ngãi", "Phường Kon Tum", None),
    ("thon kon plong, xa hieu, huyen kon plong, kon tum", "converted", "Tỉnh Quảng Ngãi", "Xã Kon Plông", None),
    ("Số 5 Ngõ 10, Phường Dịch Vọng, Quận Cầu Giấy, Thành phố Hà Nội", "split", "Thành phố Hà Nội",
     "Phường Cầu Giấy", "Số 5 Ngõ 10"),
    ("Buôn Ko Tam, Xã Ea Tu, Thành phố Buôn Ma Thuột, Tỉnh Đắk Lắk", "converted", "Tỉnh Đắk Lắk", "Phường Tân An",
     "Buôn Ko Tam"),
    ("Huyện Đắk Hà, Tỉnh Kon Tum", "province_only", "Tỉnh Quảng Ngãi", None, None),
    ("xyz, abc", "unknown", None, None, None),
    ("", "unknown", None, None, None),
])
def test_conversion_table(old, status, province, commune, street):
    result = convert_old_address(old)
    d = result.to_dict()
    assert (d["status"], d["province"], d["commune"]) == (status, province, commune)
    if street:
        assert d["street"].casefold() == street.casefold()
    assert result.needs_confirmation == (status != "converted")


def test_a_split_commune_lists_every_candidate():
    result = convert_old_address("Phường Dịch Vọng, Quận Cầu Giấy, Hà Nội")
    assert result.status is ConversionStatus.SPLIT
    assert {c.name for c in result.candidates} == {"Phường Cầu Giấy", "Phường Nghĩa Đô"}
    assert result.commune in result.candidates


def test_repr_does_not_show_the_address():
    assert "Thôn" not in repr(convert_old_address("Thôn 3, Xã Đắk Hring, Huyện Đắk Hà, Tỉnh Kon Tum"))


def test_residence_checks():
    assert check_residence("Quảng Ngãi", "Đăk Mar") == (None, {})
    assert check_residence("Kon Tum", "Đăk Mar")[0] == "residence.unknown_province"
    assert check_residence("Quảng Ngãi", "Phường Hoàn Kiếm")[0] == "residence.unknown_commune"
    assert check_residence("Quảng Ngãi", "son ha")[0] == "residence.ambiguous_commune"
