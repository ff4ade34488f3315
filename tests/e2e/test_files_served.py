"""Uploaded images are stored and served re-encoded, and files are served with the headers of a protected download
(issue 13, item 6). Over HTTP through the real adapters (SQLite, or PostgreSQL when configured)."""

from __future__ import annotations

import io
import zipfile

from PIL import Image, PngImagePlugin

from application.enterprises.transfer_access import checked_letter
from application.identity.submit_manual_verification import UploadedImage
from tests.fakes import FakeImageInspector
from tests.support.data import future, image_bytes

PHONE = "13812345678"


def _png_with_zip() -> tuple[bytes, bytes]:
    exif = Image.Exif()
    exif[0x010F] = "SecretCamera-SN-12345"
    text = PngImagePlugin.PngInfo()
    text.add_text("Comment", "SecretText")
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (20, 120, 220)).save(buf, "PNG", pnginfo=text, exif=exif.tobytes())
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("evil.html", "<script>alert(document.cookie)</script>")
    return buf.getvalue(), archive.getvalue()


def _jpeg_with_exif() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "SecretCamera-SN-12345"
    exif[0x8825] = {2: (39.0, 54.0, 26.0)}  # GPS latitude
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(buf, "JPEG", exif=exif.tobytes())
    return buf.getvalue()


async def _operator(gql, container) -> str:
    await container.use_cases().create_operator("reviewer", "Operat0rPass")
    r = (await gql.op("OperatorLogin", {"username": "reviewer", "password": "Operat0rPass"}, token=""))
    return r["operatorLogin"]["session"]["accessToken"]


async def test_a_png_with_a_zip_appended_is_served_re_encoded(gql, client, container):
    png, archive = _png_with_zip()
    jpeg = _jpeg_with_exif()
    await gql.register(PHONE)
    files = {"front": ("front.png", png + archive, "image/png"), "back": ("back.jpg", jpeg, "image/jpeg"),
             "portrait": ("me.png", image_bytes("PNG"), "image/png")}
    r = (await gql.upload("SubmitManualVerification", {
        "documentType": "PASSPORT", "legalName": "John Smith", "documentNumber": "E12345678", "expiresOn": future()},
        files))["submitManualVerification"]
    assert r["userErrors"] == [], r
    op = await _operator(gql, container)
    front = await client.get(f"/files/reviews/{r['review']['id']}/front", headers={"Authorization": f"Bearer {op}"})
    assert front.status_code == 200 and front.headers["content-type"] == "image/png"
    served = front.content
    assert served != png + archive and b"PK\x03\x04" not in served and b"evil.html" not in served
    assert served.endswith(b"IEND\xaeB`\x82")
    assert b"SecretText" not in served and b"SecretCamera" not in served
    with Image.open(io.BytesIO(served)) as img:
        assert img.size == (64, 48) and img.getpixel((10, 10)) == (20, 120, 220)
        assert "exif" not in img.info
    back = await client.get(f"/files/reviews/{r['review']['id']}/back", headers={"Authorization": f"Bearer {op}"})
    assert back.headers["content-type"] == "image/jpeg"
    assert b"SecretCamera" not in back.content and b"Exif" not in back.content
    with Image.open(io.BytesIO(back.content)) as img:
        assert not img.getexif()

    # The headers of a protected file.
    for resp in (front, back):
        assert resp.headers["x-content-type-options"] == "nosniff"
        assert resp.headers["cache-control"] == "private, no-store"
        assert resp.headers["content-disposition"].startswith("attachment; filename=\"review-")
        assert resp.headers["content-security-policy"] == "frame-ancestors 'none'"


async def test_a_pdf_letter_loses_what_follows_its_end():
    pdf = b"%PDF-1.7\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    clean = checked_letter(FakeImageInspector(), UploadedImage(pdf + b"PK\x03\x04zip"),
                           10**6, "signedLetter")
    assert clean.data == pdf and clean.content_type == "application/pdf"
    # An incremental update ends in its own %%EOF: the last one ends the document.
    updated = pdf + b"2 0 obj<<>>endobj\ntrailer<</Prev 9>>\n%%EOF\r\n"
    assert checked_letter(FakeImageInspector(), UploadedImage(updated + b"junk"),
                          10**6, "signedLetter").data == updated
