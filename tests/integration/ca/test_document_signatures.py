"""The CMS of the scan services (adapters/ca/cms.py) with a certificate of our CA: the signed attributes the phone
co-signs, wrapped afterwards with the signature into a detached SignedData that verifies — the SignerInfo carries
exactly the co-signed bytes, and OpenSSL 3 verifies the signature over them against the certificate's key with the
GM/T 0009 signer ID. The one-step form (an org key the server holds) comes out the same."""

from __future__ import annotations

import hashlib
import shutil
from datetime import UTC, datetime

import pytest
from asn1crypto import cms

from adapters.ca import x509 as sx
from adapters.ca.cms import Sm2DocumentSignatures, signed_attributes_der
from adapters.ca.x509 import public_key_of
from sxq_phone.messages import signed_attributes_digest
from tests.integration.ca.conftest import SIGNER_ID

DIGEST = hashlib.new("sm3", "投标文件.pdf".encode()).digest()
AT = datetime(2026, 3, 1, 8, 30, tzinfo=UTC)


def _opened(der: bytes):
    info = cms.ContentInfo.load(der)
    assert info["content_type"].native == "signed_data"
    signed = info["content"]
    return signed, signed["signer_infos"][0]


async def test_a_co_signed_attribute_set_becomes_a_signed_data_that_verifies(container, new_account, issue_pair,
                                                                             openssl):
    sm2 = container.sm2_backend()
    key = sm2.generate_private_key()  # stands in for the person's two shares: cms.py sees only the signature
    pair = await issue_pair(await new_account(), signing_private_key=key)
    documents = Sm2DocumentSignatures(sm2)

    attributes = documents.signed_attributes(DIGEST, AT)
    assert attributes[0] == 0x31 and signed_attributes_digest(attributes) == DIGEST  # what the phone accepts
    signature = sm2.sign(key, attributes, public_key=pair.signing.public_key)  # the finished co-signature
    der = documents.signed_data(pair.signing.der, attributes, signature)

    signed, signer = _opened(der)
    assert signed_attributes_der(der) == attributes  # the SignerInfo carries the co-signed bytes, re-tagged only
    found = {a["type"].native: a["values"][0].native for a in signer["signed_attrs"]}
    assert found == {"content_type": "data", "signing_time": AT, "message_digest": DIGEST}
    assert signer["digest_algorithm"]["algorithm"].dotted == "1.2.156.10197.1.401"
    assert signer["signature_algorithm"]["algorithm"].dotted == "1.2.156.10197.1.501"
    assert signer["signature"].native == signature
    assert signed["encap_content_info"]["content"].native is None
    cert = signed["certificates"][0].chosen
    assert cert.dump() == pair.signing.der
    sid = signer["sid"].chosen
    assert (sid["issuer"], sid["serial_number"].native) == (cert.issuer, cert.serial_number)
    assert sm2.verify(public_key_of(cert), signed_attributes_der(der), signer["signature"].native)

    if shutil.which("openssl") is None:
        pytest.skip("no openssl")
    openssl.write("sign.pem", sx.to_pem(sx.load_certificate(pair.signing.der)))
    openssl.run("x509", "-in", "sign.pem", "-pubkey", "-noout", "-out", "pub.pem")
    openssl.write("tbs.der", signed_attributes_der(der))
    openssl.write("sig.der", signer["signature"].native)
    out = openssl.out("pkeyutl", "-verify", "-pubin", "-inkey", "pub.pem", "-rawin", "-digest", "sm3",
                      "-pkeyopt", f"distid:{SIGNER_ID}", "-in", "tbs.der", "-sigfile", "sig.der")
    assert "Signature Verified Successfully" in out
    # Other attributes (a later signing time) do not verify under that signature.
    openssl.write("other.der", documents.signed_attributes(DIGEST, AT.replace(minute=31)))
    assert openssl.run("pkeyutl", "-verify", "-pubin", "-inkey", "pub.pem", "-rawin", "-digest", "sm3",
                       "-pkeyopt", f"distid:{SIGNER_ID}", "-in", "other.der", "-sigfile", "sig.der",
                       check=False).returncode != 0


async def test_the_one_step_form_for_a_key_the_server_holds(container, new_account, issue_pair):
    sm2 = container.sm2_backend()
    key = sm2.generate_private_key()
    pair = await issue_pair(await new_account(), signing_private_key=key)
    documents = Sm2DocumentSignatures(sm2)
    der = documents.detached_signed_data(certificate_der=pair.signing.der, private_key=key,
                                         public_key=pair.signing.public_key, digest=DIGEST, signing_time=AT)
    _signed, signer = _opened(der)
    assert signed_attributes_der(der) == documents.signed_attributes(DIGEST, AT)
    assert sm2.verify(pair.signing.public_key, signed_attributes_der(der), signer["signature"].native)


def test_the_attributes_refuse_anything_but_an_sm3_digest(container):
    with pytest.raises(ValueError):
        Sm2DocumentSignatures(container.sm2_backend()).signed_attributes(b"\x00" * 31, AT)
