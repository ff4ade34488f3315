"""The encrypted blob store on disk and the Pillow image inspector."""

from __future__ import annotations

import pytest

from adapters.security.blobs import EncryptedFileBlobStore
from adapters.security.crypto import Sm4GcmCipher
from adapters.security.images import PillowImageInspector
from domain.errors import InvalidImage
from tests.support.data import image_bytes


async def test_blobs_are_encrypted_on_disk(tmp_path):
    store = EncryptedFileBlobStore(tmp_path, Sm4GcmCipher(bytes(16)))
    png = image_bytes("PNG")
    blob_id = await store.put(png, "image/png")
    on_disk = next(p for p in tmp_path.rglob("*") if p.is_file())
    assert png not in on_disk.read_bytes() and b"PNG" not in on_disk.read_bytes()
    assert await store.get(blob_id) == (png, "image/png")
    await store.delete(blob_id)
    assert not any(p.is_file() for p in tmp_path.rglob("*"))
    with pytest.raises(KeyError):
        await store.get("../../etc/passwd")


def test_image_inspector():
    inspect = PillowImageInspector()
    assert inspect.reencode(image_bytes("PNG"))[1] == "image/png"
    assert inspect.reencode(image_bytes("JPEG"))[1] == "image/jpeg"
    for bad in (b"", b"GIF89a" + b"\x00" * 100, image_bytes("GIF"), image_bytes("PNG")[:60],
                b"\xff\xd8\xff" + b"\x00" * 100, image_bytes("PNG", size=(4, 4))):
        with pytest.raises(InvalidImage):
            inspect.reencode(bad)


def _exif() -> bytes:
    from PIL import Image

    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to view
    exif[0x010F] = "SecretCamera-SN-12345"
    return exif.tobytes()


def _zip() -> bytes:
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("payload.html", "<script>alert(1)</script>")
    return buf.getvalue()


def test_reencoding_drops_appended_data_and_metadata():
    import io

    from PIL import Image, PngImagePlugin

    inspect = PillowImageInspector()
    text = PngImagePlugin.PngInfo()
    text.add_text("Comment", "SecretText")
    buf = io.BytesIO()
    Image.new("RGBA", (40, 30), (200, 10, 10, 128)).save(buf, "PNG", pnginfo=text, exif=_exif(),
                                                         icc_profile=b"ICC-SECRET" * 20)
    original = buf.getvalue()
    data, kind = inspect.reencode(original + _zip())
    assert kind == "image/png" and data.endswith(b"IEND\xaeB`\x82")
    for leaked in (b"PK\x03\x04", b"payload", b"SecretText", b"SecretCamera", b"ICC-SECRET"):
        assert leaked not in data
    with Image.open(io.BytesIO(data)) as img:
        # Upright as a viewer showed it (the eXIf chunk's orientation is applied, then dropped).
        assert img.size == (30, 40) and img.getpixel((0, 0)) == (200, 10, 10, 128)
        assert "exif" not in img.info and "icc_profile" not in img.info

    buf = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 200, 10)).save(buf, "JPEG", exif=_exif(), comment=b"SecretComment")
    data, kind = inspect.reencode(buf.getvalue() + _zip())
    assert kind == "image/jpeg" and data.endswith(b"\xff\xd9")
    for leaked in (b"PK\x03\x04", b"SecretCamera", b"SecretComment", b"Exif"):
        assert leaked not in data
    with Image.open(io.BytesIO(data)) as img:
        assert img.size == (30, 40), "the EXIF orientation is applied before the EXIF goes"


def test_reencoding_keeps_a_palette_png_transparent():
    import io

    from PIL import Image

    img = Image.new("P", (20, 20), 0)
    img.putpalette([255, 0, 0] + [0, 0, 0] * 255)
    buf = io.BytesIO()
    img.save(buf, "PNG", transparency=0)
    data, _ = PillowImageInspector().reencode(buf.getvalue())
    with Image.open(io.BytesIO(data)) as out:
        assert out.mode == "P" and out.info.get("transparency") == 0
