"""The AdminTransfer aggregate (§8.4): who may give and receive admin, the state machine, and the swap."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from domain.enterprises.admin_transfer import (
    TRANSFER_VALIDITY,
    AdminTransfer,
    AdminTransferClosed,
    AdminTransferOutdated,
    AdminTransferStatus,
    AdminTransferTargetInvalid,
)
from domain.enterprises.enterprise import EnterpriseNotCertified, Membership
from tests.unit.domain.test_enterprise import enterprise

NOW = datetime(2026, 3, 8, 2, 0, tzinfo=UTC)


def certified():
    e = enterprise()
    e.four_element_checked(True, NOW)
    e.certify_by_legal_rep(NOW)
    return e


def member(e, *, admin=False, legal_rep=False) -> Membership:
    return Membership(enterprise_id=e.id, account_id=uuid4(), joined_at=NOW, is_admin=admin, is_legal_rep=legal_rep)


def requested(e=None):
    e = e or certified()
    giver, receiver = member(e, admin=True), member(e)
    t = AdminTransfer.request(enterprise=e, from_membership=giver, to_membership=receiver, from_admin_name="王五",
                              to_admin_name="李四", requested_by=giver.account_id, now=NOW)
    return t, giver, receiver


def approve(t, giver, receiver, now=NOW):
    t.approve(giver, receiver, signed_by=uuid4(), signed_blob_id="signed", signed_sha256="ab" * 32,
              certificate_id=uuid4(), now=now)


def test_a_request_is_pending_for_seven_days_and_records_the_letter_s_data():
    t, giver, receiver = requested()
    assert t.status is AdminTransferStatus.PENDING and t.pending_enterprise_id == t.enterprise_id
    assert t.expires_at - t.requested_at == TRANSFER_VALIDITY == timedelta(days=7)
    assert (t.enterprise_name, t.legal_rep_name, t.from_admin_name, t.to_admin_name) == (
        "北京数信科技有限公司", "张三", "王五", "李四")
    assert (t.from_membership_id, t.to_membership_id) == (giver.id, receiver.id)


def test_only_a_certified_enterprise_transfers_admin():
    e = enterprise()
    e.four_element_checked(True, NOW)
    with pytest.raises(EnterpriseNotCertified):
        requested(e)


def test_the_receiver_is_a_member_of_the_same_enterprise_without_admin():
    e = certified()
    giver = member(e, admin=True)
    for receiver in (member(e, admin=True), member(certified())):
        with pytest.raises(AdminTransferTargetInvalid) as err:
            AdminTransfer.request(enterprise=e, from_membership=giver, to_membership=receiver, from_admin_name="王五",
                                  to_admin_name="李四", requested_by=giver.account_id, now=NOW)
        assert err.value.field == "toMemberId"


def test_the_giver_must_hold_admin():
    e = certified()
    with pytest.raises(AdminTransferOutdated):
        AdminTransfer.request(enterprise=e, from_membership=member(e, legal_rep=True), to_membership=member(e),
                              from_admin_name="张三", to_admin_name="李四", requested_by=uuid4(), now=NOW)


def test_approval_swaps_the_roles_and_closes_the_transfer():
    t, giver, receiver = requested()
    approve(t, giver, receiver)
    assert (giver.is_admin, receiver.is_admin) == (False, True)
    assert t.status is AdminTransferStatus.APPROVED and t.pending_enterprise_id is None and t.is_signed
    with pytest.raises(AdminTransferClosed):
        approve(t, giver, receiver)


def test_a_legal_rep_who_gives_admin_away_stays_legal_rep():
    e = certified()
    giver, receiver = member(e, admin=True, legal_rep=True), member(e)
    t = AdminTransfer.request(enterprise=e, from_membership=giver, to_membership=receiver, from_admin_name="张三",
                              to_admin_name="李四", requested_by=giver.account_id, now=NOW)
    approve(t, giver, receiver)
    assert giver.role.value == "LEGAL_REP" and not giver.is_admin and receiver.role.value == "ADMIN"


@pytest.mark.parametrize("change", ["receiver left", "giver lost admin", "receiver became admin"])
def test_approval_after_the_roles_moved_changes_nothing(change):
    t, giver, receiver = requested()
    if change == "giver lost admin":
        giver.is_admin = False
    if change == "receiver became admin":
        receiver.is_admin = True
    before = (giver.is_admin, receiver.is_admin)
    with pytest.raises(AdminTransferOutdated):
        approve(t, giver, None if change == "receiver left" else receiver)
    assert (giver.is_admin, receiver.is_admin) == before and t.status is AdminTransferStatus.PENDING
    assert not t.is_signed


def test_an_expired_transfer_cannot_be_signed_and_expires_once():
    t, giver, receiver = requested()
    later = NOW + TRANSFER_VALIDITY
    assert t.is_expired(later) and not t.is_expired(later - timedelta(seconds=1))
    with pytest.raises(AdminTransferClosed):
        approve(t, giver, receiver, now=later)
    assert receiver.is_admin is False
    t.expire(later)
    assert t.status is AdminTransferStatus.EXPIRED and t.pending_enterprise_id is None
    with pytest.raises(AdminTransferClosed):
        t.cancel(later)


def test_a_cancelled_transfer_is_final():
    t, giver, receiver = requested()
    t.cancel(NOW)
    with pytest.raises(AdminTransferClosed):
        approve(t, giver, receiver)
    assert t.status is AdminTransferStatus.CANCELLED


def test_what_a_transfer_is_now_before_anyone_records_it():
    t, giver, receiver = requested()
    S = AdminTransferStatus
    assert t.status_at(NOW, giver, receiver) is S.PENDING
    assert t.status_at(NOW + TRANSFER_VALIDITY, giver, receiver) is S.EXPIRED
    assert t.status_at(NOW, giver, None) is S.CANCELLED  # the receiver left
    giver.is_admin = False
    assert t.status_at(NOW, giver, receiver) is S.CANCELLED and t.status is S.PENDING  # nothing recorded
    giver.is_admin = True
    approve(t, giver, receiver)
    # Once closed it is what was recorded, whatever the roles are now.
    assert t.status_at(NOW + TRANSFER_VALIDITY, receiver, giver) is S.APPROVED
