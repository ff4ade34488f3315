"""What the bank-transfer and change use cases share: the signed letter upload (who may act for an enterprise is
member_access.administered)."""

from __future__ import annotations

from application.identity.submit_manual_verification import UploadedImage
from application.ports import ImageInspector
from domain.errors import FileTooLarge, InvalidImage

PDF = "application/pdf"


def checked_letter(images: ImageInspector, upload: UploadedImage | None, limit: int, field: str) -> str:
    """A signed and stamped letter: a PDF, or a photo or scan of the paper (JPEG or PNG), within the size limit.
    Returns its content type or raises InvalidImage / FileTooLarge pinned to `field`."""
    if upload is None or not upload.data:
        raise InvalidImage("请上传盖章签字后的授权书（PDF、JPG 或 PNG）", field=field)
    if len(upload.data) > limit:
        raise FileTooLarge(f"授权书文件不能超过 {limit // (1024 * 1024)}MB", field=field)
    if upload.data.startswith(b"%PDF-"):
        # A PDF is stored as given (encrypted); its end marker tells a whole file from a cut-off upload.
        if b"%%EOF" not in upload.data[-1024:]:
            raise InvalidImage("授权书 PDF 文件不完整，请重新上传", field=field)
        return PDF
    try:
        return images.content_type(upload.data)
    except InvalidImage:
        raise InvalidImage("请上传 PDF、JPG 或 PNG 格式的授权书", field=field) from None
