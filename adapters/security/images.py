"""Proves an upload is a JPEG or PNG by decoding it with Pillow, and encodes it again: what is stored and served
is the pixels alone, in the format received — never the bytes as they came (anything appended after the image,
EXIF with its GPS position and camera serial, text chunks, embedded ICC profiles and thumbnails go)."""

from __future__ import annotations

import io
import warnings

from PIL import Image, ImageOps, UnidentifiedImageError

from domain.errors import InvalidImage

_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png"}
_MAX_PIXELS = 40_000_000  # a phone photo is ~12 Mpx; anything far bigger is a decompression bomb
_JPEG_MODES = ("L", "RGB", "CMYK")


class PillowImageInspector:
    def reencode(self, data: bytes) -> tuple[bytes, str]:
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
                    return _encode(img, fmt), _TYPES[fmt]
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError,
                Image.DecompressionBombWarning):
            raise InvalidImage() from None


def _encode(img: Image.Image, fmt: str) -> bytes:
    # A phone photo stands upright only through its EXIF orientation: apply it, since the EXIF goes.
    upright = ImageOps.exif_transpose(img)
    transparency = upright.info.get("transparency")  # a palette PNG's transparent entry is pixels, not metadata
    clean = upright.copy()
    clean.info = {}  # nothing of the original's info (exif, icc_profile, text, dpi, …) reaches the encoder
    out = io.BytesIO()
    if fmt == "JPEG":
        if clean.mode not in _JPEG_MODES:
            clean = clean.convert("RGB")
        clean.save(out, "JPEG", quality=90)
    else:
        clean.save(out, "PNG", **({"transparency": transparency} if transparency is not None else {}))
    return out.getvalue()
