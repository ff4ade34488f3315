"""The GM/T 0092 export of a dual pair: signing certificate, SM2EnvelopedKey (GM/T 0009 §7.4) carrying the
escrowed encryption private key to the signing key, encryption certificate. OpenSSL opens the envelope
on its own (SM2 decryption of the SM4 key, then SM4-ECB), which proves the encodings, not just a round trip."""

from __future__ import annotations

import pytest
from asn1crypto import x509 as ax509

from adapters.ca import envelope
from adapters.crypto.sm2 import private_key_to_pem


async def test_the_dual_package_carries_the_encryption_key_to_the_signing_key_holder(container, new_account,
                                                                                  issue_pair, openssl):
    account = await new_account()
    vault, sm2, ca = container.key_vault(), container.sm2_backend(), container.certificate_authority()
    # The signing key stands in for the holder's (two shares in production, never here): the envelope is
    # addressed to its public key, which is all the CA knows of it.
    sign_private = sm2.generate_private_key()
    pair = await issue_pair(account, signing_private_key=sign_private)
    async with container.uow() as uow:
        assert await uow.wrapped_keys.get(pair.signing.id) is None  # we hold no part of it in the vault
        escrow_blob = (await uow.wrapped_keys.get(pair.encryption.id)).blob
    enc_private = vault.open_escrowed_key(escrow_blob, account, pair.encryption.public_key)

    package = await ca.dual_package(pair.signing, pair.encryption, enc_private)
    sign_cert, env, enc_cert = envelope.read_dual_package(package)
    assert sign_cert.dump() == pair.signing.der and enc_cert.dump() == pair.encryption.der
    assert env["sym_alg_id"]["algorithm"].dotted == "1.2.156.10197.1.104.1"
    assert env["sm2_public_key"].native == pair.encryption.public_key
    assert enc_private not in package

    # The holder opens it with the signing key.
    assert envelope.open_envelope(sm2, sign_private, env) == enc_private

    # So does OpenSSL: pkeyutl decrypts the GM/T 0009 SM2Cipher, enc -sm4-ecb the private key.
    openssl.write("sign.key", private_key_to_pem(sign_private))
    openssl.write("sym.der", env["sym_encrypted_key"].dump())
    sym_key = openssl.run("pkeyutl", "-decrypt", "-inkey", "sign.key", "-in", "sym.der").stdout
    assert len(sym_key) == 16
    openssl.write("key.enc", env["sm2_encrypted_private_key"].native)
    plain = openssl.run("enc", "-d", "-sm4-ecb", "-nopad", "-K", sym_key.hex(), "-in", "key.enc").stdout
    assert plain == enc_private
    assert sm2.public_key(plain) == ax509.Certificate.load(pair.encryption.der).public_key["public_key"].native


async def test_an_envelope_opens_for_its_recipient_only(container):
    sm2 = container.sm2_backend()
    recipient, other, enclosed = (sm2.generate_private_key() for _ in range(3))
    env = envelope.envelope_private_key(sm2, sm2.public_key(recipient), enclosed, sm2.public_key(enclosed))
    assert envelope.open_envelope(sm2, recipient, env.dump()) == enclosed
    with pytest.raises(Exception):  # noqa: B017 - Sm2DecryptionError from the backend
        envelope.open_envelope(sm2, other, env)
    tampered = envelope.Sm2EnvelopedKey.load(env.dump())
    tampered["sm2_public_key"] = sm2.public_key(other)
    with pytest.raises(envelope.EnvelopeError):
        envelope.open_envelope(sm2, recipient, tampered)
    with pytest.raises(envelope.EnvelopeError):  # the key given is not the encryption certificate's
        envelope.dual_package(sm2, ax509.Certificate.load(_dummy_cert(sm2)), ax509.Certificate.load(_dummy_cert(sm2)),
                              other)


def _dummy_cert(sm2) -> bytes:
    from datetime import UTC, datetime, timedelta

    from adapters.ca import x509 as sx

    key = sm2.generate_private_key()
    now = datetime.now(UTC)
    return sx.make_root(key, {"country_name": "CN", "organization_name": "o", "common_name": "c"}, now,
                        now + timedelta(days=1), backend=sm2).dump()
