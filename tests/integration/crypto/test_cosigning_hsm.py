"""The server's half of the two-share key (adapters/crypto/cosigning_hsm.py) against the shared known answers,
an independent implementation of the phone written from SPEC §C with plain integers (tests/support/
independent_phone.py), and OpenSSL as the outside verifier of the finished signatures."""

from __future__ import annotations

import secrets
import subprocess
from uuid import uuid4

import pytest
from asn1crypto import keys as akeys

from adapters.crypto.cosigning_hsm import SoftwareCoSigningHsm
from adapters.crypto.sm2 import default_backend
from adapters.security.keys import KeyRing
from application.signing.ports import ShareUnsealError
from domain.signing.cosignature import der_signature
from domain.signing.signing_key import InvalidKeyShare
from tests.support import independent_phone as phone
from tests.unit.phone.vectors import IDS, VECTORS, raw, scalar

N = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123


@pytest.fixture
def hsm() -> SoftwareCoSigningHsm:
    return SoftwareCoSigningHsm(KeyRing(b"\x42" * 32), default_backend())


def sealed(hsm: SoftwareCoSigningHsm, kind: bytes, value: int, account, public_key: bytes) -> bytes:
    """Seals a known share or nonce the way the module does (white box: the vectors fix d_server and w1)."""
    cipher = hsm._shares if kind == b"server-share" else hsm._nonces
    return cipher.encrypt(value.to_bytes(32, "big"), hsm._context(kind, account, public_key))


@pytest.mark.parametrize("v", VECTORS, ids=IDS)
def test_the_finish_reproduces_the_known_answer_and_verifies(hsm, v):
    account, public_key = uuid4(), raw(v, "public_key")
    s = hsm.finish(account, public_key, sealed(hsm, b"server-share", scalar(v, "d_server"), account, public_key),
                   sealed(hsm, b"nonce", scalar(v, "w1"), account, public_key), scalar(v, "r"), scalar(v, "s1"))
    assert s == scalar(v, "s")
    assert der_signature(scalar(v, "r"), s) == raw(v, "signature_der")
    assert default_backend().verify(public_key, raw(v, "message_hex"), raw(v, "signature_der"))


def test_enrolment_gives_the_joint_key_the_independent_phone_computes(hsm):
    account = uuid4()
    d_device = secrets.randbelow(N - 2) + 1
    enrolled = hsm.enrol(account, phone.public_share(d_device))
    assert enrolled.public_key == phone.joint_public_key(d_device, enrolled.server_public_share)


def test_a_co_signature_from_the_independent_phone_finishes_into_an_ordinary_sm2_signature(hsm, tmp_path):
    account = uuid4()
    d_device = secrets.randbelow(N - 2) + 1
    enrolled = hsm.enrol(account, phone.public_share(d_device))
    message = "登录 GGZYJY11001 tId=T-1".encode()
    commitment = hsm.commit(account, enrolled.public_key)
    r, s1 = phone.co_sign(d_device, enrolled.public_key, message, commitment.point, secrets.randbelow(N - 1) + 1)
    s = hsm.finish(account, enrolled.public_key, enrolled.sealed_share, commitment.sealed_nonce, r, s1)
    assert phone.verify(enrolled.public_key, message, r, s)
    signature = der_signature(r, s)
    assert default_backend().verify(enrolled.public_key, message, signature)
    # OpenSSL, knowing nothing of shares, accepts it as a signature of the joint key.
    spki = akeys.PublicKeyInfo({"algorithm": {"algorithm": "ec", "parameters": ("named", "1.2.156.10197.1.301")},
                                "public_key": enrolled.public_key})
    (tmp_path / "pub.der").write_bytes(spki.dump())
    (tmp_path / "msg").write_bytes(message)
    (tmp_path / "sig").write_bytes(signature)
    ok = subprocess.run(["openssl", "pkeyutl", "-verify", "-pubin", "-keyform", "DER", "-inkey", "pub.der",
                         "-rawin", "-digest", "sm3", "-pkeyopt", "distid:1234567812345678", "-in", "msg",
                         "-sigfile", "sig"], cwd=tmp_path, capture_output=True, timeout=60)
    assert ok.returncode == 0, ok.stderr
    (tmp_path / "msg").write_bytes(message + b"!")
    bad = subprocess.run(["openssl", "pkeyutl", "-verify", "-pubin", "-keyform", "DER", "-inkey", "pub.der",
                          "-rawin", "-digest", "sm3", "-pkeyopt", "distid:1234567812345678", "-in", "msg",
                          "-sigfile", "sig"], cwd=tmp_path, capture_output=True, timeout=60)
    assert bad.returncode != 0


def test_a_wrong_device_share_gives_a_signature_that_does_not_verify(hsm):
    account = uuid4()
    d_device = secrets.randbelow(N - 2) + 1
    enrolled = hsm.enrol(account, phone.public_share(d_device))
    commitment = hsm.commit(account, enrolled.public_key)
    wrong = (d_device + 1) % N  # what a wrong PIN decrypts to: some other scalar
    r, s1 = phone.co_sign(wrong, enrolled.public_key, b"m", commitment.point, 12345)
    s = hsm.finish(account, enrolled.public_key, enrolled.sealed_share, commitment.sealed_nonce, r, s1)
    assert not phone.verify(enrolled.public_key, b"m", r, s)


def test_the_server_share_alone_signs_nothing_the_phone_did_not_co_sign(hsm):
    """Whatever (r, s1) a forger without d_device makes up, the finish does not verify for a chosen message."""
    account = uuid4()
    enrolled = hsm.enrol(account, phone.public_share(secrets.randbelow(N - 2) + 1))
    for _ in range(5):
        commitment = hsm.commit(account, enrolled.public_key)
        r, s1 = secrets.randbelow(N - 1) + 1, secrets.randbelow(N - 1) + 1
        s = hsm.finish(account, enrolled.public_key, enrolled.sealed_share, commitment.sealed_nonce, r, s1)
        assert not phone.verify(enrolled.public_key, b"pay 1,000,000", r, s)


def test_sealed_shares_and_nonces_are_bound_to_the_account_and_key(hsm):
    account = uuid4()
    enrolled = hsm.enrol(account, phone.public_share(7))
    commitment = hsm.commit(account, enrolled.public_key)
    with pytest.raises(ShareUnsealError):
        hsm.finish(uuid4(), enrolled.public_key, enrolled.sealed_share, commitment.sealed_nonce, 1, 1)
    other = hsm.enrol(account, phone.public_share(11))
    with pytest.raises(ShareUnsealError):
        hsm.finish(account, other.public_key, enrolled.sealed_share, commitment.sealed_nonce, 1, 1)
    assert len({hsm.commit(account, enrolled.public_key).point for _ in range(3)}) == 3  # fresh w1 each time


@pytest.mark.parametrize("share", [
    b"", b"\x04" + b"\x00" * 64, b"\x04" + b"\x01" * 64, b"\x02" + bytes(64),
    phone.public_share(5)[:64] + b"\x00",
], ids=["empty", "zeros", "off-curve", "wrong-prefix", "tampered"])
def test_a_device_share_not_on_the_curve_is_refused(hsm, share):
    with pytest.raises(InvalidKeyShare):
        hsm.enrol(uuid4(), share)
