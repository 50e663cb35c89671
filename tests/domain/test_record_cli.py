"""`fieldkit validate` and `fieldkit parse-qr`, run in-process through fieldkit.cli.main."""

import json

from fieldkit.cli import main

from .helpers import adult, child

TODAY = "2026-11-23"


def write(tmp_path, record_or_text, name="r.json"):
    path = tmp_path / name
    text = record_or_text if isinstance(record_or_text, str) else json.dumps(record_or_text.to_dict(), ensure_ascii=False)
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_valid_record_exits_0(tmp_path, capsys):
    assert main(["validate", "--today", TODAY, write(tmp_path, adult())]) == 0
    assert "Valid" in capsys.readouterr().out


def test_errors_exit_1_with_both_languages(tmp_path, capsys):
    assert main(["validate", "--today", TODAY, write(tmp_path, child(2016, guardian=False))]) == 1
    out = capsys.readouterr().out
    assert "guardian.required" in out and "vi: Người dưới 14 tuổi" in out and "en: A person under 14" in out


def test_warnings_only_exit_0(tmp_path, capsys):
    assert main(["validate", "--today", TODAY, write(tmp_path, adult(religion=""))]) == 0
    assert "religion.missing" in capsys.readouterr().out


def test_json_output_is_a_list_of_issues(tmp_path, capsys):
    assert main(["validate", "--json", "--today", TODAY, write(tmp_path, adult(phone="123", religion=""))]) == 1
    issues = json.loads(capsys.readouterr().out)
    assert [(i["severity"], i["code"]) for i in issues] == [("error", "phone.format"), ("warning", "religion.missing")]
    assert set(issues[0]) == {"severity", "code", "field", "message_vi", "message_en"}


def test_today_option_changes_age_rules(tmp_path):
    path = write(tmp_path, child(2012, 12, 1))  # has a guardian either way; 14 on 2026-12-01
    assert main(["validate", "--today", "2026-11-30", path]) == 0
    r = child(2012, 12, 1, guardian=False)
    path = write(tmp_path, r, "n.json")
    assert main(["validate", "--today", "2026-11-30", path]) == 1
    assert main(["validate", "--today", "2026-12-01", path]) == 0


def test_unreadable_files_exit_2(tmp_path, capsys):
    assert main(["validate", write(tmp_path, "{not json", "bad.json")]) == 2
    assert "not valid JSON" in capsys.readouterr().err
    assert main(["validate", str(tmp_path / "missing.json")]) == 2
    assert "cannot read" in capsys.readouterr().err
    (tmp_path / "latin1.json").write_bytes(b'{"a": "\xe9"}')
    assert main(["validate", str(tmp_path / "latin1.json")]) == 2


def test_parse_qr_prints_the_prefill(capsys):
    payload = "062190001234|233456789|Y Ben Niê|15031990|Nam|Thôn 3, Xã Đắk Hring, Huyện Đắk Hà, Tỉnh Kon Tum|20042021"
    assert main(["parse-qr", payload]) == 0
    out = capsys.readouterr().out
    assert "Y Ben Niê" in out and "15/03/1990" in out and "Xã Đăk Mar, Tỉnh Quảng Ngãi" in out
    assert main(["parse-qr", "--json", payload]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["address"]["province"] == "Tỉnh Quảng Ngãi" and d["issue_date"] == "2021-04-20"


def test_parse_qr_rejects_a_bad_payload(capsys):
    assert main(["parse-qr", "001090012345||Lê Văn Tám|31021990|Nam|Hà Nội"]) == 1
    assert "date of birth" in capsys.readouterr().err
