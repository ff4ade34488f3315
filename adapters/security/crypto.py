"""SM4-GCM field encryption, HMAC-SM3 keyed hashes and scrypt password hashing."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac as std_hmac
import os
import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from adapters.security.keys import KeyRing

_VERSION = b"\x01"


class Sm4GcmCipher:
    """version ‖ nonce(12) ‖ ciphertext ‖ tag(16); the context is authenticated, not stored."""

    def __init__(self, key: bytes) -> None:
        if len(key) != 16:
            raise ValueError("SM4 keys are 128 bits")
        self._key = key

    @classmethod
    def from_keyring(cls, ring: KeyRing, purpose: str = "field-encryption") -> Sm4GcmCipher:
        return cls(ring.derive(purpose, 16))

    def encrypt(self, plaintext: bytes, context: bytes) -> bytes:
        nonce = os.urandom(12)
        enc = Cipher(algorithms.SM4(self._key), modes.GCM(nonce)).encryptor()
        enc.authenticate_additional_data(context)
        body = enc.update(plaintext) + enc.finalize()
        return _VERSION + nonce + body + enc.tag

    def decrypt(self, ciphertext: bytes, context: bytes) -> bytes:
        if len(ciphertext) < 29 or ciphertext[:1] != _VERSION:
            raise ValueError("not a field ciphertext")
        nonce, body, tag = ciphertext[1:13], ciphertext[13:-16], ciphertext[-16:]
        dec = Cipher(algorithms.SM4(self._key), modes.GCM(nonce, tag)).decryptor()
        dec.authenticate_additional_data(context)
        try:
            return dec.update(body) + dec.finalize()
        except InvalidTag as exc:
            raise ValueError("ciphertext does not authenticate") from exc


def hmac_sm3(key: bytes, data: bytes) -> bytes:
    mac = hmac.HMAC(key, hashes.SM3())
    mac.update(data)
    return mac.finalize()


class HmacSm3Hasher:
    """Keyed hashes for tokens, SMS codes and document indexes; a database dump alone reverses none."""

    def __init__(self, ring: KeyRing, label: str = "keyed-hash") -> None:
        # A label of its own gives a use its own key (signed file links: "file-links").
        self._key = ring.derive(label, 32)

    def hash(self, purpose: str, value: str) -> str:
        return hmac_sm3(self._key, f"{purpose}\x00{value}".encode()).hex()

    def new_token(self, prefix: str) -> str:
        return f"{prefix}_{secrets.token_urlsafe(32)}"

    def new_sms_code(self) -> str:
        return f"{secrets.randbelow(1_000_000):06d}"


class ScryptPasswordHasher:
    """scrypt from the standard library (memory-hard); work happens off the event loop."""

    def __init__(self, n: int = 2**14, r: int = 8, p: int = 1) -> None:
        self._n, self._r, self._p = n, r, p

    def _derive(self, password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
        return hashlib.scrypt(password.encode(), salt=salt, n=n, r=r, p=p, dklen=32, maxmem=128 * 1024 * 1024)

    async def hash(self, password: str) -> str:
        salt = os.urandom(16)
        dk = await asyncio.to_thread(self._derive, password, salt, self._n, self._r, self._p)
        return f"scrypt${self._n}${self._r}${self._p}${base64.b64encode(salt).decode()}${base64.b64encode(dk).decode()}"

    async def verify(self, password: str, password_hash: str) -> bool:
        try:
            scheme, n, r, p, salt, expected = password_hash.split("$")
            if scheme != "scrypt":
                return False
            n_, r_, p_ = int(n), int(r), int(p)
            salt_b, expected_b = base64.b64decode(salt), base64.b64decode(expected)
        except ValueError:
            return False
        dk = await asyncio.to_thread(self._derive, password, salt_b, n_, r_, p_)
        return std_hmac.compare_digest(dk, expected_b)
