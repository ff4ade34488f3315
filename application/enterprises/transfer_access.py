"""What the bank-transfer and change use cases share: the signed letter upload (who may act for an enterprise is
member_access.administered)."""

from __future__ import annotations

from application.identity.submit_manual_verification import UploadedImage
from application.ports import ImageInspector
from application.seals.uploads import CleanUpload
from domain.errors import FileTooLarge, InvalidImage

PDF = "application/pdf"
_EOF = b"%%EOF"


def checked_letter(images: ImageInspector, upload: UploadedImage | None, limit: int, field: str) -> CleanUpload:
    """A signed and stamped letter: a PDF, or a photo or scan of the paper (JPEG or PNG), within the size limit.
    Returns what to store or raises InvalidImage / FileTooLarge pinned to `field`."""
    if upload is None or not upload.data:
        raise InvalidImage("请上传盖章签字后的授权书（PDF、JPG 或 PNG）", field=field)
    if len(upload.data) > limit:
        raise FileTooLarge(f"授权书文件不能超过 {limit // (1024 * 1024)}MB", field=field)
    if upload.data.startswith(b"%PDF-"):
        # A PDF is stored as given (encrypted) up to its last end marker, which tells a whole file from a cut-off
        # upload; whatever was appended after it (an archive, a script) is not kept. Incremental updates each end
        # in their own %%EOF, so the last one ends the document.
        end = upload.data.rfind(_EOF, max(0, len(upload.data) - 1024))
        if end < 0:
            raise InvalidImage("授权书 PDF 文件不完整，请重新上传", field=field)
        end += len(_EOF)
        for eol in (b"\r\n", b"\n", b"\r"):  # the end-of-line after the marker belongs to the file
            if upload.data.startswith(eol, end):
                end += len(eol)
                break
        return CleanUpload(upload.data[:end], PDF)
    try:
        return CleanUpload(*images.reencode(upload.data))
    except InvalidImage:
        raise InvalidImage("请上传 PDF、JPG 或 PNG 格式的授权书", field=field) from None
