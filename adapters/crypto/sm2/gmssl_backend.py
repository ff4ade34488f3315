"""SM2 over the pure-Python `gmssl` package: the fallback when no native backend imports, and the oracle
the native one is cross-checked against.

Only gmssl's point arithmetic (`_kg`, `_add_point`, `_double_point`, `_convert_jacb_to_nor`) and its
signing equation are used. Everything around them is ours, because gmssl gets it wrong:
- its nonces come from `random.choice` (Mersenne Twister; a few signatures reveal the key): we pass
  nonces from `secrets`;
- its constructor does `public_key.lstrip("04")`, which also eats a leading '0'/'4' hex digit of x
  (1 key in 8): we set the hex point ourselves after construction;
- its `decrypt` computes C3 and throws it away, and never checks that C1 is on the curve;
- its `encrypt` takes no nonce and hashes the hex text of (x2, y2) in the KDF;
- its `verify` breaks when s*G == t*P (doubles without converting back) or s*G == -t*P (no infinity)."""

from __future__ import annotations

import hmac
import secrets

from gmssl.sm2 import CryptSM2

from application.crypto.ports import DEFAULT_SIGNER_ID, Sm2DecryptionError, Sm2Error

from . import encoding as enc

_G_HEX = f"{enc.GX:064x}{enc.GY:064x}"


def _curve(public_hex: str = "", private_hex: str = "") -> CryptSM2:
    c = CryptSM2(private_key=private_hex, public_key="")
    c.public_key = public_hex  # set after construction: see lstrip above
    return c


# One instance for the arithmetic that needs no key; CryptSM2 keeps no state between calls.
_ARITH = _curve()


def _hex_point(x: int, y: int) -> str:
    return f"{x:064x}{y:064x}"


def _mul(k: int, point_hex: str) -> tuple[int, int]:
    """k * P for 1 <= k < n and P on the curve (order n, cofactor 1), so the result is never infinity."""
    out = _ARITH._kg(k, point_hex)
    return int(out[:64], 16), int(out[64:128], 16)


def _random_scalar() -> int:
    return secrets.randbelow(enc.N - 1) + 1  # [1, n-1]


def _sign_with_nonce(d: int, digest: bytes, k: int) -> bytes | None:
    """One signing attempt with nonce k; separate so the GM/T 0003.5 example can fix k."""
    rs = _curve(private_hex=f"{d:064x}").sign(digest, f"{k:064x}")
    return None if rs is None else enc.encode_signature(int(rs[:64], 16), int(rs[64:], 16))


def _encrypt_with_nonce(point: tuple[int, int], plaintext: bytes, k: int) -> bytes | None:
    """One encryption attempt with nonce k; separate so the GM/T 0003.5 example can fix k."""
    x1, y1 = _mul(k, _G_HEX)
    x2, y2 = _mul(k, _hex_point(*point))
    xb, yb = x2.to_bytes(32, "big"), y2.to_bytes(32, "big")
    t = enc.kdf(xb + yb, len(plaintext))
    if not any(t):
        return None
    return enc.encode_ciphertext(x1, y1, enc.sm3(xb + plaintext + yb), enc.xor(plaintext, t))


class GmsslSm2Backend:
    name = "gmssl"

    def generate_private_key(self) -> bytes:
        return (secrets.randbelow(enc.N - 2) + 1).to_bytes(32, "big")  # [1, n-2]

    def public_key(self, private_key: bytes) -> bytes:
        d = enc.check_private_key(private_key)
        return enc.point_bytes(*_mul(d, _G_HEX))

    def z_value(self, public_key: bytes, signer_id: bytes = DEFAULT_SIGNER_ID) -> bytes:
        return enc.z_value(public_key, signer_id)

    def sign(self, private_key: bytes, message: bytes, *, signer_id: bytes = DEFAULT_SIGNER_ID,
             public_key: bytes | None = None) -> bytes:
        if public_key is None:
            public_key = self.public_key(private_key)
        return self.sign_digest(private_key, enc.message_digest(public_key, message, signer_id))

    def sign_digest(self, private_key: bytes, digest: bytes) -> bytes:
        d = enc.check_private_key(private_key)
        enc.check_digest(digest)
        while True:
            # None for the rare r = 0, r + k = n or s = 0: draw another nonce.
            sig = _sign_with_nonce(d, digest, _random_scalar())
            if sig is not None:
                return sig

    def verify(self, public_key: bytes, message: bytes, signature: bytes, *,
               signer_id: bytes = DEFAULT_SIGNER_ID) -> bool:
        try:
            digest = enc.message_digest(public_key, message, signer_id)
        except Sm2Error:
            return False
        return self.verify_digest(public_key, digest, signature)

    def verify_digest(self, public_key: bytes, digest: bytes, signature: bytes) -> bool:
        try:
            px, py = enc.check_public_key(public_key)
            enc.check_digest(digest)
            r, s = enc.decode_signature(signature)
        except Sm2Error:
            return False
        t = (r + s) % enc.N
        if t == 0:
            return False
        x1, y1 = _mul(s, _G_HEX)
        x2, y2 = _mul(t, _hex_point(px, py))
        if (x1, y1) == (x2, y2):
            jac = _ARITH._double_point(_hex_point(x1, y1) + "1")
            x = int(_ARITH._convert_jacb_to_nor(jac)[:64], 16)
        elif x1 == x2:
            return False  # s*G = -t*P: the sum is the point at infinity
        else:
            jac = _ARITH._add_point(_hex_point(x1, y1) + "1", _hex_point(x2, y2))
            x = int(_ARITH._convert_jacb_to_nor(jac)[:64], 16)
        e = int.from_bytes(digest, "big")
        return (e + x) % enc.N == r

    def encrypt(self, public_key: bytes, plaintext: bytes) -> bytes:
        point = enc.check_public_key(public_key)
        enc.check_plaintext(plaintext)
        while True:
            # None when the KDF mask is all zero, which would send the plaintext in clear (GB/T 32918.4 A5).
            ct = _encrypt_with_nonce(point, plaintext, _random_scalar())
            if ct is not None:
                return ct

    def decrypt(self, private_key: bytes, ciphertext: bytes) -> bytes:
        d = enc.check_private_key(private_key)
        x1, y1, c3, c2 = enc.decode_ciphertext(ciphertext)
        x2, y2 = _mul(d, _hex_point(x1, y1))
        xb, yb = x2.to_bytes(32, "big"), y2.to_bytes(32, "big")
        t = enc.kdf(xb + yb, len(c2))
        if not any(t):
            raise Sm2DecryptionError("SM2 KDF gave an all-zero mask")
        plaintext = enc.xor(c2, t)
        if not hmac.compare_digest(enc.sm3(xb + plaintext + yb), c3):
            raise Sm2DecryptionError("SM2 ciphertext hash C3 does not match")
        return plaintext
