"""Revocation, published two ways: the CRL at GET /ca/crl/{ca}.crl and OCSP at /ca/ocsp, both read by the
OpenSSL 3 CLI. Signatures are checked with `openssl pkeyutl -vfyopt`-style distid, since OpenSSL 3.0's
`crl -verify` and `ocsp` verification hash an empty SM2 ID and cannot be told otherwise."""

from __future__ import annotations

import base64
import urllib.parse

import pytest
from asn1crypto import crl as acrl
from asn1crypto import ocsp as aocsp

from adapters.ca import x509 as sx
from application.certificates.revoke_certificate import RevokeCertificateCommand
from domain.certificates.certificate import CertificateStatus
from domain.errors import NotFound
from tests.integration.ca.conftest import SIGNER_ID, principal


def verify_with_openssl(openssl, signer_pem: str, tbs: bytes, signature: bytes) -> None:
    openssl.write("signer.pem", signer_pem)
    pub = openssl.out("x509", "-in", "signer.pem", "-noout", "-pubkey")
    openssl.write("signer.pub", pub)
    openssl.write("tbs.der", tbs)
    openssl.write("sig.der", signature)
    out = openssl.out("pkeyutl", "-verify", "-pubin", "-inkey", "signer.pub", "-rawin", "-digest", "sm3",
                      "-pkeyopt", f"distid:{SIGNER_ID}", "-in", "tbs.der", "-sigfile", "sig.der")
    assert "Signature Verified Successfully" in out


async def revoke(container, account_id, cert, reason="key_compromise", with_pair=False):
    return await container.revoke_certificate()(RevokeCertificateCommand(principal(account_id), cert.id, reason,
                                                                         with_pair=with_pair))


async def test_the_crl_lists_revoked_certificates_with_reasons(container, client, new_account, issue_pair,
                                                               openssl):
    account = await new_account()
    pair, other = await issue_pair(account), await issue_pair(account)
    first = await client.get("/ca/crl/issuing.crl")
    assert first.status_code == 200 and first.headers["content-type"] == "application/pkix-crl"
    openssl.write("empty.crl", first.content)
    assert "No Revoked Certificates." in openssl.out("crl", "-inform", "DER", "-in", "empty.crl", "-noout", "-text")

    await revoke(container, account, pair.signing, "key_compromise")
    await revoke(container, account, other.encryption, "superseded")
    res = await client.get("/ca/crl/issuing.crl")
    openssl.write("issuing.crl", res.content)
    text = openssl.out("crl", "-inform", "DER", "-in", "issuing.crl", "-noout", "-text")
    assert "Signature Algorithm: SM2-with-SM3" in text
    assert "Next Update:" in text
    for cert, reason in ((pair.signing, "Key Compromise"), (other.encryption, "Superseded")):
        block = text.split(f"Serial Number: {cert.serial.upper().zfill(len(cert.serial) + len(cert.serial) % 2)}")
        assert len(block) == 2, f"{cert.serial} is listed once"
        assert reason in block[1].split("Serial Number")[0]
    assert pair.encryption.serial.upper() not in text and other.signing.serial.upper() not in text

    parsed = acrl.CertificateList.load(res.content)
    assert parsed.crl_number_value.native == 2, "a new revocation makes a new CRL with the next number"
    issuing_pem = await container.certificate_authority().certificate_pem("issuing")
    verify_with_openssl(openssl, issuing_pem, parsed["tbs_cert_list"].dump(), parsed["signature"].native)
    # Nothing changed: the same CRL is served again, not re-signed.
    assert (await client.get("/ca/crl/issuing.crl")).content == res.content


async def test_the_root_crl_is_signed_by_the_root(container, client, openssl):
    res = await client.get("/ca/crl/root.crl")
    parsed = acrl.CertificateList.load(res.content)
    root_pem = await container.certificate_authority().certificate_pem("root")
    assert parsed.issuer == sx.load_certificate(root_pem).subject
    verify_with_openssl(openssl, root_pem, parsed["tbs_cert_list"].dump(), parsed["signature"].native)
    assert (await client.get("/ca/crl/ocsp.crl")).status_code == 404


async def test_a_holder_revokes_the_pair_and_nobody_else_can(container, new_account, issue_pair):
    holder, stranger = await new_account(), await new_account()
    pair = await issue_pair(holder)
    with pytest.raises(NotFound):
        await revoke(container, stranger, pair.signing)
    revoked = await revoke(container, holder, pair.signing, "cessation_of_operation", with_pair=True)
    assert {c.id for c in revoked} == {pair.signing.id, pair.encryption.id}
    async with container.uow() as uow:
        for c in (pair.signing, pair.encryption):
            stored = await uow.certificates.get(c.id)
            assert stored.status is CertificateStatus.REVOKED and stored.revocation_reason.value == 5


