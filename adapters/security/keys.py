"""The master key and the purpose-bound keys derived from it (HKDF with SM3)."""

from __future__ import annotations

import base64
import logging
import os
import secrets
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

log = logging.getLogger(__name__)

MASTER_KEY_BYTES = 32


class MasterKeyError(RuntimeError):
    pass


def parse_master_key(text: str) -> bytes:
    text = text.strip()
    try:
        raw = bytes.fromhex(text) if len(text) == 2 * MASTER_KEY_BYTES else base64.b64decode(text, validate=True)
    except ValueError as exc:
        raise MasterKeyError("SXQ_MASTER_KEY must be 32 bytes, hex or base64") from exc
    if len(raw) != MASTER_KEY_BYTES:
        raise MasterKeyError("SXQ_MASTER_KEY must be 32 bytes, hex or base64")
    return raw


def load_master_key(configured: str | None, *, sandbox: bool, data_dir: Path) -> bytes:
    """Production needs SXQ_MASTER_KEY; the sandbox makes one on first start and keeps it in the data dir."""
    if configured:
        return parse_master_key(configured)
    if not sandbox:
        raise MasterKeyError("SXQ_MASTER_KEY is required outside sandbox mode; refusing to start")
    path = data_dir / "master.key"
    if path.exists():
        return parse_master_key(path.read_text())
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(MASTER_KEY_BYTES)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(base64.b64encode(key).decode())
    log.warning("sandbox mode: generated a new master key at %s (set SXQ_MASTER_KEY in production)", path)
    return key


class KeyRing:
    """Derives one independent key per purpose, so no key serves two jobs."""

    def __init__(self, master: bytes) -> None:
        if len(master) != MASTER_KEY_BYTES:
            raise MasterKeyError("master key must be 32 bytes")
        self._master = master

    def derive(self, purpose: str, length: int) -> bytes:
        return HKDF(algorithm=hashes.SM3(), length=length, salt=b"shuxinqian/v1",
                    info=purpose.encode()).derive(self._master)
