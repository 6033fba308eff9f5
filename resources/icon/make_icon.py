#!/usr/bin/env python3
"""Draw the application icon (a bell over a fallback arrow): the icon's source.

    QT_QPA_PLATFORM=offscreen python resources/icon/make_icon.py

Writes icon.png (256 px, for the window and tray) and icon.ico (16-256 px, for the Windows
executable and installer). The outputs are committed; rerun this only to change the design.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QPointF, QRectF, Qt  # noqa: E402
from PySide6.QtGui import QBrush, QColor, QGuiApplication, QImage, QPainter, QPainterPath, QPen  # noqa: E402

OUT = Path(__file__).resolve().parent  # resources/icon/: the sizes sit beside their source


def draw(size: int) -> QImage:
    img = QImage(size, size, QImage.Format.Format_ARGB32)
    img.fill(Qt.GlobalColor.transparent)
    p = QPainter(img)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    s = size / 256
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QBrush(QColor("#1e63c6")))
    p.drawRoundedRect(QRectF(8 * s, 8 * s, 240 * s, 240 * s), 48 * s, 48 * s)
    # bell
    bell = QPainterPath()
    bell.moveTo(64 * s, 176 * s)
    bell.cubicTo(84 * s, 156 * s, 76 * s, 72 * s, 128 * s, 64 * s)
    bell.cubicTo(180 * s, 72 * s, 172 * s, 156 * s, 192 * s, 176 * s)
    bell.closeSubpath()
    p.setBrush(QBrush(QColor("#ffffff")))
    p.drawPath(bell)
    p.drawEllipse(QPointF(128 * s, 192 * s), 18 * s, 18 * s)
    p.drawEllipse(QPointF(128 * s, 58 * s), 12 * s, 12 * s)
    # the fallback: a small orange arrow bending to the next channel
    pen = QPen(QColor("#ffb020"), 14 * s, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
    p.setPen(pen)
    p.setBrush(Qt.BrushStyle.NoBrush)
    arc = QPainterPath()
    arc.moveTo(176 * s, 52 * s)
    arc.quadTo(214 * s, 52 * s, 214 * s, 92 * s)
    p.drawPath(arc)
    p.drawLine(QPointF(214 * s, 96 * s), QPointF(200 * s, 80 * s))
    p.drawLine(QPointF(214 * s, 96 * s), QPointF(228 * s, 80 * s))
    p.end()
    return img


def main() -> int:
    app = QGuiApplication(sys.argv)  # noqa: F841
    OUT.mkdir(parents=True, exist_ok=True)
    draw(256).save(str(OUT / "icon.png"))
    # Qt's ICO writer stores one image per file; the largest is what Windows scales from.
    draw(256).save(str(OUT / "icon.ico"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
