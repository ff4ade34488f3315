"""The round red organisation seal: company name along the upper arc, a star, the seal's name across the
lower half and, when it has one, the 13-digit information code along the bottom."""

from __future__ import annotations

import hashlib
import math

from adapters.documents.fonts import CjkFont
from adapters.seals.drawing import SUPERSAMPLE, glyph, new_mask, paste_rotated, star_points, to_png, wear
from adapters.seals.faces import OrgSealFace, OrgSealStyle

DEFAULT_DIAMETER_PX = 420  # a 42 mm seal at 10 px/mm
_MAX_ARC_DEG = 236.0  # the name may run from about eight o'clock round to four o'clock
_MAX_STEP_DEG = 30.0  # short names keep their characters close rather than spreading them


def _arc_angles(n: int, center_deg: float, span_deg: float, clockwise: bool = True) -> list[float]:
    if n == 1:
        return [center_deg]
    step = span_deg / (n - 1)
    start = center_deg - span_deg / 2 if clockwise else center_deg + span_deg / 2
    return [start + (i * step if clockwise else -i * step) for i in range(n)]


def _polar(c: float, r: float, deg: float) -> tuple[float, float]:
    """Degrees clockwise from twelve o'clock, as one reads a seal."""
    a = math.radians(deg)
    return (c + r * math.sin(a), c - r * math.cos(a))


def render_org_seal(face: OrgSealFace, diameter_px: int = DEFAULT_DIAMETER_PX, font: CjkFont | None = None) -> bytes:
    mask, draw = new_mask(diameter_px, diameter_px)
    size = diameter_px * SUPERSAMPLE
    c = size / 2
    outer = c - 2 * SUPERSAMPLE
    ring = outer * 0.065
    draw.ellipse((c - outer, c - outer, c + outer, c + outer), outline=255, width=round(ring))
    text_outer = outer - ring
    if face.style is OrgSealStyle.DOUBLE_RING:
        inner_ring = text_outer - outer * 0.035
        thin = max(2, round(outer * 0.015))
        draw.ellipse((c - inner_ring, c - inner_ring, c + inner_ring, c + inner_ring), outline=255, width=thin)
        text_outer = inner_ring - thin

    # Company name: characters upright relative to the rim, tops outward, read clockwise.
    name = face.company_name.strip()
    char_h = outer * 0.25
    r_name = text_outer - outer * 0.03 - char_h / 2
    span = min(_MAX_ARC_DEG, _MAX_STEP_DEG * (len(name) - 1))
    angles = _arc_angles(len(name), 0.0, span)
    step_len = math.radians(span / max(1, len(name) - 1)) * r_name if len(name) > 1 else char_h
    char_w = min(char_h * 0.9, step_len * 0.92)
    for ch, deg in zip(name, angles, strict=True):
        paste_rotated(mask, glyph(ch, char_w, char_h, font), _polar(c, r_name, deg), deg)

    draw.polygon(star_points((c, c - outer * 0.02), outer * 0.30), fill=255)

    if face.seal_name:
        h = outer * 0.17
        w = min(h * 0.95, outer * 1.05 / len(face.seal_name))
        y = c + outer * 0.47
        x0 = c - w * len(face.seal_name) / 2 + w / 2
        for i, ch in enumerate(face.seal_name):
            paste_rotated(mask, glyph(ch, w * 0.92, h, font), (x0 + i * w, y))

    if face.information_code:
        # Along the bottom, read left to right, tops toward the centre.
        code = face.information_code
        h = outer * 0.095
        r_code = text_outer - outer * 0.025 - h / 2
        span = 84.0
        for ch, deg in zip(code, _arc_angles(len(code), 180.0, span, clockwise=False), strict=True):
            paste_rotated(mask, glyph(ch, h * 0.62, h, font), _polar(c, r_code, deg), deg - 180.0)

    if face.style is OrgSealStyle.AGED:
        mask = wear(mask, hashlib.sha256(repr(face).encode()).digest())
    return to_png(mask)
