"""Field encryption, keyed hashes and password hashing against the real libraries."""

from __future__ import annotations

import base64

import pytest

from adapters.security.crypto import HmacSm3Hasher, ScryptPasswordHasher, Sm4GcmCipher, hmac_sm3
from adapters.security.keys import KeyRing, MasterKeyError, load_master_key, parse_master_key


def test_sm3_known_answer():
    # GB/T 32905 example 1: SM3("abc").
    from cryptography.hazmat.primitives import hashes

    h = hashes.Hash(hashes.SM3())
    h.update(b"abc")
    assert h.finalize().hex() == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"


def test_sm4_gcm_round_trip_and_tamper():
    c = Sm4GcmCipher(bytes(range(16)))
    ct = c.encrypt(b"440106199003071234", context=b"identity:1")
    assert b"440106" not in ct
    assert c.decrypt(ct, context=b"identity:1") == b"440106199003071234"
    with pytest.raises(ValueError):
        c.decrypt(ct, context=b"identity:2")  # moved to another row
    flipped = ct[:-1] + bytes([ct[-1] ^ 1])
    with pytest.raises(ValueError):
        c.decrypt(flipped, context=b"identity:1")
    assert c.encrypt(b"x", b"c") != c.encrypt(b"x", b"c"), "fresh nonce each time"


def test_sm4_gcm_matches_openssl_primitive():
    """Our framing over cryptography's SM4-GCM decrypts with a direct call of the primitive."""
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    key = bytes(16)
    ct = Sm4GcmCipher(key).encrypt(b"hello", context=b"ctx")
    nonce, body, tag = ct[1:13], ct[13:-16], ct[-16:]
    d = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()
    d.authenticate_additional_data(b"ctx")
    assert d.update(body) + d.finalize() == b"hello"


def test_keyed_hash_depends_on_master_key_and_purpose():
    a = HmacSm3Hasher(KeyRing(b"\x01" * 32))
    b = HmacSm3Hasher(KeyRing(b"\x02" * 32))
    assert a.hash("token", "x") == a.hash("token", "x")
    assert a.hash("token", "x") != b.hash("token", "x")
    assert a.hash("token", "x") != a.hash("sms", "x")
    assert len(a.new_sms_code()) == 6 and a.new_sms_code().isdigit()
    assert len(hmac_sm3(b"k", b"d")) == 32


async def test_scrypt_passwords():
    h = ScryptPasswordHasher(n=2**10)
    stored = await h.hash("Passw0rdX")
    assert stored.startswith("scrypt$1024$") and "Passw0rdX" not in stored
    assert await h.verify("Passw0rdX", stored)
    assert not await h.verify("Passw0rdY", stored)
    assert not await h.verify("Passw0rdX", "garbage")


def test_master_key_handling(tmp_path, caplog):
    with pytest.raises(MasterKeyError):
        load_master_key(None, sandbox=False, data_dir=tmp_path)
    with pytest.raises(MasterKeyError):
        parse_master_key("too-short")
    key = load_master_key(None, sandbox=True, data_dir=tmp_path)
    assert "generated a new master key" in caplog.text
    assert load_master_key(None, sandbox=True, data_dir=tmp_path) == key, "kept across restarts"
    assert (tmp_path / "master.key").stat().st_mode & 0o077 == 0, "readable by the owner only"
    assert parse_master_key(base64.b64encode(key).decode()) == key
    assert parse_master_key(key.hex()) == key
