"""Draw the local pictures of the built-in sample digests (run once; output is committed).

    QT_QPA_PLATFORM=offscreen python bench/make_sample_images.py

Writes small diagram PNGs, one animated GIF and a QR-like footer picture into
resources/samples/notes/202611/images/. The pictures are simple shapes and labels drawn
with QPainter, so the samples ship no third-party image and the first run works offline.
"""

from __future__ import annotations

import random
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from gif import RGB, encode_gif
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QImage, QPainter, QPen, QPolygonF

OUT = Path(__file__).resolve().parents[1] / "resources" / "samples" / "notes" / "202611" / "images"
W, H = 480, 270
INK = QColor("#263238")
BLUE, GREEN, ORANGE = QColor("#4f86c6"), QColor("#5bb381"), QColor("#f0a04b")
RED, PURPLE, GREY = QColor("#d9534f"), QColor("#8e6cc0"), QColor("#b0bec5")
PALETTE = (BLUE, GREEN, ORANGE, PURPLE, RED)

Painter = Callable[[QPainter], None]


def font(size: int, bold: bool = False) -> QFont:
    f = QFont()
    f.setPixelSize(size)
    f.setBold(bold)
    return f


def title(p: QPainter, text: str) -> None:
    p.setPen(INK)
    p.setFont(font(20, bold=True))
    p.drawText(QRectF(0, 8, W, 34), Qt.AlignmentFlag.AlignCenter, text)


def caption(p: QPainter, text: str) -> None:
    p.setPen(QColor("#546e7a"))
    p.setFont(font(13))
    p.drawText(QRectF(0, H - 30, W, 24), Qt.AlignmentFlag.AlignCenter, text)


def box(p: QPainter, rect: QRectF, label: str, colour: QColor) -> None:
    p.setPen(QPen(colour.darker(130), 2))
    p.setBrush(colour.lighter(160))
    p.drawRoundedRect(rect, 8, 8)
    p.setPen(INK)
    p.setFont(font(13, bold=True))
    p.drawText(rect, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, label)


def arrow(p: QPainter, a: QPointF, b: QPointF) -> None:
    p.setPen(QPen(INK, 2))
    p.drawLine(a, b)
    d = b - a
    length = max((d.x() ** 2 + d.y() ** 2) ** 0.5, 1.0)
    ux, uy = d.x() / length, d.y() / length
    left = QPointF(b.x() - 9 * ux + 5 * uy, b.y() - 9 * uy - 5 * ux)
    right = QPointF(b.x() - 9 * ux - 5 * uy, b.y() - 9 * uy + 5 * ux)
    p.setBrush(INK)
    p.drawPolygon(QPolygonF([b, left, right]))


def flow(p: QPainter, labels: Sequence[str], y: float = 105, h: float = 60) -> list[QRectF]:
    """Boxes in a row joined by arrows; returns their rectangles."""
    gap, n = 26.0, len(labels)
    w = (W - 40 - gap * (n - 1)) / n
    rects = [QRectF(20 + i * (w + gap), y, w, h) for i in range(n)]
    for i, (rect, label) in enumerate(zip(rects, labels, strict=True)):
        box(p, rect, label, PALETTE[i % len(PALETTE)])
        if i:
            arrow(
                p, QPointF(rects[i - 1].right() + 2, y + h / 2), QPointF(rect.left() - 2, y + h / 2)
            )
    return rects


