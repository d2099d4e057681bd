"""The reader's HTML laid out by Qt's own rich-text engine, line by line, to check where
lines break (Qt's rules, not a browser's: it breaks after any inline picture and ignores
`white-space: nowrap` on a span)."""

from __future__ import annotations

import re

from PySide6.QtCore import QUrl
from PySide6.QtGui import QColor, QImage, QTextDocument

PICTURE = "\ufffc"  # an inline picture in a block's text


def laid_out_lines(page: str, width: int) -> list[list[str]]:
    """Every block of `page` laid out `width` pixels wide, as the text of its lines."""
    document = QTextDocument()
    for name in set(re.findall(r'<img src="([^"]+)"', page)):
        picture = QImage(14, 14, QImage.Format.Format_ARGB32)
        picture.fill(QColor("#e3a008"))
        document.addResource(QTextDocument.ResourceType.ImageResource, QUrl(name), picture)
    document.setHtml(page)
    document.setTextWidth(width)
    document.size()  # lays the document out
    blocks = []
    block = document.begin()
    while block.isValid():
        layout, text = block.layout(), block.text()
        lines = [layout.lineAt(n) for n in range(layout.lineCount())]
        blocks.append(
            [text[line.textStart() : line.textStart() + line.textLength()] for line in lines]
        )
        block = block.next()
    return blocks


def all_lines(page: str, width: int) -> list[str]:
    return [line for block in laid_out_lines(page, width) for line in block]
