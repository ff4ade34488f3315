"""Test data that passes the real validators."""

from __future__ import annotations

import io
from datetime import date

from domain.identity.id_number import check_character


def id_number(birth: str = "19900307", region: str = "440106", seq: str = "123") -> str:
    first17 = f"{region}{birth}{seq}"
    return first17 + check_character(first17)


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (64, 48)) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buf, format=fmt)
    return buf.getvalue()


def future(years: int = 3) -> str:
    today = date.today()
    return today.replace(year=today.year + years).isoformat()
