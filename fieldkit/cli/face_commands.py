"""`fieldkit check-face IMAGE [--json]`: every face-quality check with its value, verdict and reason.

Exit codes: 0 the photo is acceptable, 1 it is not (some check failed), 2 bad input (the file cannot be
read as an image, or an option is out of range). For technicians, scripts and tests; the officer sees the same checks live in the camera view.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

EXIT_OK, EXIT_NOT_ACCEPTABLE, EXIT_BAD_INPUT = 0, 1, 2
MAX_FILE_BYTES = 64 * 1024 * 1024  # a portrait is a few MB at most; refuse to decode anything huge


def register(sub) -> None:
    p = sub.add_parser("check-face", help="run the ICAO face-quality checks on a photo")
    p.add_argument("image", metavar="IMAGE", help="photo file (JPEG, PNG, JPEG 2000, BMP, TIFF...)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--framing", choices=("portrait", "camera"), default="portrait",
                   help="portrait: the image is the finished photo (default); camera: a camera frame, "
                        "geometry judged inside its centred 3:4 guide")
    p.add_argument("--guide-height", type=float, default=1.0, metavar="FRACTION",
                   help="camera framing: guide height as a fraction of the frame height (default 1.0)")
    p.set_defaults(func=run)


def read_image(path: str):
    """The image as BGR, or raise ValueError with a message a technician can act on."""
    import cv2  # noqa: PLC0415 - keep `fieldkit --help` fast
    import numpy as np  # noqa: PLC0415

    file = Path(path)
    if not file.is_file():
        raise ValueError(f"{path}: no such file")
    size = file.stat().st_size
    if size == 0 or size > MAX_FILE_BYTES:
        raise ValueError(f"{path}: {'empty file' if size == 0 else 'file too large for a photo'}")
    image = cv2.imdecode(np.fromfile(file, dtype=np.uint8), cv2.IMREAD_COLOR)
    if image is None:
        raise ValueError(f"{path}: not an image OpenCV can read")
    return image


def _text_report(path: str, assessment, image) -> str:
    failed = assessment.failed
    verdict = "ACCEPTABLE" if assessment.acceptable else f"NOT ACCEPTABLE ({len(failed)} of {len(assessment.checks)} checks failed)"
    lines = [f"{path} ({image.shape[1]}x{image.shape[0]}): {verdict}"]
    for c in assessment.checks:
        value = "-" if c.value is None else f"{c.value:g}"
        reason = "" if c.passed else f"  {c.reason_vi} / {c.reason_en}"
        lines.append(f"  {c.code:<24} {value:>10}  {c.threshold:<12} {'ok' if c.passed else 'FAIL'}{reason}")
    return "\n".join(lines)


def run(args, ctx) -> int:
    try:
        image = read_image(args.image)
    except ValueError as exc:
        print(f"check-face: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    from fieldkit.quality.face import assess_face  # noqa: PLC0415 - loads dlib models

    try:
        assessment = assess_face(image, framing=args.framing, guide_height=args.guide_height)
    except ValueError as exc:  # e.g. a guide height out of range
        print(f"check-face: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.json:
        report = {"image": args.image, "width": image.shape[1], "height": image.shape[0],
                  "framing": args.framing, **assessment.as_dict()}
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print(_text_report(args.image, assessment, image))
    return EXIT_OK if assessment.acceptable else EXIT_NOT_ACCEPTABLE
