"""`fieldkit validate` and `fieldkit parse-qr`: the record checks and the card-QR parser, from the shell.

validate: exit 0 when the record has no errors (warnings allowed), 1 when it has errors, 2 when the file cannot be
read as JSON at all. parse-qr: exit 0 with the prefill, 1 when the payload is not a card QR.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

EXIT_OK, EXIT_INVALID, EXIT_UNREADABLE = 0, 1, 2


def register(sub) -> None:
    p = sub.add_parser("validate", help="check an enrolment record JSON file (errors and warnings, vi/en)")
    p.add_argument("file", metavar="FILE.json", help="record file (docs/record-format.md)")
    p.add_argument("--json", action="store_true", help="print the issues as a JSON list")
    p.add_argument("--today", metavar="YYYY-MM-DD", type=_iso_day,
                   help="check ages and future dates as on this day (default: today)")
    p.set_defaults(func=run_validate)

    q = sub.add_parser("parse-qr", help="parse a chip-card QR payload into a form prefill")
    q.add_argument("payload", metavar="PAYLOAD", help="the QR text, e.g. 'ID12|CMND9|name|DDMMYYYY|Nam|address|DDMMYYYY'")
    q.add_argument("--json", action="store_true", help="print the prefill as JSON")
    q.add_argument("--no-convert", action="store_true", help="do not convert the address to the 2025 units")
    q.set_defaults(func=run_parse_qr)


def _iso_day(text: str) -> date:
    import argparse

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date in the form YYYY-MM-DD") from None


def _load_json(path: Path):
    """(data, None) or (None, message) — a missing, unreadable or non-JSON file is not a traceback."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        return None, f"cannot read {path}: {exc.strerror or exc}"
    except UnicodeDecodeError:
        return None, f"{path} is not UTF-8 text"
    try:
        return json.loads(text), None
    except json.JSONDecodeError as exc:
        return None, f"{path} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"


def run_validate(args, ctx) -> int:
    from fieldkit.domain.validation import has_errors, validate_dict

    data, problem = _load_json(Path(args.file))
    if problem:
        print(f"fieldkit validate: {problem}", file=sys.stderr)
        return EXIT_UNREADABLE
    issues = validate_dict(data, today=args.today)
    if args.json:
        print(json.dumps([i.to_dict() for i in issues], ensure_ascii=False, indent=2))
    else:
        _print_issues(issues)
    return EXIT_INVALID if has_errors(issues) else EXIT_OK


def _print_issues(issues) -> None:
    if not issues:
        print("Hợp lệ: không có lỗi, không có cảnh báo. / Valid: no errors, no warnings.")
        return
    for i in issues:
        label = "LỖI/ERROR" if i.is_error else "CẢNH BÁO/WARNING"
        print(f"{label} {i.code} [{i.field}]\n  vi: {i.message_vi}\n  en: {i.message_en}")
    errors = sum(i.is_error for i in issues)
    print(f"{errors} lỗi, {len(issues) - errors} cảnh báo / {errors} error(s), {len(issues) - errors} warning(s)")


def run_parse_qr(args, ctx) -> int:
    from fieldkit.domain.card_qr import QrParseError, parse_card_qr

    try:
        prefill = parse_card_qr(args.payload, convert_address=not args.no_convert)
    except QrParseError as exc:
        print(f"fieldkit parse-qr: not a card QR: {exc}", file=sys.stderr)
        return EXIT_INVALID
    d = prefill.to_dict()
    if args.json:
        print(json.dumps(d, ensure_ascii=False, indent=2))
        return EXIT_OK
    rows = [("Số định danh / ID", d["personal_id"]), ("CMND", d["cmnd"] or "—"),
            ("Họ tên / Name", d["birth_name"]), ("Ngày sinh / Born", prefill.date_of_birth.display()),
            ("Giới tính / Sex", "Nam" if d["sex"] == "male" else "Nữ"),
            ("Địa chỉ trên thẻ / Card address", d["address_raw"] or "—"),
            ("Ngày cấp / Issued", prefill.issue_date.strftime("%d/%m/%Y") if prefill.issue_date else "—")]
    rows += _address_rows(d["address"])
    rows += [(f"Trường thêm / Extra {n}", v) for n, v in enumerate(d["extra_fields"], 8)]
    for label, value in rows:
        print(f"{label}: {value}")
    for w in d["warnings"]:
        print(f"warning: {w}")
    return EXIT_OK


def _address_rows(a: dict | None) -> list[tuple[str, str]]:
    if a is None:
        return []
    rows = [("Nơi cư trú 2025 / Residence 2025",
             ", ".join(x for x in (a["street"], a["commune"], a["province"]) if x) or "—"),
            ("Chuyển đổi / Conversion", a["status"])]
    if a["status"] == "split":
        rows.append(("Xã mới có thể là / Candidates", ", ".join(c["commune"] for c in a["candidates"])))
    return rows
