"""Known answers: SM3 (GB/T 32905 examples) and the SM2 signature and encryption examples on the recommended
curve from GM/T 0003.5-2012 / GB/T 32918.5-2017 Annex A (also in OpenSSL's test/sm2_internal_test.c)."""

from __future__ import annotations

from adapters.crypto.sm2 import encoding as enc
from adapters.crypto.sm2 import gmssl_backend

D = bytes.fromhex("3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8")
# x begins with hex digit 0: the key gmssl's own lstrip("04") corrupts.
PUB = bytes.fromhex(
    "04"
    "09F9DF311E5421A150DD7D161E4BC5C672179FAD1833FC076BB08FF356F35020"
    "CCEA490CE26775A52DC6EA718CC1AA600AED05FBF35E084A6632F6072DA9AD13")
K = 0x59276E27D506861A16680F3AD9C02DCCEF3CC1FA3CDBE4CE6D54B80DEAC1BC21
Z = "B2E14C5C79C6DF5B85F4FE7ED8DB7A262B9DA7E07CCB0EA9F4747B8CCDA8A4F3"
E = "F0B43E94BA45ACCAACE692ED534382EB17E6AB5A19CE7B31F4486FDFC0D28640"
R = 0xF5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3
S = 0xB1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA
# "encryption standard" under PUB with the same k, GM/T 0009 DER; C1's x starts with a 0x04 byte.
CIPHERTEXT = bytes.fromhex(
    "307c022004EBFC718E8D1798620432268E77FEB6415E2EDE0E073C0F4F640ECD2E149A73022100E858F9D81E5430A57B"
    "36DAAB8F950A3C64E6EE6A63094D99283AFF767E124DF0042059983C18F809E262923C53AEC295D30383B54E39D609D1"
    "60AFCB1908D0BD8766041321886CA989CA9C7D58087307CA93092D651EFA")


def test_sm3_examples():
    assert enc.sm3(b"abc").hex() == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    assert enc.sm3(b"abcd" * 16).hex() == "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"


def test_public_key_z_and_digest(backend):
    assert backend.public_key(D) == PUB
    assert backend.z_value(PUB).hex().upper() == Z
    assert enc.message_digest(PUB, b"message digest").hex().upper() == E


def test_signature_with_the_example_nonce():
    sig = gmssl_backend._sign_with_nonce(int.from_bytes(D, "big"), bytes.fromhex(E), K)
    assert enc.decode_signature(sig) == (R, S)


def test_example_signature_verifies(backend):
    sig = enc.encode_signature(R, S)
    assert backend.verify(PUB, b"message digest", sig)
    assert backend.verify_digest(PUB, bytes.fromhex(E), sig)
    assert not backend.verify(PUB, b"message digesT", sig)


def test_encryption_with_the_example_nonce():
    ct = gmssl_backend._encrypt_with_nonce(enc.check_public_key(PUB), b"encryption standard", K)
    assert ct == CIPHERTEXT


def test_example_ciphertext_decrypts(backend):
    assert backend.decrypt(D, CIPHERTEXT) == b"encryption standard"
