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
    assert inspect.content_type(image_bytes("PNG")) == "image/png"
    assert inspect.content_type(image_bytes("JPEG")) == "image/jpeg"
    for bad in (b"", b"GIF89a" + b"\x00" * 100, image_bytes("GIF"), image_bytes("PNG")[:60],
                b"\xff\xd8\xff" + b"\x00" * 100, image_bytes("PNG", size=(4, 4))):
        with pytest.raises(InvalidImage):
            inspect.content_type(bad)
