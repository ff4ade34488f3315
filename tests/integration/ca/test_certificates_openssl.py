"""Issued certificates as the OpenSSL 3 CLI sees them: `openssl x509 -text` parses them and `openssl verify`
accepts them with the GM/T 0009 signer ID.

OpenSSL 3.0 hashes an empty SM2 ID unless told otherwise, and `-vfyopt distid:` reaches only the
certificate being verified, not the intermediates it loads. So the chain is proven one link per call:
root → issuing (`-CAfile root.pem issuing.pem`), then issuing → leaf (`-partial_chain -CAfile issuing.pem`).
"""

from __future__ import annotations

from asn1crypto import x509 as ax509
from sqlalchemy import event

from adapters.ca import x509 as sx
from adapters.crypto.sm2 import default_backend
from tests.integration.ca.conftest import SIGNER_ID

VFY = ("-vfyopt", f"distid:{SIGNER_ID}")


async def write_chain(ca, openssl, pair) -> None:
    openssl.write("root.pem", await ca.certificate_pem("root"))
    openssl.write("issuing.pem", await ca.certificate_pem("issuing"))
    openssl.write("sign.pem", sx.to_pem(sx.load_certificate(pair.signing.der)))
    openssl.write("enc.pem", sx.to_pem(sx.load_certificate(pair.encryption.der)))


async def test_openssl_parses_the_dual_pair_and_its_profiles(ca, new_account, issue_pair, openssl):
    pair = await issue_pair(await new_account())
    await write_chain(ca, openssl, pair)

    sign = openssl.out("x509", "-in", "sign.pem", "-noout", "-text", "-nameopt", "utf8,sep_comma_plus_space")
    assert sign.count("Signature Algorithm: SM2-with-SM3") == 2
    assert "Public Key Algorithm: id-ecPublicKey" in sign and "ASN1 OID: SM2" in sign
    assert "Subject: C=CN, CN=张三, serialNumber=3101XXXXXXXXXX1234" in sign
    assert "X509v3 Key Usage: critical\n                Digital Signature, Non Repudiation" in sign
    assert "TLS Web Client Authentication, E-mail Protection" in sign
    assert "URI:http://127.0.0.1:8000/ca/crl/issuing.crl" in sign
    assert "OCSP - URI:http://127.0.0.1:8000/ca/ocsp" in sign
    assert "CA Issuers - URI:http://127.0.0.1:8000/ca/certs/issuing.cer" in sign
    serial = openssl.out("x509", "-in", "sign.pem", "-noout", "-serial").strip().split("=")[1]
    assert int(serial, 16) == int(pair.signing.serial, 16) and 64 <= int(serial, 16).bit_length() <= 128

    enc = openssl.out("x509", "-in", "enc.pem", "-noout", "-text")
    assert "X509v3 Key Usage: critical\n                Key Encipherment, Data Encipherment, Key Agreement" in enc
    assert "Extended Key Usage" not in enc

    issuing = openssl.out("x509", "-in", "issuing.pem", "-noout", "-text")
    assert "CA:TRUE, pathlen:0" in issuing and "Certificate Sign, CRL Sign" in issuing


async def test_openssl_verify_accepts_the_chain_with_the_signer_id(ca, new_account, issue_pair, openssl):
    pair = await issue_pair(await new_account())
    await write_chain(ca, openssl, pair)
    assert openssl.out("verify", *VFY, "-CAfile", "root.pem", "issuing.pem").strip() == "issuing.pem: OK"
    out = openssl.out("verify", *VFY, "-partial_chain", "-CAfile", "issuing.pem", "sign.pem", "enc.pem")
    assert out.split() == ["sign.pem:", "OK", "enc.pem:", "OK"]
    # Without the ID, OpenSSL 3.0 hashes an empty one and must refuse: the signature really covers the ID.
    assert openssl.run("verify", "-partial_chain", "-CAfile", "issuing.pem", "sign.pem", check=False).returncode != 0


async def test_openssl_refuses_a_foreign_issuer_and_a_flipped_byte(ca, new_account, issue_pair, openssl, clock):
    from datetime import timedelta

    from adapters.ca import profiles as p

    pair = await issue_pair(await new_account())
    await write_chain(ca, openssl, pair)
    backend = default_backend()
    now = clock.now()
    # A look-alike hierarchy with the same names but other keys.
    issuing_real = sx.load_certificate(await ca.certificate_pem("issuing"))
    fake_root_key, fake_issuing_key = backend.generate_private_key(), backend.generate_private_key()
    fake_root = sx.make_root(fake_root_key, sx.load_certificate(await ca.certificate_pem("root")).subject,
                             now, now + timedelta(days=3650))
    fake_issuing = sx.issue_certificate(fake_root, fake_root_key, issuing_real.subject,
                                        backend.public_key(fake_issuing_key), p.ISSUING_CA, now,
                                        now + timedelta(days=3000))
    openssl.write("fake_issuing.pem", sx.to_pem(fake_issuing))
    proc = openssl.run("verify", *VFY, "-partial_chain", "-CAfile", "fake_issuing.pem", "sign.pem", check=False)
    assert proc.returncode != 0

    der = bytearray(pair.signing.der)
    der[-10] ^= 0x01  # inside the signature value
    openssl.write("flipped.pem", sx.to_pem(ax509.Certificate.load(bytes(der))))
    proc = openssl.run("verify", *VFY, "-partial_chain", "-CAfile", "issuing.pem", "flipped.pem", check=False)
    assert proc.returncode != 0


async def test_the_stored_tbs_is_written_before_signing_and_is_what_was_signed(container, ca, new_account,
                                                                             issue_pair, monkeypatch):
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement.split("(")[0].strip().upper())

    engine = container.engine().sync_engine
    event.listen(engine, "before_cursor_execute", record)
    inserts_at_sign: list[int] = []
    real_sign = ca.sign

    async def spy(certificate):
        inserts_at_sign.append(sum(s.startswith("INSERT INTO CERTIFICATES") for s in statements))
        await real_sign(certificate)

    monkeypatch.setattr(ca, "sign", spy)
    try:
        pair = await issue_pair(await new_account())
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert inserts_at_sign == [2, 2], "both TBS rows were written before the first signature"
    for cert in (pair.signing, pair.encryption):
        signed = ax509.Certificate.load(cert.der)
        assert signed["tbs_certificate"].dump() == cert.tbs
        assert sx.verify_certificate(signed, sx.load_certificate(await ca.certificate_pem("issuing")))
    async with container.uow() as uow:
        stored = await uow.certificates.get(pair.signing.id)
        assert stored.tbs == pair.signing.tbs and stored.der == pair.signing.der


async def test_ca_certificates_are_served_as_pem_and_der(client):
    pem = (await client.get("/ca/certs/root.pem"))
    assert pem.status_code == 200 and pem.text.startswith("-----BEGIN CERTIFICATE-----")
    der = await client.get("/ca/certs/issuing.cer")
    assert der.headers["content-type"] == "application/pkix-cert"
    issuing = ax509.Certificate.load(der.content)
    assert sx.verify_certificate(issuing, sx.load_certificate(pem.text))
    assert (await client.get("/ca/certs/ocsp.pem")).status_code == 404
    assert (await client.get("/ca/certs/root.key")).status_code == 404
