"""Checks an uploaded seal or signature image: a decodable JPEG or PNG within the size limit, encoded again."""

from __future__ import annotations

from dataclasses import dataclass

from application.identity.submit_manual_verification import UploadedImage
from application.ports import ImageInspector
from domain.errors import FileTooLarge, InvalidImage


@dataclass(frozen=True)
class CleanUpload:
    """What is stored of an accepted upload: an image encoded again from its pixels, or a PDF cut at its end."""

    data: bytes
    content_type: str


def checked_image(images: ImageInspector, upload: UploadedImage | None, limit: int, field: str) -> CleanUpload:
    """Returns the image to store, or raises InvalidImage / FileTooLarge pinned to `field`."""
    if upload is None or not upload.data:
        raise InvalidImage(field=field)
    if len(upload.data) > limit:
        raise FileTooLarge(f"图片不能超过 {limit // (1024 * 1024)}MB", field=field)
    try:
        return CleanUpload(*images.reencode(upload.data))
    except InvalidImage as err:
        raise err.at(field) from None
