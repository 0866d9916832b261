"""Render resources/icons/achats-durables.svg to the PNG (Linux .desktop) and ICO (Windows) icons.

``python installer/make_icons.py`` (needs PySide6 and Pillow, both in the development venv); the
outputs are committed, so the build itself never needs Pillow.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"


def render_png(size: int) -> bytes:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    QSvgRenderer(str(ICONS / "achats-durables.svg")).render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data)


def main() -> None:
    from PIL import Image

    png = render_png(256)
    (ICONS / "achats-durables.png").write_bytes(png)
    sizes = [(16, 16), (24, 24), (32, 32), (48, 48), (64, 64), (128, 128), (256, 256)]
    Image.open(io.BytesIO(png)).save(ICONS / "achats-durables.ico", sizes=sizes)
    print(f"written: {ICONS / 'achats-durables.png'}, {ICONS / 'achats-durables.ico'}")


if __name__ == "__main__":
    main()
