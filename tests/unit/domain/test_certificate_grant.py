"""The certificate grant's state machine (§8.5): who pays, what it allows, how it ends."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from uuid import uuid4

import pytest

from domain.commerce.entitlement import ScanOperation
from domain.errors import ErrorCode, InvalidInput
from domain.grants.grant import (
    CertificateGrant,
    GrantClosed,
    GrantEndReason,
    GrantPayerNotAllowed,
    GrantStatus,
)

NOW = datetime(2026, 3, 1, 2, 0, tzinfo=UTC)  # 10:00 in Beijing
GRANTOR, MEMBER, PLATFORM = uuid4(), uuid4(), uuid4()


def grant(valid_until: date = date(2026, 3, 31), latest_end: datetime | None = NOW + timedelta(days=365),
          operations=(ScanOperation.LOGIN, ScanOperation.SIGN)) -> CertificateGrant:
    return CertificateGrant.create(enterprise_id=uuid4(), membership_id=uuid4(), member_account_id=MEMBER,
                                   platform_id=PLATFORM, operations=list(operations), valid_until=valid_until,
                                   latest_end=latest_end, granted_by=GRANTOR, now=NOW)


def active() -> CertificateGrant:
    g = grant()
    g.approve(by=uuid4(), signed_blob_id="b", signed_sha256="s", certificate_id=uuid4(), now=NOW)
    assert g.activate(uuid4(), NOW)
    return g


def test_a_new_grant_waits_for_the_legal_rep_and_works_through_its_last_day_in_beijing():
    g = grant()
    assert g.status_at(NOW) is GrantStatus.AWAITING_APPROVAL and g.operations == ["LOGIN", "SIGN"]
    assert g.valid_until == date(2026, 3, 31)
    assert g.ends_at == datetime(2026, 3, 31, 16, 0, tzinfo=UTC)  # midnight +08:00


@pytest.mark.parametrize("kw, field", [
    ({"valid_until": date(2026, 2, 28)}, "validUntil"),
    ({"valid_until": date(2027, 3, 2)}, "validUntil"),  # beyond the enterprise's entitlement
    ({"operations": ()}, "operations"),
])
def test_bad_grants_are_refused(kw, field):
    with pytest.raises(InvalidInput) as err:
        grant(**kw)
    assert err.value.field == field


def test_only_the_grantor_or_the_member_pays_and_only_once_approved():
    g = grant()
    with pytest.raises(GrantClosed):
        g.ensure_payable_by(MEMBER, NOW)
    g.approve(by=uuid4(), signed_blob_id="b", signed_sha256="s", certificate_id=uuid4(), now=NOW)
    g.ensure_payable_by(MEMBER, NOW)
    g.ensure_payable_by(GRANTOR, NOW)
    with pytest.raises(GrantPayerNotAllowed) as err:
        g.ensure_payable_by(uuid4(), NOW)
    assert err.value.code is ErrorCode.PERMISSION_DENIED


def test_an_active_grant_allows_only_its_platform_and_operations_until_it_expires():
    g = active()
    assert g.allows(PLATFORM, ScanOperation.LOGIN, NOW) and g.allows(PLATFORM, ScanOperation.SIGN, NOW)
    assert not g.allows(PLATFORM, ScanOperation.DECRYPT, NOW) and not g.allows(uuid4(), ScanOperation.LOGIN, NOW)
    later = g.ends_at
    assert g.status_at(later) is GrantStatus.EXPIRED and not g.allows(PLATFORM, ScanOperation.LOGIN, later)
    with pytest.raises(GrantClosed):
        g.revoke(later)


def test_revoking_and_ending_are_final_and_a_closed_grant_is_not_activated():
    g = active()
    g.revoke(NOW)
    assert g.status_at(NOW) is GrantStatus.REVOKED and not g.end(GrantEndReason.MEMBER_REMOVED, NOW)
    with pytest.raises(GrantClosed):
        g.revoke(NOW)
    waiting = grant()
    waiting.approve(by=uuid4(), signed_blob_id="b", signed_sha256="s", certificate_id=uuid4(), now=NOW)
    assert waiting.end(GrantEndReason.CERTIFICATE_REVOKED, NOW) and waiting.status is GrantStatus.ENDED
    assert not waiting.activate(uuid4(), NOW) and waiting.status is GrantStatus.ENDED


def test_approving_twice_is_refused():
    g = grant()
    g.approve(by=uuid4(), signed_blob_id="b", signed_sha256="s", certificate_id=uuid4(), now=NOW)
    with pytest.raises(GrantClosed):
        g.approve(by=uuid4(), signed_blob_id="b", signed_sha256="s", certificate_id=uuid4(), now=NOW)


def test_named_seals_are_kept_once_each_and_only_a_sign_grant_may_name_them():
    a, b = uuid4(), uuid4()
    g = CertificateGrant.create(enterprise_id=uuid4(), membership_id=uuid4(), member_account_id=MEMBER,
                                platform_id=PLATFORM, operations=[ScanOperation.SIGN], valid_until=date(2026, 3, 31),
                                latest_end=None, granted_by=GRANTOR, now=NOW, seal_ids=[a, b, a])
    assert g.seal_ids == [a, b] and g.names_seal(a) and g.offers_seal(b) and not g.offers_seal(uuid4())
    with pytest.raises(InvalidInput) as refused:
        CertificateGrant.create(enterprise_id=uuid4(), membership_id=uuid4(), member_account_id=MEMBER,
                                platform_id=PLATFORM, operations=[ScanOperation.LOGIN], valid_until=date(2026, 3, 31),
                                latest_end=None, granted_by=GRANTOR, now=NOW, seal_ids=[a])
    assert refused.value.field == "sealIds"


def test_a_grant_naming_no_seal_offers_any_and_names_none():
    g = grant()
    seal = uuid4()
    assert g.seal_ids == [] and g.offers_seal(seal) and not g.names_seal(seal)


def test_a_paid_service_application_is_an_active_grant_that_ends_like_any_other():
    approved_at, order_id, rep, cert = NOW - timedelta(days=2), uuid4(), uuid4(), uuid4()
    g = CertificateGrant.for_paid_application(
        enterprise_id=uuid4(), membership_id=uuid4(), member_account_id=MEMBER, platform_id=PLATFORM,
        operations=["SIGN", "LOGIN"], last_day=date(2027, 3, 1), approved_by=rep, approved_at=approved_at,
        letter_blob_id="letter", letter_sha256="l", signed_blob_id="signed", signed_sha256="s", certificate_id=cert,
        order_id=order_id, now=NOW)
    assert (g.status_at(NOW), g.operations, g.valid_until, g.order_id, g.activated_at) == (
        GrantStatus.ACTIVE, ["LOGIN", "SIGN"], date(2027, 3, 1), order_id, NOW)
    assert (g.granted_by, g.approved_by, g.approved_at, g.certificate_id) == (rep, rep, approved_at, cert)
    assert (g.letter_blob_id, g.signed_blob_id) == ("letter", "signed")
    assert g.allows(PLATFORM, ScanOperation.LOGIN, NOW) and not g.allows(uuid4(), ScanOperation.LOGIN, NOW)
    assert g.status_at(datetime(2027, 3, 1, 16, 0, tzinfo=UTC)) is GrantStatus.EXPIRED
    assert g.end(GrantEndReason.MEMBER_REMOVED, NOW) and g.status_at(NOW) is GrantStatus.ENDED
