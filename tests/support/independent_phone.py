"""A second, independent implementation of two-share SM2 signing, written from SPEC §C alone: plain integers,
affine coordinates, textbook double-and-add, no import of sxq_phone or of any SM2 library. It is slow and
simple on purpose — the server's tests and ours check the real code against it, so a mistake shared by the
project's library and the server (both use sxq_phone.curve) cannot hide.

Points are 65-byte 04 ‖ x ‖ y; scalars are ints."""

from __future__ import annotations

from cryptography.hazmat.primitives import hashes

# GB/T 32918.5-2017, sm2p256v1
p = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFF
a = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFC
b = 0x28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93
n = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123
G = (0x32C4AE2C1F1981195F9904466A39C9948FE30BBFF2660BE1715A4589334C74C7,
     0xBC3736A2F4F6779C59BDCEE36B692153D0A9877CC62A474002DF32E52139F0A0)
SIGNER_ID = b"1234567812345678"

Affine = tuple[int, int] | None  # None is the point at infinity


def _on_curve(pt: Affine) -> bool:
    if pt is None:
        return False
    x, y = pt
    return (y * y - x * x * x - a * x - b) % p == 0


def point_add(p1: Affine, p2: Affine) -> Affine:
    if p1 is None:
        return p2
    if p2 is None:
        return p1
    x1, y1 = p1
    x2, y2 = p2
    if x1 == x2 and (y1 + y2) % p == 0:
        return None
    if p1 == p2:
        lam = (3 * x1 * x1 + a) * pow(2 * y1, -1, p) % p
    else:
        lam = (y2 - y1) * pow(x2 - x1, -1, p) % p
    x3 = (lam * lam - x1 - x2) % p
    return x3, (lam * (x1 - x3) - y1) % p


def point_mul(k: int, pt: Affine) -> Affine:
    result: Affine = None
    addend = pt
    k %= n
    while k:
        if k & 1:
            result = point_add(result, addend)
        addend = point_add(addend, addend)
        k >>= 1
    return result


def encode(pt: Affine) -> bytes:
    if pt is None:
        raise ValueError("the point at infinity has no 04 ‖ x ‖ y form")
    return b"\x04" + pt[0].to_bytes(32, "big") + pt[1].to_bytes(32, "big")


def decode(data: bytes) -> tuple[int, int]:
    if len(data) != 65 or data[0] != 4:
        raise ValueError("uncompressed point expected")
    pt = (int.from_bytes(data[1:33], "big"), int.from_bytes(data[33:], "big"))
    if not (pt[0] < p and pt[1] < p and _on_curve(pt)):
        raise ValueError("point not on the curve")
    return pt


def sm3(data: bytes) -> bytes:
    h = hashes.Hash(hashes.SM3())
    h.update(data)
    return h.finalize()


def z(public_key: bytes, signer_id: bytes = SIGNER_ID) -> bytes:
    x, y = decode(public_key)
    fields = b"".join(v.to_bytes(32, "big") for v in (a, b, G[0], G[1], x, y))
    return sm3((len(signer_id) * 8).to_bytes(2, "big") + signer_id + fields)


def e(public_key: bytes, message: bytes) -> int:
    return int.from_bytes(sm3(z(public_key) + message), "big")


def public_share(d: int) -> bytes:
    """d⁻¹·G: P_device for d_device, P_server for d_server."""
    return encode(point_mul(pow(d, -1, n), G))


def joint_public_key(d_device: int, server_public_share: bytes) -> bytes:
    """P = d_device⁻¹·P_server − G."""
    minus_g = (G[0], p - G[1])
    return encode(point_add(point_mul(pow(d_device, -1, n), decode(server_public_share)), minus_g))


def commitment(w1: int) -> bytes:
    """Q1 = w1·G."""
    return encode(point_mul(w1, G))


def co_sign(d_device: int, public_key: bytes, message: bytes, q1: bytes, w2: int) -> tuple[int, int]:
    q = point_add(point_mul(w2, G), point_mul(pow(d_device, -1, n), decode(q1)))
    if q is None:
        raise ValueError("Q is the point at infinity")
    r = (e(public_key, message) + q[0]) % n
    s1 = d_device * (r + w2) % n
    return r, s1


def finish(d_server: int, w1: int, r: int, s1: int) -> int:
    """The server's step: s = d_server·(s1 + w1) − r mod n."""
    return (d_server * (s1 + w1) - r) % n


def private_key(d_device: int, d_server: int) -> int:
    """d = (d_device·d_server)⁻¹ − 1: never computed by either party, only by tests."""
    return (pow(d_device * d_server, -1, n) - 1) % n


def verify(public_key: bytes, message: bytes, r: int, s: int) -> bool:
    """GB/T 32918.2 verification: t = r + s, (x1, y1) = s·G + t·P, accept iff (e + x1) mod n = r."""
    if not (0 < r < n and 0 < s < n):
        return False
    t = (r + s) % n
    if t == 0:
        return False
    pt = point_add(point_mul(s, G), point_mul(t, decode(public_key)))
    return pt is not None and (e(public_key, message) + pt[0]) % n == r
