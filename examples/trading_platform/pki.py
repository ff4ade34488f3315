"""Trust in what 数信签 sends: certificate chains to its root, OCSP status, callback signatures, and the
LOGIN / SIGN results. Everything here checks; nothing trusts a field because it arrived."""

from __future__ import annotations

import base64
import hashlib
import os
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx
from asn1crypto import cms, ocsp, x509

from . import gm

ID_KP_OCSP_SIGNING = "ocsp_signing"


class VerificationError(Exception):
    pass


def load_pem_certificate(pem_text: str) -> x509.Certificate:
    return x509.Certificate.load(gm.unpem(pem_text))


def _signed_by(cert: x509.Certificate, issuer: x509.Certificate) -> bool:
    """SM2-with-SM3 signature of the TBS part under the issuer's key (signer ID 1234567812345678)."""
    if cert["signature_algorithm"]["algorithm"].dotted != "1.2.156.10197.1.501":
        return False
    return (cert.issuer.dump() == issuer.subject.dump()
            and gm.verify(gm.certificate_public_key(issuer), cert["tbs_certificate"].dump(),
                          cert["signature_value"].native))


def _valid_now(cert: x509.Certificate, now: datetime) -> bool:
    validity = cert["tbs_certificate"]["validity"]
    return validity["not_before"].native <= now <= validity["not_after"].native


@dataclass
class TrustStore:
    """Our root (fetched once and pinned by its SM3 fingerprint in production) and the issuing CA under it."""

    root: x509.Certificate
    issuing: x509.Certificate
    base_url: str

    @classmethod
    async def fetch(cls, http: httpx.AsyncClient, base_url: str, *, root_sm3_hex: str | None = None) -> TrustStore:
        root_pem = (await http.get(f"{base_url}/ca/certs/root.pem")).raise_for_status().text
        issuing_pem = (await http.get(f"{base_url}/ca/certs/issuing.pem")).raise_for_status().text
        root, issuing = load_pem_certificate(root_pem), load_pem_certificate(issuing_pem)
        if root_sm3_hex and gm.sm3_hex(root.dump()) != root_sm3_hex.lower():
            raise VerificationError("the root certificate is not the pinned one")
        if not _signed_by(root, root) or not _signed_by(issuing, root):
            raise VerificationError("the CA certificates do not chain")
        if not issuing.ca or not root.ca:
            raise VerificationError("a CA certificate lacks basicConstraints cA")
        return cls(root, issuing, base_url)

    def check_chain(self, cert: x509.Certificate, now: datetime | None = None) -> None:
        now = now or datetime.now(UTC)
        if not _signed_by(cert, self.issuing):
            raise VerificationError("the certificate is not issued by 数信签's issuing CA")
        for c in (cert, self.issuing, self.root):
            if not _valid_now(c, now):
                raise VerificationError(f"certificate {c.subject.human_friendly} is outside its validity")

    async def ocsp_status(self, http: httpx.AsyncClient, cert: x509.Certificate) -> str:
        """good | revoked | unknown, from POST /ca/ocsp, with the responder's signature and our nonce checked."""
        nonce = os.urandom(16)
        cert_id = ocsp.CertId({
            "hash_algorithm": {"algorithm": "sha1"},
            "issuer_name_hash": hashlib.sha1(self.issuing.subject.dump()).digest(),
            "issuer_key_hash": hashlib.sha1(gm.certificate_public_key(self.issuing)).digest(),
            "serial_number": cert.serial_number,
        })
        request = ocsp.OCSPRequest({"tbs_request": {
            "request_list": [{"req_cert": cert_id}],
            "request_extensions": [{"extn_id": "nonce", "critical": False, "extn_value": nonce}],
        }})
        resp = await http.post(f"{self.base_url}/ca/ocsp", content=request.dump(),
                               headers={"Content-Type": "application/ocsp-request"})
        resp.raise_for_status()
        answer = ocsp.OCSPResponse.load(resp.content)
        if answer["response_status"].native != "successful":
            raise VerificationError(f"OCSP: {answer['response_status'].native}")
        basic = answer["response_bytes"]["response"].parsed
        data = basic["tbs_response_data"]
        responder = next(iter(basic["certs"]), None)
        if responder is None or not _signed_by(responder, self.issuing):
            raise VerificationError("OCSP responder certificate not issued by the issuing CA")
        eku = responder.extended_key_usage_value
        if eku is None or ID_KP_OCSP_SIGNING not in eku.native:
            raise VerificationError("OCSP responder certificate lacks id-kp-OCSPSigning")
        if not gm.verify(gm.certificate_public_key(responder), data.dump(), basic["signature"].native):
            raise VerificationError("OCSP response signature invalid")
        got_nonce = next((e["extn_value"].parsed.native for e in data["response_extensions"] or []
                          if e["extn_id"].native == "nonce"), None)
        if got_nonce != nonce:
            raise VerificationError("OCSP nonce mismatch (replayed answer?)")
        for single in data["responses"]:
            if single["cert_id"]["serial_number"].native == cert.serial_number:
                return single["cert_status"].name
        raise VerificationError("OCSP answer does not cover the certificate")

    async def check_certificate(self, http: httpx.AsyncClient, cert: x509.Certificate) -> None:
        self.check_chain(cert)
        status = await self.ocsp_status(http, cert)
        if status != "good":
            raise VerificationError(f"certificate status is {status}")


