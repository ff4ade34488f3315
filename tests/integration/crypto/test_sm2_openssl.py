"""Interop with the OpenSSL 3 CLI in both directions: signatures (with the GM/T 0009 default ID, which
OpenSSL 3.0 only applies when given `distid`), GM/T 0009 ciphertexts, and key files."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from adapters.crypto.sm2 import (
    SM2_CURVE_OID,
    private_key_from_pkcs8,
    private_key_to_pem,
    private_key_to_pkcs8_der,
    public_key_from_spki,
    public_key_to_pem,
    public_key_to_spki_der,
)
from application.crypto.ports import DEFAULT_SIGNER_ID, Sm2Error

DISTID = "distid:" + DEFAULT_SIGNER_ID.decode()
MESSAGE = "签章申请单 #42\n".encode() * 20


def _our_key_files(backend, openssl, scalar: int | None = None) -> tuple[bytes, bytes]:
    d = backend.generate_private_key() if scalar is None else scalar.to_bytes(32, "big")
    pub = backend.public_key(d)
    openssl.write("key.pem", private_key_to_pem(d, pub))
    openssl.write("pub.pem", public_key_to_pem(pub))
    return d, pub


@pytest.mark.parametrize("scalar", [None, 11], ids=["random-key", "x-starts-04"])
def test_openssl_verifies_our_signature(backend, openssl, scalar):
    d, _ = _our_key_files(backend, openssl, scalar)
    openssl.write("msg", MESSAGE)
    openssl.write("sig", backend.sign(d, MESSAGE))
    openssl.run("pkeyutl", "-verify", "-pubin", "-inkey", "pub.pem", "-rawin", "-in", "msg",
                "-sigfile", "sig", "-pkeyopt", DISTID)
    openssl.run("dgst", "-sm3", "-verify", "pub.pem", "-sigopt", DISTID, "-signature", "sig", "msg")
    # Without distid OpenSSL 3.0 hashes an empty ID into Z: the same signature must then fail.
    assert openssl.run("dgst", "-sm3", "-verify", "pub.pem", "-signature", "sig", "msg",
                       check=False).returncode != 0


def test_we_verify_openssl_signatures(backend, openssl):
    d, pub = _our_key_files(backend, openssl)
    openssl.write("msg", MESSAGE)
    openssl.run("pkeyutl", "-sign", "-inkey", "key.pem", "-rawin", "-in", "msg", "-pkeyopt", DISTID,
                "-out", "sig1")
    openssl.run("dgst", "-sm3", "-sign", "key.pem", "-sigopt", DISTID, "-out", "sig2", "msg")
    openssl.run("dgst", "-sm3", "-sign", "key.pem", "-sigopt", "distid:alice", "-out", "sig3", "msg")
    assert backend.verify(pub, MESSAGE, openssl.read("sig1"))
    assert backend.verify(pub, MESSAGE, openssl.read("sig2"))
    assert backend.verify(pub, MESSAGE, openssl.read("sig3"), signer_id=b"alice")
    assert not backend.verify(pub, MESSAGE, openssl.read("sig3"))


def test_openssl_decrypts_our_ciphertext(backend, openssl):
    _, pub = _our_key_files(backend, openssl, 327)  # x starts with a 0x00 byte
    plaintext = bytes(range(256)) + b"tail"
    openssl.write("ct", backend.encrypt(pub, plaintext))
    openssl.run("pkeyutl", "-decrypt", "-inkey", "key.pem", "-in", "ct", "-out", "pt")
    assert openssl.read("pt") == plaintext


def test_we_decrypt_openssl_ciphertext(backend, openssl):
    d, _ = _our_key_files(backend, openssl)
    plaintext = b"an SM4 key: 0123456789abcdef"
    openssl.write("pt", plaintext)
    for i in range(3):
        openssl.run("pkeyutl", "-encrypt", "-pubin", "-inkey", "pub.pem", "-in", "pt", "-out", f"ct{i}")
        assert backend.decrypt(d, openssl.read(f"ct{i}")) == plaintext


def test_openssl_generated_key_files_load(backend, openssl):
    openssl.run("genpkey", "-algorithm", "SM2", "-out", "key.pem")
    openssl.run("pkey", "-in", "key.pem", "-pubout", "-out", "pub.pem")
    openssl.run("pkcs8", "-topk8", "-nocrypt", "-in", "key.pem", "-outform", "DER", "-out", "key.der")
    d = private_key_from_pkcs8(openssl.read("key.pem"))
    pub = public_key_from_spki(openssl.read("pub.pem").decode())
    assert backend.public_key(d) == pub
    assert private_key_from_pkcs8(openssl.read("key.der")) == d
    # Our encoders write exactly what OpenSSL writes for the same key.
    assert private_key_to_pkcs8_der(d, pub) == openssl.read("key.der")
    openssl.run("pkey", "-pubin", "-in", "pub.pem", "-outform", "DER", "-out", "pub.der")
    assert public_key_to_spki_der(pub) == openssl.read("pub.der")


def test_our_key_files_are_read_by_openssl(backend, openssl):
    d, pub = _our_key_files(backend, openssl, 327)  # leading zero byte in x must survive
    text = openssl.run("pkey", "-in", "key.pem", "-noout", "-text").stdout.decode()
    assert "SM2" in text
    assert f"{int.from_bytes(d, 'big'):064x}"[-8:] in text.replace(":", "").replace("\n", "").replace(" ", "")
    spki = openssl.run("pkey", "-pubin", "-in", "pub.pem", "-outform", "DER").stdout
    assert spki == public_key_to_spki_der(pub)
    assert SM2_CURVE_OID == "1.2.156.10197.1.301"


def test_foreign_and_broken_key_files_are_refused():
    p256 = ec.generate_private_key(ec.SECP256R1())
    p256_spki = p256.public_key().public_bytes(serialization.Encoding.DER,
                                               serialization.PublicFormat.SubjectPublicKeyInfo)
    p256_pkcs8 = p256.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption())
    with pytest.raises(Sm2Error, match="SM2 curve"):
        public_key_from_spki(p256_spki)
    with pytest.raises(Sm2Error, match="SM2 curve"):
        private_key_from_pkcs8(p256_pkcs8)
    with pytest.raises(Sm2Error):
        public_key_from_spki(b"\x30\x03\x02\x01\x00")
    with pytest.raises(Sm2Error, match="PEM PUBLIC KEY"):
        public_key_from_spki(private_key_to_pem((5).to_bytes(32, "big")))
