"""Cryptographic ports. Use cases see SM2 only through these, so a faster backend can replace a slower one.

Canonical forms, whatever the backend:
- private key: the 32-byte big-endian scalar d, 1 <= d <= n-2;
- public key: 65 bytes, 0x04 || x || y (uncompressed point);
- signature: DER SEQUENCE { r INTEGER, s INTEGER } (GB/T 35276);
- ciphertext: DER SEQUENCE { x INTEGER, y INTEGER, hash OCTET STRING(32), ciphertext OCTET STRING }
  (GM/T 0009, C1 C3 C2 order);
- signer ID: 1234567812345678 unless given (GM/T 0009 default), hashed into Z."""

from __future__ import annotations

from typing import Protocol

DEFAULT_SIGNER_ID = b"1234567812345678"


class Sm2Error(Exception):
    pass


class Sm2DecryptionError(Sm2Error):
    """Malformed, tampered or foreign ciphertext (C3 does not match, C1 not on the curve, ...)."""


class Sm2Backend(Protocol):
    name: str

    def generate_private_key(self) -> bytes: ...
    def public_key(self, private_key: bytes) -> bytes: ...
    def z_value(self, public_key: bytes, signer_id: bytes = DEFAULT_SIGNER_ID) -> bytes:
        """Z = SM3(ENTL || ID || a || b || xG || yG || xA || yA)."""
        ...
    def sign(self, private_key: bytes, message: bytes, *, signer_id: bytes = DEFAULT_SIGNER_ID,
             public_key: bytes | None = None) -> bytes:
        """SM2 with SM3 over Z || message; public_key saves recomputing it when the caller has it."""
        ...
    def sign_digest(self, private_key: bytes, digest: bytes) -> bytes:
        """Signs e = SM3(Z || M) computed by the caller (e.g. a cached Z)."""
        ...
    def verify(self, public_key: bytes, message: bytes, signature: bytes, *,
               signer_id: bytes = DEFAULT_SIGNER_ID) -> bool: ...
    def verify_digest(self, public_key: bytes, digest: bytes, signature: bytes) -> bool: ...
    def encrypt(self, public_key: bytes, plaintext: bytes) -> bytes: ...
    def decrypt(self, private_key: bytes, ciphertext: bytes) -> bytes:
        """Raises Sm2DecryptionError for anything that is not an intact ciphertext to this key."""
        ...
