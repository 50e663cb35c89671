"""Render packaging/linux/fieldkit.svg to the raster icons some platforms need.

    python packaging/make_icons.py     writes packaging/windows/fieldkit.ico (16-256 px) for fieldkit-windows.spec

Generated, not committed: the SVG is the one source. Uses Qt's SVG renderer (offscreen) and Pillow.
"""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SVG = HERE / "linux" / "fieldkit.svg"
ICO = HERE / "windows" / "fieldkit.ico"
SIZES = (16, 24, 32, 48, 64, 128, 256)


def render_png(size: int) -> bytes:
    from PySide6.QtCore import QBuffer, QIODevice
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(0)
    painter = QPainter(image)
    QSvgRenderer(str(SVG)).render(painter)
    painter.end()
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(buffer.data())


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PIL import Image
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841 (QPainter needs an app)
    largest = Image.open(io.BytesIO(render_png(SIZES[-1])))
    ICO.parent.mkdir(exist_ok=True)
    largest.save(ICO, format="ICO", sizes=[(s, s) for s in SIZES])
    print(f"wrote {ICO}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