async def _ocsp(client, openssl, *certs: str, issuer: str = "issuing.pem", get: bool = False) -> str:
    args = ["ocsp", "-issuer", issuer]
    for cert in certs:
        args += ["-cert", cert]
    openssl.run(*args, "-reqout", "req.der")
    req = openssl.read("req.der")
    if get:
        res = await client.get("/ca/ocsp/" + urllib.parse.quote(base64.b64encode(req).decode(), safe=""))
    else:
        res = await client.post("/ca/ocsp", content=req, headers={"Content-Type": "application/ocsp-request"})
    assert res.status_code == 200 and res.headers["content-type"] == "application/ocsp-response"
    openssl.write("resp.der", res.content)
    # With -reqin (and no -cert, which would make a fresh request) openssl checks the nonce echo; the
    # signature and the responder chain are checked below with the signer ID, which `ocsp` cannot pass.
    check = openssl.run("ocsp", "-reqin", "req.der", "-respin", "resp.der", "-no_signature_verify",
                        "-no_cert_verify", "-CAfile", "root.pem")
    assert "Response verify OK" in check.stderr.decode() + check.stdout.decode()
    return openssl.out("ocsp", "-respin", "resp.der", "-resp_text", "-noverify")


async def test_ocsp_answers_good_revoked_and_unknown_signed_by_the_responder(container, client, new_account,
                                                                            issue_pair, openssl):
    account = await new_account()
    pair = await issue_pair(account)
    ca = container.certificate_authority()
    openssl.write("issuing.pem", await ca.certificate_pem("issuing"))
    openssl.write("root.pem", await ca.certificate_pem("root"))
    openssl.write("sign.pem", sx.to_pem(sx.load_certificate(pair.signing.der)))
    openssl.write("enc.pem", sx.to_pem(sx.load_certificate(pair.encryption.der)))

    out = await _ocsp(client, openssl, "sign.pem", "enc.pem")
    assert "OCSP Response Status: successful (0x0)" in out
    openssl.run("ocsp", "-issuer", "issuing.pem", "-cert", "sign.pem", "-reqout", "other_req.der")
    foreign = openssl.run("ocsp", "-reqin", "other_req.der", "-respin", "resp.der", "-no_signature_verify",
                          "-no_cert_verify", "-CAfile", "root.pem", check=False)
    assert foreign.returncode != 0 and b"Nonce Verify error" in foreign.stderr
    assert "Signature Algorithm: SM2-with-SM3" in out
    assert out.count("Cert Status: good") == 2
    assert "OCSP Nonce" in out

    await revoke(container, account, pair.signing, "key_compromise")
    out = await _ocsp(client, openssl, "sign.pem", "enc.pem", get=True)
    assert "Cert Status: revoked" in out and "Revocation Reason: keyCompromise (0x1)" in out
    assert "Cert Status: good" in out

    # A certificate we never issued (same issuer name and key, unknown serial) and one from another issuer.
    forged = sx.load_certificate(pair.encryption.der)
    tbs = forged["tbs_certificate"].copy()
    tbs["serial_number"] = sx.new_serial()
    from asn1crypto import x509 as ax509

    openssl.write("unknown.pem", sx.to_pem(ax509.Certificate({"tbs_certificate": tbs, "signature_algorithm":
                                                              forged["signature_algorithm"],
                                                              "signature_value": forged["signature_value"]})))
    out = await _ocsp(client, openssl, "unknown.pem")
    assert "Cert Status: unknown" in out
    out = await _ocsp(client, openssl, "issuing.pem", issuer="root.pem")  # the root's own issue: not ours to say
    assert "Cert Status: unknown" in out

    basic = aocsp.OCSPResponse.load(openssl.read("resp.der"))["response_bytes"]["response"].parsed
    responder_pem = sx.to_pem(basic["certs"][0])
    openssl.write("responder.pem", responder_pem)
    assert "OCSP Signing" in openssl.out("x509", "-in", "responder.pem", "-noout", "-text")
    openssl.run("verify", "-vfyopt", f"distid:{SIGNER_ID}", "-partial_chain", "-CAfile", "issuing.pem",
                "responder.pem")
    verify_with_openssl(openssl, responder_pem, basic["tbs_response_data"].dump(), basic["signature"].native)


async def test_ocsp_refuses_garbage_as_a_malformed_request(client, openssl):
    for body in (b"", b"\x30\x03\x02\x01\x01", b"not der at all" * 10):
        res = await client.post("/ca/ocsp", content=body)
        assert aocsp.OCSPResponse.load(res.content)["response_status"].native == "malformed_request"
    res = await client.get("/ca/ocsp/%%%not-base64")
    assert aocsp.OCSPResponse.load(res.content)["response_status"].native == "malformed_request"
    res = await client.post("/ca/ocsp", content=b"\x30" + b"\x00" * 20000)
    assert aocsp.OCSPResponse.load(res.content)["response_status"].native == "malformed_request"
