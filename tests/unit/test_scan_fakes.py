"""The scan-service fakes agree with the real adapters where the use cases can tell: the GM/T 0009 ciphertext
check and the signed attributes of DocumentSignatures (the fake's SignedData is a marker, the real one is checked
in tests/contract and tests/integration/ca)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from adapters.ca.cms import Sm2DocumentSignatures
from adapters.crypto.sm2 import default_backend
from tests.fakes import FakeDocumentSignatures

sm2 = default_backend()
_REAL = sm2.encrypt(sm2.public_key(sm2.generate_private_key()), b"k" * 16)


@pytest.mark.parametrize(("name", "der"), [
    ("a real ciphertext", _REAL),
    ("truncated", _REAL[:-1]),
    ("trailing bytes", _REAL + b"\x00"),
    ("not DER", b"not der"),
    ("empty", b""),
    ("a SEQUENCE of the wrong things", bytes.fromhex("3006020101020102")),
    ("a 31-byte hash", bytes.fromhex("302a020101020101041f") + b"\x00" * 31 + bytes.fromhex("040100")),
    ("a 32-byte hash", bytes.fromhex("302b0201010201010420") + b"\x00" * 32 + bytes.fromhex("040100")),
])
def test_the_fake_ciphertext_check_agrees_with_the_real_one(name, der):
    assert FakeDocumentSignatures(sm2).is_sm2_ciphertext(der) == Sm2DocumentSignatures(sm2).is_sm2_ciphertext(der)


def test_the_fake_signed_data_carries_the_real_attributes_and_a_real_signature_over_them():
    key = sm2.generate_private_key()
    pub = sm2.public_key(key)
    digest = bytes(range(32))
    now = datetime.now(UTC)
    fake, real = FakeDocumentSignatures(sm2), Sm2DocumentSignatures(sm2)
    attributes = fake.signed_attributes(digest, now)
    assert attributes == real.signed_attributes(digest, now)  # what the phone parses is the real DER
    marker = fake.detached_signed_data(certificate_der=b"fake-der:1", private_key=key, public_key=pub,
                                       digest=digest, signing_time=now)
    inside, signature = FakeDocumentSignatures.opened(marker)
    assert inside == attributes and sm2.verify(pub, attributes, signature)
    assert FakeDocumentSignatures.opened(fake.signed_data(b"fake-der:1", attributes, b"sig")) == (attributes, b"sig")
