"""What an SM2 signature actually signs: e = SM3(Z ‖ M), where Z = SM3(ENTL ‖ ID ‖ a ‖ b ‖ xG ‖ yG ‖ xP ‖ yP)
binds the signer's ID and public key P (GB/T 32918.2, GM/T 0009).

The phone computes e itself from the message it has checked against the screen: it never accepts a digest
from the server, because a digest cannot be shown to the person."""

from __future__ import annotations

from cryptography.hazmat.primitives import hashes

from .curve import decode_point
from .params import GX, GY, A, B

DEFAULT_SIGNER_ID = b"1234567812345678"  # GM/T 0009's default ID; every party to a signature must use it
_MAX_ID_BYTES = 0xFFFF // 8  # ENTL is the ID's length in bits, on two bytes


def sm3(*parts: bytes) -> bytes:
    h = hashes.Hash(hashes.SM3())
    for part in parts:
        h.update(part)
    return h.finalize()


def _b32(v: int) -> bytes:
    return v.to_bytes(32, "big")


def z_value(public_key: bytes, signer_id: bytes = DEFAULT_SIGNER_ID) -> bytes:
    """Z (32 bytes) for a 65-byte public key 04 ‖ x ‖ y; the key is checked to be on the curve."""
    x, y = decode_point(public_key)
    if len(signer_id) > _MAX_ID_BYTES:
        raise ValueError("signer ID too long")
    entl = (8 * len(signer_id)).to_bytes(2, "big")
    return sm3(entl, signer_id, _b32(A), _b32(B), _b32(GX), _b32(GY), _b32(x), _b32(y))


def digest(public_key: bytes, message: bytes, signer_id: bytes = DEFAULT_SIGNER_ID) -> int:
    """e = SM3(Z ‖ M) as a big-endian integer, as r = (e + x_Q) mod n takes it."""
    return int.from_bytes(sm3(z_value(public_key, signer_id), message), "big")


__all__ = ["DEFAULT_SIGNER_ID", "digest", "sm3", "z_value"]