# --- callbacks ------------------------------------------------------------------------------------------

CALLBACK_MAX_SKEW = 300


def verify_callback(callback_cert: x509.Certificate, body: bytes, headers, *, now: float) -> dict:
    """X-Signature = base64 DER SM2 over "{X-Timestamp}\\n{X-Event-Id}\\n{sm3 hex of body}" by the callback-
    signing certificate; the timestamp within 5 minutes; the body's eventId equal to the header's."""
    import json

    event_id, ts, sig = headers.get("x-event-id"), headers.get("x-timestamp"), headers.get("x-signature")
    if not (event_id and ts and sig):
        raise VerificationError("callback headers missing")
    if not ts.isdigit() or abs(int(ts) - now) > CALLBACK_MAX_SKEW:
        raise VerificationError("callback timestamp out of range")
    message = f"{ts}\n{event_id}\n{gm.sm3_hex(body)}".encode()
    try:
        signature = base64.b64decode(sig, validate=True)
    except ValueError:
        raise VerificationError("callback signature not base64") from None
    if not gm.verify(gm.certificate_public_key(callback_cert), message, signature):
        raise VerificationError("callback signature invalid")
    event = json.loads(body)
    if event.get("eventId") != event_id:
        raise VerificationError("eventId of header and body differ")
    return event


# --- results --------------------------------------------------------------------------------------------

def verify_login(result: dict, *, t_id: str, platform_code: str) -> x509.Certificate:
    """The holder's signature over the challenge, under the signing certificate; the challenge names our
    session and platform. Returns the signing certificate (its chain and OCSP status are checked separately)."""
    cert = load_pem_certificate(result["signingCertificatePem"])
    challenge = base64.b64decode(result["challenge"])
    text = challenge.decode("utf-8", errors="replace")
    if t_id not in text or platform_code not in text:
        raise VerificationError("the challenge does not bind this session and platform")
    if not gm.verify(gm.certificate_public_key(cert), challenge, base64.b64decode(result["signature"])):
        raise VerificationError("login signature invalid")
    return cert


def verify_signed_hash(cert: x509.Certificate, sm3_hex: str, item: dict) -> bytes:
    """SIGN, one document: the raw signature over the 32 hash bytes, and the detached SignedData whose
    messageDigest is that hash and whose signer signed its attributes with the same key. Returns the CMS DER."""
    digest = bytes.fromhex(sm3_hex)
    point = gm.certificate_public_key(cert)
    if not gm.verify(point, digest, base64.b64decode(item["signature"])):
        raise VerificationError(f"signature of {item['docId']} invalid")
    der = base64.b64decode(item["signedDataDer"])
    info = cms.ContentInfo.load(der)
    signed = info["content"]
    if signed["encap_content_info"]["content"].native is not None:
        raise VerificationError("SignedData is not detached")
    signer = signed["signer_infos"][0]
    attrs = signer["signed_attrs"]
    md = next((a["values"][0].native for a in attrs if a["type"].native == "message_digest"), None)
    if md != digest:
        raise VerificationError(f"messageDigest of {item['docId']} is not the document's hash")
    # The signature covers the DER of the attributes as a SET (RFC 5652 §5.4), not as the [0] field.
    if not gm.verify(point, _as_set(attrs.dump()), signer["signature"].native):
        raise VerificationError(f"SignedData signature of {item['docId']} invalid")
    return der


def _as_set(implicit_der: bytes) -> bytes:
    """[0] IMPLICIT SET OF Attribute → SET OF Attribute (tag 0xA0 → 0x31)."""
    return b"\x31" + implicit_der[1:]
