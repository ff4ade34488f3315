"""Seals of natural persons: the square legal-representative seal (法定代表人章) and the personal name seal
(个人名章) in its square, rectangular and oval forms."""

from __future__ import annotations

from adapters.documents.fonts import CjkFont
from adapters.seals.drawing import SUPERSAMPLE, glyph, new_mask, paste_rotated, to_png
from adapters.seals.faces import (
    LegalRepSealFace,
    PersonalSealFace,
    PersonalSealStyle,
    SquareSealStyle,
)

DEFAULT_SQUARE_PX = 240  # 24 mm at 10 px/mm
DEFAULT_LINE_HEIGHT_PX = 110


def square_text(name: str) -> str:
    """The customary wording: two-character names read 某某之印, three read 某某某印, four or more stand alone
    (a four-character name fills the square by itself)."""
    if len(name) <= 2:
        return name + "之印" if len(name) == 2 else name + "印"
    if len(name) == 3:
        return name + "印"
    return name


def _columns(text: str) -> list[str]:
    """Seal text reads top to bottom, right column first; two columns, the right one never shorter."""
    rows = (len(text) + 1) // 2
    return [text[:rows], text[rows:]]


def _render_square(text: str, style: SquareSealStyle, side_px: int, font: CjkFont | None) -> bytes:
    mask, draw = new_mask(side_px, side_px)
    size = side_px * SUPERSAMPLE
    edge = size * 0.02
    border = size * 0.07
    solid = style is SquareSealStyle.SOLID
    if solid:
        draw.rounded_rectangle((edge, edge, size - edge, size - edge), radius=size * 0.04, fill=255)
    else:
        draw.rectangle((edge, edge, size - edge, size - edge), outline=255, width=round(border))
    inner = edge + border + size * 0.035
    cols = _columns(text)
    col_w = (size - 2 * inner) / 2
    gap = size * 0.02
    for c, column in enumerate(cols):
        if not column:
            continue
        cell_h = (size - 2 * inner) / len(column)
        x = size - inner - col_w * (c + 0.5)  # right column first
        for r, ch in enumerate(column):
            y = inner + cell_h * (r + 0.5)
            paste_rotated(mask, glyph(ch, col_w - gap, cell_h - gap, font), (x, y), ink=0 if solid else 255)
    return to_png(mask)


def render_legal_rep_seal(face: LegalRepSealFace, side_px: int = DEFAULT_SQUARE_PX,
                          font: CjkFont | None = None) -> bytes:
    return _render_square(square_text(face.name), face.style, side_px, font)


def _render_line(name: str, oval: bool, height_px: int, font: CjkFont | None) -> bytes:
    char_w = height_px * (0.62 if oval else 0.72)
    width_px = round(char_w * len(name) + height_px * (0.75 if oval else 0.35))
    mask, draw = new_mask(width_px, height_px)
    w, h = width_px * SUPERSAMPLE, height_px * SUPERSAMPLE
    edge = h * 0.03
    line = h * 0.06
    if oval:
        draw.ellipse((edge, edge, w - edge, h - edge), outline=255, width=round(line))
    else:
        draw.rectangle((edge, edge, w - edge, h - edge), outline=255, width=round(line))
    cw = char_w * SUPERSAMPLE
    ch_h = h * (0.58 if oval else 0.7)
    x0 = w / 2 - cw * len(name) / 2 + cw / 2
    for i, ch in enumerate(name):
        paste_rotated(mask, glyph(ch, cw * 0.92, ch_h, font), (x0 + i * cw, h / 2))
    return to_png(mask)


def render_personal_seal(face: PersonalSealFace, height_px: int | None = None,
                         font: CjkFont | None = None) -> bytes:
    if face.style is PersonalSealStyle.SQUARE:
        return _render_square(square_text(face.name), SquareSealStyle.BORDERED,
                              height_px or DEFAULT_SQUARE_PX, font)
    return _render_line(face.name, face.style is PersonalSealStyle.OVAL,
                        height_px or DEFAULT_LINE_HEIGHT_PX, font)
