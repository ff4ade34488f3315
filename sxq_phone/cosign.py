"""The phone's step of a two-share SM2 signature (SPEC §C, GM/T 0144; Tongsuo's SM2_THRESHOLD_sign2):

    e  = SM3(Z ‖ M)                      Z over the joint public key P
    Q  = w2·G + d_device⁻¹·Q1            Q1 = w1·G, the server's single-use commitment
    r  = (e + x_Q) mod n
    s1 = d_device·(r + w2) mod n

The server finishes s = d_server·(s1 + w1) − r mod n. With k = w2 + d_device⁻¹·w1 (so Q = k·G) and
1 + d = (d_device·d_server)⁻¹, s = (1 + d)⁻¹·(k + r) − r = (1 + d)⁻¹·(k − r·d): an ordinary SM2 signature
under P. The phone fixes r from the message it checked, so the server cannot swap message or nonce later."""

from __future__ import annotations

from .curve import Point, add, decode_point, inverse_mod_n, mul, mul_base, random_scalar
from .params import N
from .sm3z import digest


def _attempt(d_device: int, e: int, w2: int, blinded_q1: Point) -> tuple[int, int] | None:
    try:
        x_q = add(mul_base(w2), blinded_q1)[0]
    except ValueError:  # Q is the identity: w2·G = −d_device⁻¹·Q1
        return None
    r = (e + x_q) % N
    s1 = d_device * (r + w2) % N
    return (r, s1) if r and s1 else None


def co_sign(d_device: int, public_key: bytes, message: bytes, server_commitment: bytes,
            w2: int | None = None) -> tuple[int, int]:
    """(r, s1) for `message` under the joint `public_key` (65 bytes), given Q1 = `server_commitment` (65 bytes).

    With `w2` given the result is deterministic (test vectors) and a degenerate w2 raises ValueError. Without
    it, w2 comes from the OS CSPRNG and is drawn again in the cases (probability ~2⁻²⁵⁶) where Q is the
    identity, r = 0 or s1 = 0, none of which can be finished into a signature."""
    if not isinstance(d_device, int) or not 0 < d_device < N:
        raise ValueError("the device share is in [1, n − 1]")
    if w2 is not None and not 0 < w2 < N:
        raise ValueError("w2 is in [1, n − 1]")
    blinded_q1 = mul(inverse_mod_n(d_device), decode_point(server_commitment))
    e = digest(public_key, message)
    if w2 is not None:
        shares = _attempt(d_device, e, w2, blinded_q1)
        if shares is None:
            raise ValueError("this w2 gives a degenerate co-signature")
        return shares
    while (shares := _attempt(d_device, e, random_scalar(), blinded_q1)) is None:
        pass
    return shares


__all__ = ["co_sign"]
