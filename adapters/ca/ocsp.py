"""OCSP (RFC 6960): parse requests, answer good / revoked / unknown in a BasicOCSPResponse signed by the
delegated responder certificate (SM2 with SM3), echoing the request nonce (RFC 8954)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime

from asn1crypto import core, ocsp, x509
from cryptography.hazmat.primitives import hashes

from adapters.ca.crl import reason_name
from adapters.ca.oids import SIGNATURE_NAME, register_sm_oids
from adapters.ca.x509 import key_identifier, public_key_of
from application.crypto.ports import DEFAULT_SIGNER_ID, Sm2Backend

register_sm_oids()

MAX_REQUESTS = 16
MAX_NONCE = 128  # RFC 8954 asks for 1..32 octets; longer ones are refused, not truncated


class OcspMalformed(ValueError):
    pass


@dataclass(frozen=True)
class StatusAnswer:
    status: str  # good | revoked | unknown
    revoked_at: datetime | None = None
    reason: int | None = None


def _digest(algorithm: str, data: bytes) -> bytes:
    if algorithm == "sm3":
        h = hashes.Hash(hashes.SM3())
        h.update(data)
        return h.finalize()
    if algorithm in ("sha1", "sha256", "sha384", "sha512"):
        return hashlib.new(algorithm, data, usedforsecurity=False).digest()
    raise OcspMalformed(f"unsupported CertID hash {algorithm}")


def parse_request(der: bytes) -> tuple[list[ocsp.CertId], bytes | None]:
    """The CertIDs asked about and the nonce, if any; OcspMalformed for anything we will not answer."""
    try:
        request = ocsp.OCSPRequest.load(der)
        tbs = request["tbs_request"]
        cert_ids = [item["req_cert"] for item in tbs["request_list"]]
        for cert_id in cert_ids:  # force a full parse now, not while answering
            cert_id.native  # noqa: B018
        nonce = None
        for ext in tbs["request_extensions"] or []:
            if ext["extn_id"].native == "nonce":
                nonce = ext["extn_value"].parsed.native
            elif ext["critical"].native:
                raise OcspMalformed(f"unsupported critical extension {ext['extn_id'].dotted}")
    except OcspMalformed:
        raise
    except (ValueError, TypeError, KeyError) as exc:
        raise OcspMalformed(f"not an OCSP request: {exc}") from None
    if not cert_ids or len(cert_ids) > MAX_REQUESTS:
        raise OcspMalformed("an OCSP request asks about 1 to 16 certificates")
    if nonce is not None and not 1 <= len(nonce) <= MAX_NONCE:
        raise OcspMalformed("bad nonce length")
    return cert_ids, nonce


def issued_by(cert_id: ocsp.CertId, issuer: x509.Certificate) -> bool:
    algorithm = cert_id["hash_algorithm"]["algorithm"].native
    try:
        name_hash = _digest(algorithm, issuer["tbs_certificate"]["subject"].dump())
        key_hash = _digest(algorithm, public_key_of(issuer))
    except OcspMalformed:
        return False
    return cert_id["issuer_name_hash"].native == name_hash and cert_id["issuer_key_hash"].native == key_hash


def _status(answer: StatusAnswer) -> ocsp.CertStatus:
    if answer.status == "good":
        return ocsp.CertStatus(name="good", value=core.Null())
    if answer.status == "revoked":
        info = {"revocation_time": answer.revoked_at.astimezone(UTC).replace(microsecond=0)}
        if answer.reason:
            info["revocation_reason"] = reason_name(answer.reason)
        return ocsp.CertStatus(name="revoked", value=ocsp.RevokedInfo(info))
    return ocsp.CertStatus(name="unknown", value=core.Null())


def build_response(responder_cert: x509.Certificate, responder_key: bytes,
                   answers: list[tuple[ocsp.CertId, StatusAnswer]], *, nonce: bytes | None,
                   produced_at: datetime, next_update: datetime, backend: Sm2Backend) -> bytes:
    produced = produced_at.astimezone(UTC).replace(microsecond=0)
    responses = [ocsp.SingleResponse({
        "cert_id": cert_id,
        "cert_status": _status(answer),
        "this_update": produced,
        "next_update": next_update.astimezone(UTC).replace(microsecond=0),
    }) for cert_id, answer in answers]
    data = {
        "version": "v1",
        "responder_id": ocsp.ResponderId(name="by_key", value=key_identifier(public_key_of(responder_cert))),
        "produced_at": produced,
        "responses": responses,
    }
    if nonce is not None:
        data["response_extensions"] = [{"extn_id": "nonce", "critical": False, "extn_value": nonce}]
    tbs = ocsp.ResponseData(data)
    signature = backend.sign(responder_key, tbs.dump(), signer_id=DEFAULT_SIGNER_ID,
                             public_key=public_key_of(responder_cert))
    basic = ocsp.BasicOCSPResponse({
        "tbs_response_data": tbs,
        "signature_algorithm": {"algorithm": SIGNATURE_NAME},
        "signature": signature,
        "certs": [responder_cert],
    })
    return ocsp.OCSPResponse({
        "response_status": "successful",
        "response_bytes": {"response_type": "basic_ocsp_response", "response": basic},
    }).dump()


def error_response(status: str) -> bytes:
    """malformed_request | internal_error | try_later | unauthorized (no responseBytes, nothing signed)."""
    return ocsp.OCSPResponse({"response_status": status}).dump()


def verify_response(response_der: bytes, backend: Sm2Backend) -> ocsp.BasicOCSPResponse:
    """Parses a successful response and checks its signature against the embedded responder certificate."""
    resp = ocsp.OCSPResponse.load(response_der)
    if resp["response_status"].native != "successful":
        raise ValueError(f"OCSP status {resp['response_status'].native}")
    basic = resp["response_bytes"]["response"].parsed
    cert = basic["certs"][0]
    if not backend.verify(public_key_of(cert), basic["tbs_response_data"].dump(), basic["signature"].native,
                          signer_id=DEFAULT_SIGNER_ID):
        raise ValueError("OCSP response signature does not verify")
    return basic
