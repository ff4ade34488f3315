"""SM2 over `gmalglib` (C, built from source): the default backend, chosen over `gmssl-pyx` by measurement
(bench/sm2.py: with a key's context cached gmalglib signs ~2x and verifies ~10% faster; gmssl-pyx also
refuses plaintexts over 255 bytes). Both agreed with OpenSSL and the gmssl backend on every test.

gmalglib speaks raw r||s signatures and raw C1||C3||C2 ciphertexts; this adapter converts to and from our
DER forms in `encoding`, which also does the strict parsing gmalglib never sees. Guards for its defects:
- its sign and encrypt retry loops are `do { ... continue; } while (0)`, so a retry exits instead: a
  signature with r = 0, s = 0 or r + s = n, and, when the KDF mask is all zero (1 time in 256 for a
  one-byte message), a ciphertext with C2 = 0 and C3 = 0 come back as success. We check and redo.
- building a context from a private key costs a full point multiplication (it derives the public key),
  as much as the signature itself, so contexts are cached per (key, signer ID). The cache holds
  private keys a while longer in memory, which the Python caller already does anyway.
- it compares C3 with an early-exit byte loop; the Python side cannot do better without the shared
  point, which gmalglib does not expose.
It never releases the GIL, so one cached context is safely shared between threads."""

from __future__ import annotations

import functools
import secrets

from gmalglib.sm2 import SM2

from application.crypto.ports import DEFAULT_SIGNER_ID, Sm2DecryptionError, Sm2Error

from . import encoding as enc

_ZERO_HASH = bytes(32)


@functools.lru_cache(maxsize=256)
def _context(private_key: bytes, signer_id: bytes) -> SM2:
    return SM2(sk=private_key, uid=signer_id)


def _signer(private_key: bytes, signer_id: bytes = DEFAULT_SIGNER_ID) -> SM2:
    enc.check_private_key(private_key)
    _check_signer_id(signer_id)
    return _context(bytes(private_key), bytes(signer_id))


@functools.lru_cache(maxsize=1024)
def _verifier(public_key: bytes, signer_id: bytes) -> SM2:
    """Public contexts are cached too: parsing the point and hashing Z is ~3% of a verification."""
    enc.check_public_key(public_key)  # our 65-byte form only; gmalglib would also take compressed points
    return SM2(pk=public_key, uid=signer_id)


def _check_signer_id(signer_id: bytes) -> None:
    if len(signer_id) >= 8192:  # ENTL is 16 bits of *bits*
        raise Sm2Error("SM2 signer ID longer than 8191 bytes")


def _der_signature(raw: bytes) -> bytes | None:
    r = int.from_bytes(raw[:32], "big")
    s = int.from_bytes(raw[32:], "big")
    if r == 0 or s == 0 or (r + s) % enc.N == 0:
        return None  # gmalglib's failed retry; see module docstring
    return enc.encode_signature(r, s)


def _raw_signature(signature: bytes) -> bytes | None:
    try:
        r, s = enc.decode_signature(signature)
    except Sm2Error:
        return None
    return r.to_bytes(32, "big") + s.to_bytes(32, "big")


class NativeSm2Backend:
    name = "gmalglib"

    def generate_private_key(self) -> bytes:
        return (secrets.randbelow(enc.N - 2) + 1).to_bytes(32, "big")  # [1, n-2]

    def public_key(self, private_key: bytes) -> bytes:
        enc.check_private_key(private_key)
        return SM2.get_pk(bytes(private_key))

    def z_value(self, public_key: bytes, signer_id: bytes = DEFAULT_SIGNER_ID) -> bytes:
        return enc.z_value(public_key, signer_id)

    def sign(self, private_key: bytes, message: bytes, *, signer_id: bytes = DEFAULT_SIGNER_ID,
             public_key: bytes | None = None) -> bytes:
        # public_key is not needed: the cached context already holds the point and its Z.
        ctx = _signer(private_key, signer_id)
        while (sig := _der_signature(ctx.sign(bytes(message)))) is None:
            pass
        return sig

    def sign_digest(self, private_key: bytes, digest: bytes) -> bytes:
        enc.check_digest(digest)
        ctx = _signer(private_key)
        while (sig := _der_signature(ctx.sign_digest(bytes(digest)))) is None:
            pass
        return sig

    def verify(self, public_key: bytes, message: bytes, signature: bytes, *,
               signer_id: bytes = DEFAULT_SIGNER_ID) -> bool:
        raw = _raw_signature(signature)
        if raw is None or len(signer_id) >= 8192:
            return False
        try:
            ctx = _verifier(bytes(public_key), bytes(signer_id))
        except Sm2Error:
            return False
        return ctx.verify(bytes(message), raw)

    def verify_digest(self, public_key: bytes, digest: bytes, signature: bytes) -> bool:
        raw = _raw_signature(signature)
        if raw is None or len(digest) != 32:
            return False
        try:
            ctx = _verifier(bytes(public_key), DEFAULT_SIGNER_ID)
        except Sm2Error:
            return False
        return ctx.verify_digest(bytes(digest), raw)

    def encrypt(self, public_key: bytes, plaintext: bytes) -> bytes:
        enc.check_plaintext(plaintext)
        ctx = _verifier(bytes(public_key), DEFAULT_SIGNER_ID)
        while True:
            raw = ctx.encrypt(bytes(plaintext))  # 04 || x1 || y1 || C3 || C2
            c3 = raw[65:97]
            if c3 != _ZERO_HASH:  # all-zero C3 is gmalglib's unmasked failure; see module docstring
                break
        return enc.encode_ciphertext(int.from_bytes(raw[1:33], "big"), int.from_bytes(raw[33:65], "big"),
                                     c3, raw[97:])

    def decrypt(self, private_key: bytes, ciphertext: bytes) -> bytes:
        ctx = _signer(private_key)
        x1, y1, c3, c2 = enc.decode_ciphertext(ciphertext)  # strict DER, C1 on the curve
        try:
            return ctx.decrypt(enc.point_bytes(x1, y1) + c3 + c2)
        except ValueError as exc:  # "Invalid C3." / "Invalid C1." (all-zero mask)
            raise Sm2DecryptionError(f"SM2 decryption failed: {exc}") from None
