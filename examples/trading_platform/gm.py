"""The few Chinese commercial-cryptography pieces a platform needs, on gmalglib (SM2), cryptography (SM3,
SM4) and asn1crypto (DER), independent of the server's code:

- SM2 signatures: DER SEQUENCE {r, s}; signer ID "1234567812345678" (GB/T 35276) unless stated;
- SM2 ciphertexts: GM/T 0009 DER SEQUENCE {x, y, C3 (32 bytes), C2} (C1C3C2 order);
- keys: public keys as SubjectPublicKeyInfo PEM (id-ecPublicKey, sm2p256v1), private keys as 32 bytes.
"""

from __future__ import annotations

import base64
import os
import secrets
import textwrap

from asn1crypto import core
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from gmalglib.sm2 import SM2

SIGNER_ID = b"1234567812345678"
SM2_CURVE_OID = "1.2.156.10197.1.301"
N = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123


def sm3(data: bytes) -> bytes:
    h = hashes.Hash(hashes.SM3())
    h.update(data)
    return h.finalize()


def sm3_hex(data: bytes) -> str:
    return sm3(data).hex()


# --- keys -----------------------------------------------------------------------------------------------

def new_private_key() -> bytes:
    return (secrets.randbelow(N - 2) + 1).to_bytes(32, "big")


def public_key(private_key: bytes) -> bytes:
    """65 bytes 04 || x || y."""
    return SM2.get_pk(private_key)


class _Spki(core.Sequence):
    _fields = [("algorithm", core.Sequence), ("public_key", core.OctetBitString)]


def public_key_pem(point: bytes) -> str:
    algorithm = core.Sequence.load(core.Sequence(
        contents=core.ObjectIdentifier("1.2.840.10045.2.1").dump() + core.ObjectIdentifier(SM2_CURVE_OID).dump()
    ).dump())
    der = _Spki({"algorithm": algorithm, "public_key": point}).dump()
    return pem("PUBLIC KEY", der)


def pem(label: str, der: bytes) -> str:
    body = "\n".join(textwrap.wrap(base64.b64encode(der).decode(), 64))
    return f"-----BEGIN {label}-----\n{body}\n-----END {label}-----\n"


def unpem(text: str) -> bytes:
    lines = [ln.strip() for ln in text.strip().splitlines() if ln.strip() and not ln.startswith("-----")]
    return base64.b64decode("".join(lines))


def certificate_public_key(cert) -> bytes:
    """The 65-byte point of an asn1crypto Certificate's SM2 key."""
    return bytes(cert["tbs_certificate"]["subject_public_key_info"]["public_key"].native)


# --- signatures ---------------------------------------------------------------------------------------

class _Signature(core.Sequence):
    _fields = [("r", core.Integer), ("s", core.Integer)]


def sign(private_key: bytes, message: bytes, *, signer_id: bytes = SIGNER_ID) -> bytes:
    ctx = SM2(sk=private_key, uid=signer_id)
    while True:
        raw = ctx.sign(message)
        r, s = int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big")
        if r and s and (r + s) % N:  # gmalglib can return a degenerate signature instead of retrying
            return _Signature({"r": r, "s": s}).dump()


def verify(point: bytes, message: bytes, signature_der: bytes, *, signer_id: bytes = SIGNER_ID) -> bool:
    try:
        sig = _Signature.load(signature_der, strict=True)
        r, s = sig["r"].native, sig["s"].native
        if not (0 < r < N and 0 < s < N):
            return False
        return SM2(pk=point, uid=signer_id).verify(message, r.to_bytes(32, "big") + s.to_bytes(32, "big"))
    except (ValueError, TypeError):
        return False


# --- encryption ---------------------------------------------------------------------------------------

class _Ciphertext(core.Sequence):
    _fields = [("x", core.Integer), ("y", core.Integer), ("hash", core.OctetString),
               ("ciphertext", core.OctetString)]


def encrypt(point: bytes, plaintext: bytes) -> bytes:
    while True:
        raw = SM2(pk=point).encrypt(plaintext)  # 04 || x1 || y1 || C3 || C2
        if raw[65:97] != bytes(32):  # an all-zero C3 is gmalglib's unmasked failure: redo
            break
    return _Ciphertext({"x": int.from_bytes(raw[1:33], "big"), "y": int.from_bytes(raw[33:65], "big"),
                        "hash": raw[65:97], "ciphertext": raw[97:]}).dump()


def decrypt(private_key: bytes, ciphertext_der: bytes) -> bytes:
    c = _Ciphertext.load(ciphertext_der, strict=True)
    raw = (b"\x04" + c["x"].native.to_bytes(32, "big") + c["y"].native.to_bytes(32, "big")
           + c["hash"].native + c["ciphertext"].native)
    return SM2(sk=private_key).decrypt(raw)


# --- SM4 for the bid itself ---------------------------------------------------------------------------

def sm4_gcm_encrypt(key: bytes, plaintext: bytes, aad: bytes = b"") -> bytes:
    """nonce (12) || ciphertext || tag (16)."""
    nonce = os.urandom(12)
    enc = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
    enc.authenticate_additional_data(aad)
    return nonce + enc.update(plaintext) + enc.finalize() + enc.tag


def sm4_gcm_decrypt(key: bytes, sealed: bytes, aad: bytes = b"") -> bytes:
    nonce, body, tag = sealed[:12], sealed[12:-16], sealed[-16:]
    dec = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()
    dec.authenticate_additional_data(aad)
    return dec.update(body) + dec.finalize()
