"""SM2 pieces every backend shares: curve constants, key checks, Z, KDF, and our canonical DER forms.

Backends differ only in how fast they multiply points; what goes in and out is decided here once,
so two backends can never disagree on an encoding."""

from __future__ import annotations

from cryptography.hazmat.primitives import hashes

from application.crypto.ports import DEFAULT_SIGNER_ID, Sm2DecryptionError, Sm2Error

from . import der

# GB/T 32918.5 recommended curve (sm2p256v1).
P = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFF
A = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFC
B = 0x28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93
N = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123
GX = 0x32C4AE2C1F1981195F9904466A39C9948FE30BBFF2660BE1715A4589334C74C7
GY = 0xBC3736A2F4F6779C59BDCEE36B692153D0A9877CC62A474002DF32E52139F0A0

# Z's fixed part: a || b || xG || yG.
_CURVE_BYTES = b"".join(v.to_bytes(32, "big") for v in (A, B, GX, GY))


def sm3(data: bytes) -> bytes:
    h = hashes.Hash(hashes.SM3())
    h.update(data)
    return h.finalize()


# --- keys -------------------------------------------------------------------------------------------

def is_on_curve(x: int, y: int) -> bool:
    return 0 <= x < P and 0 <= y < P and (y * y - (x * x * x + A * x + B)) % P == 0


def check_private_key(private_key: bytes) -> int:
    """The scalar d; d = n-1 is refused because signing needs (1 + d)^-1 mod n."""
    if not isinstance(private_key, bytes | bytearray) or len(private_key) != 32:
        raise Sm2Error("SM2 private key must be 32 bytes")
    d = int.from_bytes(private_key, "big")
    if not 1 <= d <= N - 2:
        raise Sm2Error("SM2 private key out of range [1, n-2]")
    return d


def check_public_key(public_key: bytes) -> tuple[int, int]:
    """(x, y) of an uncompressed point that is on the curve; the cofactor is 1, so that is the whole check."""
    if not isinstance(public_key, bytes | bytearray) or len(public_key) != 65 or public_key[0] != 4:
        raise Sm2Error("SM2 public key must be 65 bytes 04 || x || y")
    x = int.from_bytes(public_key[1:33], "big")
    y = int.from_bytes(public_key[33:], "big")
    if not is_on_curve(x, y):
        raise Sm2Error("SM2 public key is not a point on the curve")
    return x, y


def point_bytes(x: int, y: int) -> bytes:
    return b"\x04" + x.to_bytes(32, "big") + y.to_bytes(32, "big")


# --- signatures ----------------------------------------------------------------------------------------

def z_value(public_key: bytes, signer_id: bytes = DEFAULT_SIGNER_ID) -> bytes:
    """Z = SM3(ENTL || ID || a || b || xG || yG || xA || yA); ENTL is the ID's length in bits, two bytes."""
    check_public_key(public_key)
    if len(signer_id) >= 8192:
        raise Sm2Error("SM2 signer ID longer than 8191 bytes")
    entl = (len(signer_id) * 8).to_bytes(2, "big")
    return sm3(entl + bytes(signer_id) + _CURVE_BYTES + bytes(public_key[1:]))


def message_digest(public_key: bytes, message: bytes, signer_id: bytes = DEFAULT_SIGNER_ID) -> bytes:
    """e = SM3(Z || M), what sign_digest / verify_digest take."""
    return sm3(z_value(public_key, signer_id) + message)


def check_digest(digest: bytes) -> None:
    if len(digest) != 32:
        raise Sm2Error("SM2 digest must be the 32-byte SM3 of Z || M")


def encode_signature(r: int, s: int) -> bytes:
    return der.sequence(der.integer(r), der.integer(s))


def decode_signature(signature: bytes) -> tuple[int, int]:
    """(r, s), both in [1, n-1]; raises Sm2Error for anything else, so verifiers can just answer False."""
    try:
        r, s = der.read_sequence(bytes(signature), (der.INTEGER, der.INTEGER))
    except der.DerError as exc:
        raise Sm2Error(f"malformed SM2 signature: {exc}") from None
    assert isinstance(r, int) and isinstance(s, int)
    if not (1 <= r < N and 1 <= s < N):
        raise Sm2Error("SM2 signature (r, s) out of range")
    return r, s


# --- encryption ----------------------------------------------------------------------------------------

def kdf(z: bytes, klen: int) -> bytes:
    """GB/T 32918.4 KDF: SM3(Z || ct) for a 32-bit big-endian counter from 1, cut to klen bytes."""
    blocks = [sm3(z + i.to_bytes(4, "big")) for i in range(1, (klen + 31) // 32 + 1)]
    return b"".join(blocks)[:klen]


def xor(a: bytes, b: bytes) -> bytes:
    return (int.from_bytes(a, "big") ^ int.from_bytes(b, "big")).to_bytes(len(a), "big")


def encode_ciphertext(x1: int, y1: int, c3: bytes, c2: bytes) -> bytes:
    return der.sequence(der.integer(x1), der.integer(y1), der.tlv(der.OCTET_STRING, c3),
                        der.tlv(der.OCTET_STRING, c2))


def decode_ciphertext(ciphertext: bytes) -> tuple[int, int, bytes, bytes]:
    """(x1, y1, C3, C2) with C1 = (x1, y1) on the curve and C3 32 bytes; Sm2DecryptionError otherwise."""
    try:
        x1, y1, c3, c2 = der.read_sequence(
            bytes(ciphertext), (der.INTEGER, der.INTEGER, der.OCTET_STRING, der.OCTET_STRING))
    except der.DerError as exc:
        raise Sm2DecryptionError(f"malformed SM2 ciphertext: {exc}") from None
    assert isinstance(x1, int) and isinstance(y1, int) and isinstance(c3, bytes) and isinstance(c2, bytes)
    if len(c3) != 32:
        raise Sm2DecryptionError("SM2 ciphertext hash is not 32 bytes")
    if not c2:
        raise Sm2DecryptionError("SM2 ciphertext is empty")
    # An off-curve C1 is the invalid-curve attack: d times it can leak d's residues. Refuse before using d.
    if not is_on_curve(x1, y1):
        raise Sm2DecryptionError("SM2 ciphertext C1 is not on the curve")
    return x1, y1, c3, c2


def check_plaintext(plaintext: bytes) -> None:
    # GB/T 32918.4 has no empty message (its all-zero t check is meaningless there); OpenSSL refuses too.
    if not plaintext:
        raise Sm2Error("SM2 cannot encrypt an empty message")
