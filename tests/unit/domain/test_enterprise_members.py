"""The join application and member invitation state machines, and who may be removed (§5.2, §8.1)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from domain.enterprises.enterprise import Membership
from domain.enterprises.members import (
    INVITATION_MAX_SENDS,
    INVITATION_VALIDITY,
    JOIN_TRANSITIONS,
    AdminAlreadyExists,
    CannotRemoveLastAdmin,
    CannotRemoveLegalRep,
    JoinApplication,
    JoinApplicationDecided,
    JoinApplicationStatus,
    MemberInvitation,
    MemberInvitationStatus,
    MemberRole,
    NotEnterpriseAdmin,
    ensure_administers,
    ensure_no_second_admin,
    ensure_removable,
)
from domain.errors import DomainError, ErrorCode

NOW = datetime(2025, 3, 10, 2, 0, tzinfo=UTC)
E = uuid4()


def application() -> JoinApplication:
    return JoinApplication.submit(enterprise_id=E, applicant_account_id=uuid4(), applicant_name="李四",
                                  reason="新入职", now=NOW)


def test_an_application_is_pending_with_a_key_until_decided():
    a = application()
    assert a.is_pending and a.pending_key == f"{E}|{a.applicant_account_id}"
    admin = uuid4()
    membership = a.approve(admin, NOW + timedelta(hours=1))
    assert a.status is JoinApplicationStatus.APPROVED and a.pending_key is None and a.decided_by == admin
    assert (membership.enterprise_id, membership.account_id) == (E, a.applicant_account_id)
    assert not membership.is_admin and not membership.is_legal_rep


@pytest.mark.parametrize("first", ["approve", "reject", "withdraw"])
@pytest.mark.parametrize("then", ["approve", "reject", "withdraw"])
def test_a_decided_application_stays_decided(first, then):
    a = application()
    getattr(a, first)(*((uuid4(), NOW) if first != "withdraw" else (NOW,)))
    before = a.status
    with pytest.raises(JoinApplicationDecided):
        getattr(a, then)(*((uuid4(), NOW) if then != "withdraw" else (NOW,)))
    assert a.status is before


def test_only_pending_moves():
    assert all(not JOIN_TRANSITIONS[s] for s in JoinApplicationStatus if s is not JoinApplicationStatus.PENDING)


def invitation(role=MemberRole.MEMBER) -> MemberInvitation:
    return MemberInvitation.issue(enterprise_id=E, name="王五", phone_index="idx", phone_masked="139****9000",
                                  role=role, invited_by=uuid4(), now=NOW)


def test_an_invitation_opens_for_thirty_days_and_becomes_a_membership_of_its_role():
    inv = invitation(MemberRole.ADMIN)
    assert inv.expires_at - inv.created_at == INVITATION_VALIDITY == timedelta(days=30)
    assert inv.is_open(NOW + timedelta(days=29)) and not inv.is_open(NOW + timedelta(days=30))
    assert inv.matches("王五") and not inv.matches("王六") and not inv.matches(None)
    account = uuid4()
    m = inv.accept(account, NOW + timedelta(days=1))
    assert m.is_admin and m.account_id == account and inv.status is MemberInvitationStatus.ACCEPTED
    assert inv.pending_key is None


def test_an_expired_invitation_cannot_be_accepted():
    inv = invitation()
    with pytest.raises(DomainError) as err:
        inv.accept(uuid4(), NOW + timedelta(days=31))
    assert err.value.code is ErrorCode.INVITATION_EXPIRED and inv.status is MemberInvitationStatus.PENDING


def test_cancel_frees_the_phone_key():
    inv = invitation()
    inv.cancel()
    assert inv.status is MemberInvitationStatus.CANCELLED and inv.pending_key is None


def member(*, admin=False, rep=False) -> Membership:
    return Membership(enterprise_id=E, account_id=uuid4(), joined_at=NOW, is_admin=admin, is_legal_rep=rep)


def test_only_admins_and_the_legal_rep_administer():
    assert ensure_administers(member(admin=True)).is_admin
    assert ensure_administers(member(rep=True)).is_legal_rep
    for m in (member(), None):
        with pytest.raises(NotEnterpriseAdmin):
            ensure_administers(m)


def test_never_the_legal_rep_never_the_admin():
    # The legal rep who also holds admin (the founder) is refused as legal rep.
    with pytest.raises(CannotRemoveLegalRep):
        ensure_removable(member(rep=True, admin=True))
    with pytest.raises(CannotRemoveLegalRep):
        ensure_removable(member(rep=True))
    # The enterprise's one admin (SPEC §0) stays until the §8.4 transfer hands admin on.
    with pytest.raises(CannotRemoveLastAdmin) as err:
        ensure_removable(member(admin=True))
    assert err.value.code is ErrorCode.CANNOT_REMOVE_LAST_ADMIN
    ensure_removable(member())


def test_one_admin_at_a_time():
    admin, plain = member(admin=True), member()
    with pytest.raises(AdminAlreadyExists) as err:
        ensure_no_second_admin(MemberRole.ADMIN, [admin, plain])
    assert (err.value.code, err.value.field) == (ErrorCode.ADMIN_ALREADY_EXISTS, "role")
    ensure_no_second_admin(MemberRole.MEMBER, [admin, plain])
    ensure_no_second_admin(MemberRole.ADMIN, [member(rep=True), plain])  # no admin yet


def _open_invitation() -> MemberInvitation:
    return MemberInvitation.issue(enterprise_id=uuid4(), name="王五", phone_index="k", phone_masked="137****7000",
                                  role=MemberRole.MEMBER, invited_by=uuid4(), now=NOW)


def test_a_withdrawn_invitation_is_closed_for_good():
    inv, admin = _open_invitation(), uuid4()
    inv.withdraw(admin, NOW + timedelta(hours=1))
    assert (inv.status, inv.pending_key, inv.cancelled_by) == (MemberInvitationStatus.CANCELLED, None, admin)
    assert not inv.is_open(NOW + timedelta(hours=1))
    for act in (lambda: inv.withdraw(admin, NOW), lambda: inv.resend(NOW + timedelta(days=1))):
        with pytest.raises(DomainError) as closed:
            act()
        assert closed.value.code is ErrorCode.INVITATION_INVALID


def test_resending_renews_once_a_minute_five_sends_in_all():
    inv = _open_invitation()
    with pytest.raises(DomainError) as soon:
        inv.resend(NOW + timedelta(seconds=59))
    assert soon.value.code is ErrorCode.SMS_COOLDOWN
    late = NOW + timedelta(days=40)
    assert inv.shown_status(late) is MemberInvitationStatus.EXPIRED
    inv.resend(late)
    assert (inv.expires_at, inv.last_sent_at, inv.send_count) == (late + INVITATION_VALIDITY, late, 2)
    assert inv.shown_status(late) is MemberInvitationStatus.PENDING and inv.is_open(late)
    for n in range(3):
        inv.resend(late + timedelta(minutes=n + 1))
    with pytest.raises(DomainError) as limit:
        inv.resend(late + timedelta(hours=1))
    assert limit.value.code is ErrorCode.INVITATION_RESEND_LIMIT and inv.send_count == INVITATION_MAX_SENDS
