"""SM2EnvelopedKey (GM/T 0009 §7.4, GM/T 0010) and the dual-certificate export package (GM/T 0092 §8).

    SM2EnvelopedKey ::= SEQUENCE {
        symAlgID                AlgorithmIdentifier,  -- SM4-ECB, 1.2.156.10197.1.104.1
        symEncryptedKey         SM2Cipher,            -- the SM4 key, SM2-encrypted to the signing public key
        sm2PublicKey            SM2PublicKey,         -- BIT STRING 04 || x || y of the encryption key
        sm2EncryptedPrivateKey  BIT STRING }          -- SM4-ECB of the 32-byte encryption private scalar

    DualCertificatePackage ::= SEQUENCE {             -- our layout of the GM/T 0092 response
        version                 INTEGER (1),
        signCertificate         Certificate,
        envelopedKey            SM2EnvelopedKey,
        encCertificate          Certificate }

The holder opens the envelope with the signing private key (which only the holder's PIN unlocks), so the
escrowed encryption key reaches the holder's token without ever being readable on the way.
"""

from __future__ import annotations

import os

from asn1crypto import core, x509
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from adapters.ca.oids import SM4_ECB, register_sm_oids
from application.crypto.ports import Sm2Backend

register_sm_oids()


class AlgorithmIdentifier(core.Sequence):
    _fields = [("algorithm", core.ObjectIdentifier), ("parameters", core.Any, {"optional": True})]


class Sm2Cipher(core.Sequence):
    _fields = [("x", core.Integer), ("y", core.Integer), ("hash", core.OctetString),
               ("ciphertext", core.OctetString)]


class Sm2EnvelopedKey(core.Sequence):
    _fields = [
        ("sym_alg_id", AlgorithmIdentifier),
        ("sym_encrypted_key", Sm2Cipher),
        ("sm2_public_key", core.OctetBitString),
        ("sm2_encrypted_private_key", core.OctetBitString),
    ]


class DualCertificatePackage(core.Sequence):
    _fields = [
        ("version", core.Integer),
        ("sign_certificate", x509.Certificate),
        ("enveloped_key", Sm2EnvelopedKey),
        ("enc_certificate", x509.Certificate),
    ]


class EnvelopeError(ValueError):
    pass


def _sm4_ecb(key: bytes, data: bytes, *, encrypt: bool) -> bytes:
    # ECB over exactly two blocks of a uniformly random scalar, under a fresh one-time key: what the
    # standard prescribes (GM/T 0016 SGD_SM4_ECB), and safe here since no block repeats meaningfully.
    cipher = Cipher(algorithms.SM4(key), modes.ECB())  # noqa: S305
    op = cipher.encryptor() if encrypt else cipher.decryptor()
    return op.update(data) + op.finalize()


def envelope_private_key(backend: Sm2Backend, recipient_public_key: bytes, private_key: bytes,
                         public_key: bytes) -> Sm2EnvelopedKey:
    """Envelopes (private_key, public_key) to recipient_public_key."""
    if len(private_key) != 32 or len(public_key) != 65:
        raise EnvelopeError("an SM2 key pair is a 32-byte scalar and a 65-byte point")
    sym_key = os.urandom(16)
    encrypted_key = Sm2Cipher.load(backend.encrypt(recipient_public_key, sym_key))
    return Sm2EnvelopedKey({
        "sym_alg_id": {"algorithm": SM4_ECB},
        "sym_encrypted_key": encrypted_key,
        "sm2_public_key": public_key,
        "sm2_encrypted_private_key": _sm4_ecb(sym_key, private_key, encrypt=True),
    })


def open_envelope(backend: Sm2Backend, recipient_private_key: bytes, envelope: Sm2EnvelopedKey | bytes) -> bytes:
    """The enveloped private scalar; checks it matches the public key the envelope names."""
    env = Sm2EnvelopedKey.load(envelope) if isinstance(envelope, bytes) else envelope
    if env["sym_alg_id"]["algorithm"].dotted != SM4_ECB:
        raise EnvelopeError("unsupported symmetric algorithm in SM2EnvelopedKey")
    sym_key = backend.decrypt(recipient_private_key, env["sym_encrypted_key"].dump())
    if len(sym_key) != 16:
        raise EnvelopeError("the enveloped SM4 key is not 16 bytes")
    encrypted = env["sm2_encrypted_private_key"].native
    if len(encrypted) % 16:
        raise EnvelopeError("encrypted private key is not whole SM4 blocks")
    plain = _sm4_ecb(sym_key, encrypted, encrypt=False)
    private_key = plain[-32:]  # some producers left-pad the scalar to 64 bytes (SKF ECCPRIVATEKEYBLOB)
    if any(plain[:-32]) or backend.public_key(private_key) != env["sm2_public_key"].native:
        raise EnvelopeError("the enveloped private key does not match its public key")
    return private_key


def dual_package(backend: Sm2Backend, sign_certificate: x509.Certificate, enc_certificate: x509.Certificate,
                 enc_private_key: bytes) -> bytes:
    from adapters.ca.x509 import public_key_of

    enc_public = public_key_of(enc_certificate)
    if backend.public_key(enc_private_key) != enc_public:
        raise EnvelopeError("the encryption private key does not belong to the encryption certificate")
    envelope = envelope_private_key(backend, public_key_of(sign_certificate), enc_private_key, enc_public)
    return DualCertificatePackage({"version": 1, "sign_certificate": sign_certificate, "enveloped_key": envelope,
                                   "enc_certificate": enc_certificate}).dump()


def read_dual_package(data: bytes) -> tuple[x509.Certificate, Sm2EnvelopedKey, x509.Certificate]:
    pkg = DualCertificatePackage.load(data)
    if pkg["version"].native != 1:
        raise EnvelopeError("unknown dual package version")
    return pkg["sign_certificate"], pkg["enveloped_key"], pkg["enc_certificate"]
