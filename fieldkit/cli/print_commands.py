"""`fieldkit check-print IMAGE [--json]`: the fingerprint quality checks on one image, for technicians and scripts.

Exit codes: 0 acceptable, 1 not acceptable (below `fingerprint_quality_min`), 2 unreadable or not an image.
Reads anything OpenCV reads (PNG, BMP, TIFF, JPEG, PGM) and WSQ files.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import cv2
import numpy as np

EXIT_OK, EXIT_REJECTED, EXIT_BAD_INPUT = 0, 1, 2


def register(sub) -> None:
    p = sub.add_parser("check-print", help="fingerprint quality of one image: every feature, verdict and reason")
    p.add_argument("image", metavar="IMAGE", help="500 ppi greyscale print (PNG, BMP, TIFF, JPEG, PGM or WSQ)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=run)


class UnreadableImage(Exception):
    pass


def read_print(path: Path) -> np.ndarray:
    """The image as 8-bit grey, or UnreadableImage saying why."""
    if not path.is_file():
        raise UnreadableImage(f"{path}: no such file")
    data = path.read_bytes()
    if data[:2] == b"\xff\xa0":
        from fieldkit.biometrics.fp_codec import WsqError, decode_wsq
        try:
            return decode_wsq(data)
        except WsqError as exc:
            raise UnreadableImage(f"{path}: {exc}") from None
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_GRAYSCALE) if data else None
    if image is None:
        raise UnreadableImage(f"{path}: not an image OpenCV can read (PNG, BMP, TIFF, JPEG, PGM) nor WSQ")
    return image


def _print_text(path: Path, report) -> None:
    verdict = "ACCEPTABLE" if report.acceptable else "NOT ACCEPTABLE"
    print(f"{path}: quality {report.score}/100 (minimum {report.minimum}) — {verdict}")
    for f in report.features:
        mark = "ok " if f.ok else "LOW"
        weight = f"weight {f.weight:.2f}" if f.weight else "info"
        print(f"  [{mark}] {f.name:<22} {f.value:8.2f} {f.unit:<20} goodness {f.goodness:.2f} ({weight})")
        if f.reason is not None:
            print(f"        {f.reason.en} / {f.reason.vi}")
    if report.reasons:
        print("  To do / Cần làm:")
    for r in report.reasons:
        print(f"  -> {r.en}\n     {r.vi}")


def run(args, ctx) -> int:
    from fieldkit.biometrics.fp_enhance import FingerprintImageError
    from fieldkit.biometrics.fp_quality import assess_print

    path = Path(args.image)
    try:
        image = read_print(path)
        report = assess_print(image, minimum=int(ctx.settings.fingerprint_quality_min))
    except (UnreadableImage, FingerprintImageError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.json:
        print(json.dumps({"file": str(path), **report.to_dict()}, ensure_ascii=False, indent=2))
    else:
        _print_text(path, report)
    return EXIT_OK if report.acceptable else EXIT_REJECTED
