"""Attack 8: weak passphrases. "12345678" was accepted; a thief copying keys/kit.json guesses offline."""

from __future__ import annotations

import pytest

from fieldkit.security import keystore, passphrase
from fieldkit.security.crypto import FAST_TEST_KDF

STRONG = "mây trắng bay qua đồi chè"


@pytest.mark.parametrize("weak, code", [("12345678", "passphrase.too_short"), ("1234567890", "passphrase.too_weak"),
                                        ("password123", "passphrase.too_weak"), ("qwertyuiop", "passphrase.too_weak"),
                                        ("aaaaaaaaaaaa", "passphrase.too_weak")])
def test_init_refuses_a_weak_passphrase(cli, data_dir, weak, code):
    status, _, err = cli("init", "--user", "tech", passphrase=weak)
    assert status == 1 and f"[{code}]" in err and "error:" in err
    assert not keystore.is_initialised(data_dir)


def test_user_add_and_passwd_refuse_weak_passphrases(cli, data_dir):
    assert cli("init", "--user", "tech", passphrase=STRONG)[0] == 0
    status, _, err = cli("user", "add", "an", "--role", "officer", passphrase=STRONG, new="12345678")
    assert status == 1 and "at least 10 characters" in err
    assert "an" not in {u.name for u in keystore.list_users(data_dir)}
    assert cli("user", "add", "an", "--role", "officer", passphrase=STRONG, new="chim sẻ đậu cành tre")[0] == 0
    status, _, err = cli("user", "passwd", "an", passphrase="chim sẻ đậu cành tre", new="abcdefghijk")
    assert status == 1 and "too easy to guess" in err
    assert keystore.unlock(data_dir, "an", "chim sẻ đậu cành tre").user.name == "an"  # unchanged


def test_refusal_has_a_stable_code_and_vietnamese_text():
    with pytest.raises(keystore.PassphraseTooWeak) as err:
        keystore.check_passphrase_strength("12345678", "an")
    assert err.value.code == "passphrase.too_short"
    assert err.value.message_vi == "Cụm mật khẩu phải có ít nhất 10 ký tự"
    with pytest.raises(passphrase.WeakPassphrase) as weak:
        passphrase.check_new_passphrase("0123456789")
    assert weak.value.code == "passphrase.too_weak" and "dãy ký tự liên tiếp" in weak.value.message_vi
    assert set(passphrase.MESSAGES) == {"passphrase.too_short", "passphrase.too_weak"}


def test_vietnamese_phrases_with_diacritics_pass():
    for phrase in (STRONG, "mật khẩu dài của tôi", "Nguyễn ăn phở lúc năm giờ"):
        assert passphrase.check_new_passphrase(phrase).score >= passphrase.MIN_SCORE


def test_existing_weak_passphrases_still_unlock(data_dir, monkeypatch):
    """The rule applies when a passphrase is chosen, never at login: kits made before it keep working."""
    with monkeypatch.context() as older_fieldkit:  # a slot made before the rule
        older_fieldkit.setattr(keystore, "check_passphrase_strength", lambda *_: None)
        keystore.init_kit(data_dir, "tech", "technician", "12345678", FAST_TEST_KDF)
    assert keystore.unlock(data_dir, "tech", "12345678").user.role == "technician"
