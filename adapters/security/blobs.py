"""A filesystem blob store under the data dir; every blob is encrypted with SM4-GCM."""

from __future__ import annotations

import asyncio
import json
import os
import secrets
from pathlib import Path

from adapters.security.crypto import Sm4GcmCipher


class EncryptedFileBlobStore:
    def __init__(self, root: Path, cipher: Sm4GcmCipher) -> None:
        self._root, self._cipher = root, cipher

    def _path(self, blob_id: str) -> Path:
        # Ids are token_hex(16); isalnum() alone would also pass non-ASCII letters into the path.
        if not (len(blob_id) == 32 and blob_id.isascii() and blob_id.isalnum()):
            raise KeyError(blob_id)
        return self._root / blob_id[:2] / blob_id

    async def put(self, data: bytes, content_type: str) -> str:
        blob_id = secrets.token_hex(16)
        header = json.dumps({"type": content_type}).encode()
        sealed = self._cipher.encrypt(len(header).to_bytes(2, "big") + header + data, context=blob_id.encode())
        path = self._path(blob_id)

        def write() -> None:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            with open(tmp, "wb") as fh:
                fh.write(sealed)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)

        await asyncio.to_thread(write)
        return blob_id

    async def get(self, blob_id: str) -> tuple[bytes, str]:
        sealed = await asyncio.to_thread(self._path(blob_id).read_bytes)
        plain = self._cipher.decrypt(sealed, context=blob_id.encode())
        n = int.from_bytes(plain[:2], "big")
        return plain[2 + n:], json.loads(plain[2:2 + n])["type"]

    async def delete(self, blob_id: str) -> None:
        try:
            await asyncio.to_thread(self._path(blob_id).unlink)
        except (FileNotFoundError, KeyError):
            pass
