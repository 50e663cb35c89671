from __future__ import annotations

import logging

import pytest

from fieldkit.logs import forget_sensitive, redact, register_sensitive, setup_logging

NAME = "Nguyễn Thị Hoà"
ASCII_NAME = "Y Ben Nie"
PID = "062301001234"
CMND = "233123456"
PHONE = "0912 345 678"


@pytest.fixture
def kit_log(tmp_path):
    path = setup_logging(tmp_path, "DEBUG")
    yield path
    setup_logging(None)
    forget_sensitive()


def test_log_file_holds_no_personal_data(kit_log):
    register_sensitive(ASCII_NAME)
    log = logging.getLogger("fieldkit.test")
    log.info("enrolled %s id=%s cmnd=%s phone=%s", NAME, PID, CMND, PHONE)
    log.info(f"guardian {ASCII_NAME} for {PID}")
    log.debug("face image %r", b"\xff\xd8\xff\xe0secretjpegbytes")
    try:
        raise ValueError(f"bad date for {NAME} ({PID})")
    except ValueError:
        log.exception("validation crashed")
    for handler in logging.getLogger().handlers:
        handler.flush()
    text = kit_log.read_text(encoding="utf-8")
    for secret in (NAME, "Hoà", "Nguyễn", ASCII_NAME, PID, CMND, PHONE, "secretjpegbytes"):
        assert secret not in text, secret
    assert "enrolled" in text and "validation crashed" in text and "ValueError" in text
    assert "<19 bytes>" in text


def test_redact_keeps_ordinary_messages():
    assert redact("uploaded 3 packets in 12.5 s, 2048 bytes") == "uploaded 3 packets in 12.5 s, 2048 bytes"
    assert redact("record 4f1c-22 version 7") == "record 4f1c-22 version 7"


def test_redact_catches_decomposed_forms():
    import unicodedata

    assert "Hoà" not in redact(unicodedata.normalize("NFD", "tên Hoà"))
