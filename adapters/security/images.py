"""Proves an upload is a JPEG or PNG by decoding it with Pillow."""

from __future__ import annotations

import io
import warnings

from PIL import Image, UnidentifiedImageError

from domain.errors import InvalidImage

_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png"}
_MAX_PIXELS = 40_000_000  # a phone photo is ~12 Mpx; anything far bigger is a decompression bomb


class PillowImageInspector:
    def content_type(self, data: bytes) -> str:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                with Image.open(io.BytesIO(data)) as img:
                    fmt = img.format
                    if fmt not in _TYPES:
                        raise InvalidImage()
                    w, h = img.size
                    if w * h > _MAX_PIXELS or w < 16 or h < 16:
                        raise InvalidImage("图片尺寸不合适，请重新拍摄")
                    img.load()  # decodes the pixels: a truncated or forged body fails here
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError,
                Image.DecompressionBombWarning):
            raise InvalidImage()
        return _TYPES[fmt]
