"""Pillow primitives shared by every seal face: glyphs stretched into cells, rotated placement, the star,
and the one PNG encoding.

Faces are drawn as an 8-bit ink mask at twice the output size and reduced once, which anti-aliases the
edges; the colour is applied last. Nothing here reads the clock or an unseeded random source, so the same
input always yields the same PNG bytes."""

from __future__ import annotations

import functools
import io
import math
import random

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

from adapters.documents.fonts import CjkFont, default_font

SEAL_RED = (226, 18, 28)  # vermilion close to 印泥 on paper; one colour for every face
SUPERSAMPLE = 2
# Noto Sans CJK's ideographic em box runs from 0.12 em below the baseline to 0.88 above it; placing the
# baseline there centres ideographs (and digits) in the cell without cropping to ink, which would blow a
# thin glyph like 一 up into a bar.
_EM_BASELINE = 0.88
_GLYPH_PX = 192
# The only bundled weight is Regular; engraved seal lettering is heavier. Dilating the rendered glyph
# thickens it evenly (FreeType's stroker leaves seams where the CFF contours overlap).
_BOLDEN = ImageFilter.MaxFilter(9)


@functools.cache
def _font(path: str, index: int, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size, index=index)


@functools.lru_cache(maxsize=4096)
def _em_glyph(char: str, path: str, index: int) -> Image.Image:
    """The character on an em-square 'L' canvas; cached because seals repeat the same few characters."""
    canvas = Image.new("L", (_GLYPH_PX, _GLYPH_PX), 0)
    ImageDraw.Draw(canvas).text((_GLYPH_PX / 2, _GLYPH_PX * _EM_BASELINE), char, fill=255,
                                font=_font(path, index, round(_GLYPH_PX * 0.94)), anchor="ms")
    return canvas.filter(_BOLDEN)


def glyph(char: str, width: float, height: float, font: CjkFont | None = None) -> Image.Image:
    """An ink mask of one character stretched to width x height: seal lettering is condensed or widened
    to fill its cell, as an engraver would cut it."""
    font = font or default_font()
    return _em_glyph(char, str(font.path), font.index).resize(
        (max(1, round(width)), max(1, round(height))), Image.Resampling.LANCZOS)


def paste_rotated(mask: Image.Image, piece: Image.Image, center: tuple[float, float],
                  clockwise_deg: float = 0.0, ink: int = 255) -> None:
    """Stamps `piece` (an ink mask) into `mask`, rotated clockwise about its centre and centred at `center`;
    ink=0 cuts the shape out instead (white-on-red lettering)."""
    rotated = piece if not clockwise_deg else piece.rotate(
        -clockwise_deg, resample=Image.Resampling.BICUBIC, expand=True)
    x = round(center[0] - rotated.width / 2)
    y = round(center[1] - rotated.height / 2)
    mask.paste(ink, (x, y), rotated)


def star_points(center: tuple[float, float], outer: float) -> list[tuple[float, float]]:
    """A five-point star, one point straight up; inner radius from the regular pentagram."""
    inner = outer * math.sin(math.radians(18)) / math.sin(math.radians(126))
    cx, cy = center
    points = []
    for i in range(10):
        r = outer if i % 2 == 0 else inner
        a = math.radians(i * 36)
        points.append((cx + r * math.sin(a), cy - r * math.cos(a)))
    return points


def new_mask(width: int, height: int) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    mask = Image.new("L", (width * SUPERSAMPLE, height * SUPERSAMPLE), 0)
    return mask, ImageDraw.Draw(mask)


def wear(mask: Image.Image, seed: bytes, density: float = 0.0009) -> Image.Image:
    """Uneven ink (the 'aged' style): specks taken out of the ink at positions drawn from a generator seeded
    by the face itself, so the texture looks random but is reproducible. Only removes ink, never adds it."""
    rng = random.Random(seed)
    erase = Image.new("L", mask.size, 0)
    draw = ImageDraw.Draw(erase)
    w, h = mask.size
    for _ in range(int(w * h * density)):
        x, y = rng.uniform(0, w), rng.uniform(0, h)
        r = rng.uniform(0.6, 2.6) * SUPERSAMPLE
        draw.ellipse((x - r, y - r, x + r, y + r), fill=rng.choice((255, 255, 200, 140)))
    return ImageChops.subtract(mask, erase)


def to_png(mask: Image.Image, color: tuple[int, int, int] = SEAL_RED) -> bytes:
    """Reduces the supersampled mask and encodes a transparent RGBA PNG with no metadata chunks."""
    size = (mask.width // SUPERSAMPLE, mask.height // SUPERSAMPLE)
    alpha = mask.resize(size, Image.Resampling.LANCZOS)
    image = Image.new("RGBA", size, color + (0,))
    image.putalpha(alpha)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False, compress_level=6)
    return out.getvalue()
