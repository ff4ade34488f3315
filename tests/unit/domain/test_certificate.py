"""The Certificate aggregate: signing, expiry and revocation with RFC 5280 reasons."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.certificates.certificate import (
    Certificate,
    CertificateNotRevocable,
    CertificateNotSigned,
    CertificateStatus,
    CertificateUsage,
    HolderKind,
    InvalidRevocationReason,
    RevocationReason,
    serial_hex,
)
from domain.errors import DomainError

NOW = datetime(2025, 3, 10, 2, 0, tzinfo=UTC)


def cert(**kw) -> Certificate:
    fields = dict(serial="1f2e3d4c5b6a79880123456789abcdef", usage=CertificateUsage.SIGNING,
                  profile="PERSONAL_SIGNING", issuer="issuing", subject_dn="CN=张三,C=CN",
                  holder_kind=HolderKind.PERSON, public_key=b"\x04" + b"\x01" * 64, not_before=NOW,
                  not_after=NOW + timedelta(days=365), tbs=b"tbs", created_at=NOW)
    fields.update(kw)
    return Certificate(**fields)


def issued(**kw) -> Certificate:
    c = cert(**kw)
    c.signed(b"der")
    return c


def test_a_new_certificate_waits_for_its_signature() -> None:
    c = cert()
    assert c.status is CertificateStatus.PENDING and c.der is None
    c.signed(b"der")
    assert c.status is CertificateStatus.ACTIVE and c.der == b"der"
    with pytest.raises(DomainError):
        c.signed(b"again")


@pytest.mark.parametrize("serial", ["", "0", "00ab", "ABCDEF", "-1", "xyz"])
def test_serials_are_canonical_positive_hex(serial: str) -> None:
    with pytest.raises((DomainError, ValueError)):
        cert(serial=serial)
    assert serial_hex(0xABCDEF) == "abcdef"
    with pytest.raises(ValueError):
        serial_hex(0)


def test_validity_must_run_forwards() -> None:
    with pytest.raises(DomainError):
        cert(not_after=NOW)


def test_status_turns_expired_at_not_after() -> None:
    c = issued()
    assert c.status_at(NOW + timedelta(days=364)) is CertificateStatus.ACTIVE
    assert c.status_at(NOW + timedelta(days=365)) is CertificateStatus.EXPIRED
    assert c.expire(NOW + timedelta(days=400)) and c.status is CertificateStatus.EXPIRED


def test_revocation_records_when_and_why() -> None:
    c = issued()
    c.revoke(RevocationReason.KEY_COMPROMISE, NOW + timedelta(days=1))
    assert c.status is CertificateStatus.REVOKED
    assert c.revoked_at == NOW + timedelta(days=1) and c.revocation_reason is RevocationReason.KEY_COMPROMISE
    assert c.status_at(NOW + timedelta(days=999)) is CertificateStatus.REVOKED
    with pytest.raises(CertificateNotRevocable):
        c.revoke(RevocationReason.SUPERSEDED, NOW + timedelta(days=2))


def test_expired_and_unsigned_certificates_cannot_be_revoked() -> None:
    with pytest.raises(CertificateNotRevocable):
        issued().revoke(RevocationReason.UNSPECIFIED, NOW + timedelta(days=366))
    with pytest.raises(CertificateNotSigned):
        cert().revoke(RevocationReason.UNSPECIFIED, NOW)


@pytest.mark.parametrize("reason", [RevocationReason.CA_COMPROMISE, RevocationReason.AA_COMPROMISE,
                                    RevocationReason.REMOVE_FROM_CRL, RevocationReason.CERTIFICATE_HOLD])
def test_subscribers_cannot_give_ca_only_reasons(reason: RevocationReason) -> None:
    with pytest.raises(InvalidRevocationReason):
        issued().revoke(reason, NOW)


def test_reasons_carry_the_rfc_5280_codes_and_parse_from_names_or_codes() -> None:
    assert [r.value for r in RevocationReason] == [0, 1, 2, 3, 4, 5, 6, 8, 9, 10]
    assert RevocationReason.parse("key_compromise") is RevocationReason.KEY_COMPROMISE
    assert RevocationReason.parse(4) is RevocationReason.SUPERSEDED
    assert RevocationReason.parse("9") is RevocationReason.PRIVILEGE_WITHDRAWN
    for bad in ("7", 7, "nonsense", "11"):
        with pytest.raises(InvalidRevocationReason):
            RevocationReason.parse(bad)
