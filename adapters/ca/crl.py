"""X.509 v2 CRLs (RFC 5280 §5) signed with SM2-with-SM3 by the CA that issued the listed certificates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from asn1crypto import crl, x509

from adapters.ca.oids import SIGNATURE_NAME, register_sm_oids
from adapters.ca.x509 import _time, key_identifier, public_key_of
from application.crypto.ports import DEFAULT_SIGNER_ID, Sm2Backend

register_sm_oids()

_REASON_NAMES = {0: "unspecified", 1: "key_compromise", 2: "ca_compromise", 3: "affiliation_changed",
                 4: "superseded", 5: "cessation_of_operation", 6: "certificate_hold", 8: "remove_from_crl",
                 9: "privilege_withdrawn", 10: "aa_compromise"}


@dataclass(frozen=True)
class RevokedEntry:
    serial: int
    revoked_at: datetime
    reason: int  # RFC 5280 CRLReason code


def reason_name(code: int) -> str:
    return _REASON_NAMES[code]


def build_crl(issuer_cert: x509.Certificate, issuer_private_key: bytes, entries: list[RevokedEntry], *,
              this_update: datetime, next_update: datetime, number: int, backend: Sm2Backend) -> crl.CertificateList:
    revoked = []
    for e in sorted(entries, key=lambda e: (e.revoked_at, e.serial)):
        item = {"user_certificate": e.serial, "revocation_date": _time(e.revoked_at)}
        if e.reason != 0:  # RFC 5280 §5.3.1: unspecified SHOULD be left out
            item["crl_entry_extensions"] = [
                {"extn_id": "crl_reason", "critical": False, "extn_value": _REASON_NAMES[e.reason]}]
        revoked.append(item)
    tbs = {
        "version": "v2",
        "signature": {"algorithm": SIGNATURE_NAME},
        "issuer": issuer_cert["tbs_certificate"]["subject"],
        "this_update": _time(this_update),
        "next_update": _time(next_update),
        "crl_extensions": [
            {"extn_id": "authority_key_identifier", "critical": False,
             "extn_value": {"key_identifier": key_identifier(public_key_of(issuer_cert))}},
            {"extn_id": "crl_number", "critical": False, "extn_value": number},
        ],
    }
    if revoked:  # an empty list must be absent, not an empty SEQUENCE
        tbs["revoked_certificates"] = revoked
    tbs_list = crl.TbsCertList(tbs)
    signature = backend.sign(issuer_private_key, tbs_list.dump(), signer_id=DEFAULT_SIGNER_ID,
                             public_key=public_key_of(issuer_cert))
    return crl.CertificateList({"tbs_cert_list": tbs_list, "signature_algorithm": {"algorithm": SIGNATURE_NAME},
                                "signature": signature})


def verify_crl(certificate_list: crl.CertificateList, issuer_cert: x509.Certificate, backend: Sm2Backend) -> bool:
    if certificate_list["signature_algorithm"]["algorithm"].native != SIGNATURE_NAME:
        return False
    return backend.verify(public_key_of(issuer_cert), certificate_list["tbs_cert_list"].dump(),
                          certificate_list["signature"].native, signer_id=DEFAULT_SIGNER_ID)
