"""SM2 points for both halves of the co-signature: the phone here, and the server at enrolment
(P = d_server⁻¹·P_device − G), which imports `decode_point, encode_point, mul, add, neg, N, G` from this module.

Points are plain affine (x, y) tuples of ints. The identity has no such form, so any operation whose result
would be the identity raises ValueError instead of returning something that looks like a point: in this
protocol an identity is always a sign of a broken or hostile input (a zero share, Q1 = −w2·G…), never a
value to carry on with. Every point given in is checked to be on the curve, so a point from the wire can
never lead the arithmetic onto another curve (invalid-curve attacks).

k·G may use gmalglib (C) when it is installed; everything works in pure Python without it."""

from __future__ import annotations

import secrets
from collections.abc import Callable

from . import jacobian
from .params import A, B, G, N, P

Point = tuple[int, int]

POINT_LENGTH = 65  # 04 ‖ x ‖ y, 32 bytes each


def _load_accelerator() -> Callable[[bytes], bytes] | None:
    try:
        from gmalglib.sm2 import SM2
    except ImportError:
        return None
    return SM2.get_pk


# k·G in C: 04‖x‖y for 32-byte k in [1, n − 2] (gmalglib refuses n − 1, which is a valid private key for
# nothing but a valid scalar for us). Tests set this to None to check the pure-Python path gives the same.
base_mul_accelerator: Callable[[bytes], bytes] | None = _load_accelerator()


def is_on_curve(pt: Point) -> bool:
    x, y = pt
    return 0 <= x < P and 0 <= y < P and (y * y - (x * x * x + A * x + B)) % P == 0


def _checked(pt: Point) -> Point:
    if (not isinstance(pt, tuple) or len(pt) != 2
            or not all(isinstance(c, int) and not isinstance(c, bool) for c in pt)):
        raise ValueError("a point is a tuple of two ints (x, y)")
    if not is_on_curve(pt):
        raise ValueError("point not on the SM2 curve")
    return pt


def _scalar(k: int) -> int:
    """k mod n, refusing 0: with cofactor 1, k·Q depends on k mod n only, and 0 gives the identity."""
    if not isinstance(k, int) or isinstance(k, bool):
        raise ValueError("a scalar is an int")
    k %= N
    if k == 0:
        raise ValueError("scalar is 0 mod n: the result would be the identity")
    return k


def _affine(pt: jacobian.Jacobian) -> Point:
    out = jacobian.to_affine(pt)
    if out is None:
        raise ValueError("the result is the point at infinity")
    return out


def decode_point(data: bytes) -> Point:
    """The point of an uncompressed encoding 04 ‖ x ‖ y; refuses any other length or prefix (compressed and
    hybrid forms included), coordinates ≥ p and points off the curve. The identity has no such encoding
    ((0, 0) is not on the curve, since b ≠ 0), so a decoded point is always a proper one."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise ValueError("a point is encoded as bytes")
    data = bytes(data)
    if len(data) != POINT_LENGTH or data[0] != 0x04:
        raise ValueError("a point is 65 bytes: 04 ‖ x ‖ y")
    pt = (int.from_bytes(data[1:33], "big"), int.from_bytes(data[33:], "big"))
    if not is_on_curve(pt):
        raise ValueError("point not on the SM2 curve")
    return pt


def encode_point(pt: Point) -> bytes:
    x, y = _checked(pt)
    return b"\x04" + x.to_bytes(32, "big") + y.to_bytes(32, "big")


def neg(pt: Point) -> Point:
    x, y = _checked(pt)
    return x, (P - y) % P


def add(p1: Point, p2: Point) -> Point:
    x1, y1 = _checked(p1)
    x2, y2 = _checked(p2)
    return _affine(jacobian.add_affine((x1, y1, 1), x2, y2))


def mul(k: int, pt: Point) -> Point:
    """k·pt for any int k with k ≢ 0 (mod n)."""
    x, y = _checked(pt)
    if (x, y) == G:
        return mul_base(k)
    return _affine(jacobian.scalar_mul(_scalar(k), x, y, N))


def mul_base(k: int) -> Point:
    """k·G for any int k with k ≢ 0 (mod n)."""
    k = _scalar(k)
    accelerate = base_mul_accelerator
    if accelerate is not None and k <= N - 2:
        return decode_point(accelerate(k.to_bytes(32, "big")))  # decoding re-checks the C library's answer
    return _affine(jacobian.scalar_mul(k, G[0], G[1], N))


def inverse_mod_n(k: int) -> int:
    """k⁻¹ mod n; refuses k ≡ 0, which has none."""
    return pow(_scalar(k), -1, N)


def random_scalar() -> int:
    """Uniform in [1, n − 1] from the operating system's CSPRNG."""
    return secrets.randbelow(N - 1) + 1


__all__ = ["A", "B", "G", "N", "P", "POINT_LENGTH", "Point", "add", "decode_point", "encode_point",
           "inverse_mod_n", "is_on_curve", "mul", "mul_base", "neg", "random_scalar"]