def grid(p: QPainter, x: float, y: float, n: int, cell: float, shaded: set[int]) -> None:
    for i in range(n * n):
        r = QRectF(x + (i % n) * cell, y + (i // n) * cell, cell - 2, cell - 2)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(GREY if i in shaded else PALETTE[(i * 7) % len(PALETTE)].lighter(130))
        p.drawRect(r)


def bars(p: QPainter, names: Sequence[str], values: Sequence[float], unit: str) -> None:
    top, bottom, left = 60.0, H - 50.0, 40.0
    slot = (W - 2 * left) / len(values)
    peak = max(values)
    p.setPen(QPen(INK, 2))
    p.drawLine(QPointF(left, bottom), QPointF(W - left, bottom))
    for i, (name, value) in enumerate(zip(names, values, strict=True)):
        height = (bottom - top) * value / peak
        rect = QRectF(left + i * slot + slot * 0.2, bottom - height, slot * 0.6, height)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(PALETTE[i % len(PALETTE)])
        p.drawRect(rect)
        p.setPen(INK)
        p.setFont(font(12))
        p.drawText(
            QRectF(rect.left() - 20, bottom + 4, rect.width() + 40, 18),
            Qt.AlignmentFlag.AlignCenter,
            name,
        )
        p.drawText(
            QRectF(rect.left() - 20, rect.top() - 18, rect.width() + 40, 16),
            Qt.AlignmentFlag.AlignCenter,
            f"{value:g}{unit}",
        )


def resnet(p: QPainter) -> None:
    title(p, "Residual block: y = F(x) + x")
    rects = flow(p, ["x", "weight layer", "weight layer", "F(x) + x"], y=110)
    p.setPen(QPen(RED, 3, Qt.PenStyle.DashLine))
    p.setBrush(Qt.BrushStyle.NoBrush)
    a, b = rects[0].center(), rects[3].center()
    p.drawArc(QRectF(a.x(), 60, b.x() - a.x(), 100), 0, 180 * 16)
    caption(p, "identity shortcut")


def sam(p: QPainter) -> None:
    title(p, "Segment Anything")
    flow(p, ["image encoder (ViT-H)", "prompt encoder", "mask decoder", "masks x3"])
    caption(p, "points / boxes / text -> valid masks")


def yolov4(p: QPainter) -> None:
    title(p, "COCO test-dev AP (real-time detectors)")
    bars(p, ["YOLOv3", "EfficientDet-D0", "YOLOv4"], [33.0, 33.8, 43.5], " AP")


def detr(p: QPainter) -> None:
    title(p, "DETR: detection as set prediction")
    flow(p, ["CNN", "Transformer encoder", "decoder + queries", "boxes (no NMS)"])
    caption(p, "bipartite matching loss")


def vit(p: QPainter) -> None:
    title(p, "16x16 patches -> Transformer")
    grid(p, 40, 60, 4, 40, set())
    arrow(p, QPointF(210, 140), QPointF(260, 140))
    box(p, QRectF(270, 100, 170, 80), "Transformer encoder", BLUE)
    caption(p, "[CLS] token + position embeddings")


def clip(p: QPainter) -> None:
    title(p, "Contrastive image-text pre-training")
    n, cell, x0, y0 = 5, 30.0, 230.0, 60.0
    for i in range(n * n):
        r, c = divmod(i, n)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(GREEN if r == c else GREY.lighter(115))
        p.drawRect(QRectF(x0 + c * cell, y0 + r * cell, cell - 2, cell - 2))
    box(p, QRectF(30, 70, 150, 50), "text encoder", ORANGE)
    box(p, QRectF(30, 140, 150, 50), "image encoder", BLUE)
    caption(p, "matching pairs on the diagonal")


def lora(p: QPainter) -> None:
    title(p, "LoRA: W + BA, rank r")
    box(p, QRectF(40, 70, 170, 150), "W (frozen)", GREY)
    box(p, QRectF(270, 70, 40, 150), "B", ORANGE)
    box(p, QRectF(330, 125, 110, 40), "A", GREEN)
    caption(p, "only A and B are trained")


def swin(p: QPainter) -> None:
    title(p, "Shifted windows")
    grid(p, 40, 60, 6, 28, {i for i in range(36) if (i // 6 // 3 + i % 6 // 3) % 2})
    grid(p, 280, 60, 6, 28, {i for i in range(36) if ((i // 6 + 1) // 3 + (i % 6 + 1) // 3) % 2})
    caption(p, "layer l          layer l+1")


def mae(p: QPainter) -> None:
    title(p, "MAE: mask 75% of the patches")
    rng = random.Random(75)
    masked = set(rng.sample(range(64), 48))
    grid(p, 40, 55, 8, 22, masked)
    arrow(p, QPointF(230, 140), QPointF(270, 140))
    box(p, QRectF(280, 100, 160, 80), "encoder sees 25%", BLUE)
    caption(p, "lightweight decoder reconstructs pixels")


def ddpm(p: QPainter) -> None:
    title(p, "Diffusion: x0 -> ... -> xT")
    rng = random.Random(1000)
    for k in range(5):
        x0 = 30 + k * 90
        for _ in range(40 * k * k + 1):
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(GREY.darker(110))
            p.drawEllipse(QPointF(x0 + rng.uniform(0, 70), 110 + rng.uniform(0, 70)), 2, 2)
        p.setBrush(ORANGE)
        p.drawEllipse(QPointF(x0 + 35, 145), 24 - 5 * k, 24 - 5 * k)
    caption(p, "forward: add noise    reverse: learn to denoise")


def sam_engine(p: QPainter) -> None:
    title(p, "SA-1B data engine")
    flow(p, ["assisted-manual", "semi-automatic", "fully automatic"])
    caption(p, "11M images, 1.1B masks")


def grounding_dino(p: QPainter) -> None:
    title(p, "Open-set detection from text")
    box(p, QRectF(30, 70, 160, 40), '"a cat on the sofa"', ORANGE)
    p.setPen(QPen(GREEN, 3))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawRect(QRectF(260, 80, 110, 90))
    p.setPen(QPen(BLUE, 3))
    p.drawRect(QRectF(240, 150, 200, 70))
    arrow(p, QPointF(195, 90), QPointF(255, 110))
    caption(p, "text prompt -> boxes")


def rtdetr(p: QPainter) -> None:
    title(p, "RT-DETR-R50: 53.1 AP at 108 FPS (T4)")
    bars(p, ["AP", "FPS"], [53.1, 108.0], "")


def qrcode(p: QPainter) -> None:
    """A QR-like pattern (not a real code): finder squares and seeded noise."""
    n, cell, off = 25, 7, 2
    rng = random.Random(25)
    p.fillRect(0, 0, n * cell + 2 * off * cell, n * cell + 2 * off * cell, Qt.GlobalColor.white)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(Qt.GlobalColor.black)
    finders = [(0, 0), (0, n - 7), (n - 7, 0)]
    for r in range(n):
        for c in range(n):
            if any(fr - 1 <= r <= fr + 7 and fc - 1 <= c <= fc + 7 for fr, fc in finders):
                continue
            if rng.random() < 0.5:
                p.drawRect((c + off) * cell, (r + off) * cell, cell, cell)
    for fr, fc in finders:
        x, y = (fc + off) * cell, (fr + off) * cell
        p.drawRect(x, y, 7 * cell, 7 * cell)
        p.fillRect(x + cell, y + cell, 5 * cell, 5 * cell, Qt.GlobalColor.white)
        p.drawRect(x + 2 * cell, y + 2 * cell, 3 * cell, 3 * cell)


PNGS: dict[str, Painter] = {
    "1118-resnet.png": resnet,
    "1118-sam.png": sam,
    "1118-yolov4.png": yolov4,
    "1118-detr.png": detr,
    "1119-vit.png": vit,
    "1119-clip.png": clip,
    "1119-lora.png": lora,
    "1119-swin.png": swin,
    "1120-mae.png": mae,
    "1120-ddpm.png": ddpm,
    "1123-sam-engine.png": sam_engine,
    "1123-groundingdino.png": grounding_dino,
    "1123-rtdetr.png": rtdetr,
}


def render(draw: Painter, width: int = W, height: int = H) -> QImage:
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor("#fafafa"))
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    draw(p)
    p.end()
    return image


def save_png(image: QImage, path: Path) -> None:
    small = image.convertToFormat(
        QImage.Format.Format_Indexed8, Qt.ImageConversionFlag.ThresholdDither
    )
    if not small.save(str(path), "PNG", 0):
        raise OSError(f"cannot write {path}")


GIF_PALETTE: list[RGB] = [
    (250, 250, 250),
    (38, 50, 56),
    (79, 134, 198),
    (91, 179, 129),
    (240, 160, 75),
    (176, 190, 197),
]


def matting_frame(step: int, width: int, height: int) -> list[int]:
    """One frame of the matting animation as GIF_PALETTE indices: a figure crossing a scene."""
    cx, cy = 40 + step * 20, height // 2 + 10
    frame = []
    for y in range(height):
        for x in range(width):
            inside = (x - cx) ** 2 + (y - cy + 28) ** 2 < 14**2 or (
                abs(x - cx) < 16 and cy - 12 < y < cy + 40
            )
            if inside:
                frame.append(4)
            elif x < width // 2:
                frame.append(3 if (x // 12 + y // 12) % 2 else 2)
            else:
                frame.append(0 if y < height - 20 else 5)
    return frame


def write_gif(path: Path) -> None:
    width, height = 240, 135
    frames = [matting_frame(step, width, height) for step in range(8)]
    path.write_bytes(encode_gif(width, height, GIF_PALETTE, frames, delay_cs=25))


def main() -> int:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv)
    OUT.mkdir(parents=True, exist_ok=True)
    for name, draw in PNGS.items():
        save_png(render(draw), OUT / name)
    side = (25 + 4) * 7
    save_png(render(qrcode, side, side), OUT / "qrcode.png")
    write_gif(OUT / "1120-rvm.gif")
    del app
    for path in sorted(OUT.iterdir()):
        print(f"{path.stat().st_size:7d}  {path.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
