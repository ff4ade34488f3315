"""Checks an uploaded seal or signature image: a decodable JPEG or PNG within the size limit."""

from __future__ import annotations

from application.identity.submit_manual_verification import UploadedImage
from application.ports import ImageInspector
from domain.errors import FileTooLarge, InvalidImage


def checked_image(images: ImageInspector, upload: UploadedImage | None, limit: int, field: str) -> str:
    """Returns the content type, or raises InvalidImage / FileTooLarge pinned to `field`."""
    if upload is None or not upload.data:
        raise InvalidImage(field=field)
    if len(upload.data) > limit:
        raise FileTooLarge(f"图片不能超过 {limit // (1024 * 1024)}MB", field=field)
    try:
        return images.content_type(upload.data)
    except InvalidImage as err:
        raise err.at(field) from None
