"""The visible part of a signature as one PNG drawn by Pillow: the seal (if any) and a few lines of Chinese
text such as the signer and the time.

Why a bitmap: pyhanko's own text engine embeds and lays out an OpenType font on every signature (about
300 ms with a CJK font); Pillow draws the same lines in a few milliseconds, and the PDF needs no font."""

from __future__ import annotations

import functools
import io
from dataclasses import dataclass, field

from PIL import Image, ImageDraw, ImageFont

from adapters.documents.fonts import CjkFont, default_font

PIXELS_PER_POINT = 3  # 216 dpi: crisp on screen and on an office printer
_TEXT_COLOR = (40, 40, 40, 255)
_FRAME_COLOR = (150, 150, 150, 255)


@dataclass(frozen=True)
class SignatureAppearance:
    lines: tuple[str, ...] = ()  # e.g. ("签署人：张三", "时间：2025-03-08 10:00:00")
    seal_png: bytes | None = None
    # Text under a seal takes this share of the height; without a seal the text fills the box.
    text_share: float = field(default=0.24)


@functools.cache
def _font(path: str, index: int, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size, index=index)


@functools.lru_cache(maxsize=64)
def _seal(png: bytes, side: int) -> Image.Image:
    """Decoded and scaled once per seal and size: the same seal signs many documents."""
    image = Image.open(io.BytesIO(png)).convert("RGBA")
    image.thumbnail((side, side), Image.Resampling.LANCZOS)
    return image


def _draw_lines(draw: ImageDraw.ImageDraw, lines: tuple[str, ...], box: tuple[int, int, int, int],
                font: CjkFont) -> None:
    left, top, right, bottom = box
    height = bottom - top
    n = len(lines)
    size = max(8, min(int(height / n * 0.78), 64))
    face = _font(str(font.path), font.index, size)
    # Shrink until the widest line fits; Chinese lines cannot be hyphenated.
    while size > 8 and max(draw.textlength(line, font=face) for line in lines) > right - left:
        size -= 1
        face = _font(str(font.path), font.index, size)
    step = height / n
    for i, line in enumerate(lines):
        draw.text(((left + right) / 2, top + step * (i + 0.5)), line, font=face, fill=_TEXT_COLOR, anchor="mm")


def render_appearance(appearance: SignatureAppearance, width_pt: float, height_pt: float,
                      font: CjkFont | None = None) -> Image.Image:
    """An RGBA image with the box's aspect ratio; transparent where nothing is drawn, so the page shows
    through around the seal as it does on paper."""
    font = font or default_font()
    w, h = max(1, round(width_pt * PIXELS_PER_POINT)), max(1, round(height_pt * PIXELS_PER_POINT))
    image = Image.new("RGBA", (w, h), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    lines = appearance.lines
    if appearance.seal_png is not None:
        text_h = round(h * appearance.text_share) if lines else 0
        seal = _seal(appearance.seal_png, min(w, h - text_h))
        image.alpha_composite(seal, ((w - seal.width) // 2, (h - text_h - seal.height) // 2))
        if lines:
            _draw_lines(draw, lines, (2, h - text_h, w - 2, h - 1), font)
    elif lines:
        draw.rectangle((0, 0, w - 1, h - 1), outline=_FRAME_COLOR, width=max(1, PIXELS_PER_POINT // 2))
        pad = round(min(w, h) * 0.06)
        _draw_lines(draw, lines, (pad, pad, w - pad, h - pad), font)
    return image


def appearance_png(appearance: SignatureAppearance, width_pt: float, height_pt: float,
                   font: CjkFont | None = None) -> bytes:
    """The same image as PNG bytes, for previews and tests."""
    out = io.BytesIO()
    render_appearance(appearance, width_pt, height_pt, font).save(out, format="PNG")
    return out.getvalue()
