"""§8.1 member invitations and §5.1.1.2 legal-rep invitations as the admin manages them, on fakes: listed, cancelled
(they can no longer activate or open) and resent (a renewed SMS; a new link for the legal rep)."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import pytest

from application.enterprises.cancel_legal_rep_invitation import CancelLegalRepInvitationCommand
from application.enterprises.cancel_member_invitation import CancelMemberInvitationCommand
from application.enterprises.legal_rep_invitations import (
    AcceptLegalRepInvitationCommand,
    InviteLegalRepCommand,
)
from application.enterprises.resend_legal_rep_invitation import ResendLegalRepInvitationCommand
from application.enterprises.resend_member_invitation import ResendMemberInvitationCommand
from domain.enterprises.enterprise import CertificationStatus, EnterpriseRole, Membership
from domain.enterprises.legal_rep_invitation import InvitationInvalid, InvitationStatus
from domain.enterprises.members import MemberInvitationStatus, MemberRole
from domain.errors import DomainError, ErrorCode, NotFound
from tests.app_fixture import DEFAULT_META, ID_LI, ID_WANG, FakeApp, User
from tests.fakes import Snapshot
from tests.support.data import id_number
from tests.unit.application.test_enterprise_members import WANG_PHONE, add, certified, members, texts
from tests.unit.application.test_legal_rep_invitations import REP_PHONE, _enterprise, _sign, _token_in_sms

INVITE_TEXT = "请用本手机号注册数信签并以王五完成实名认证"
ID_ZHAO = id_number("19920101", "110101", "515")
ID_QIAN = id_number("19930202", "110101", "626")


def cancel(app: FakeApp, user: User, invitation_id):
    return app.enterprises.members.cancel_member_invitation(CancelMemberInvitationCommand(
        user.principal, invitation_id, DEFAULT_META))


def resend(app: FakeApp, user: User, invitation_id):
    return app.enterprises.members.resend_member_invitation(ResendMemberInvitationCommand(
        user.principal, invitation_id, DEFAULT_META))


async def listed(app: FakeApp, user: User, enterprise_id, pending_only=True):
    page = await app.enterprises.members.list_member_invitations(user.principal, enterprise_id, pending_only, 100,
                                                                 None)
    return None if page is None else [(r.invitation.name, r.invitation.phone_masked, r.status) for r in page.items]


async def _plain_member(app: FakeApp, enterprise_id) -> User:
    member = await app.verified_user("13600136000", "赵六", ID_ZHAO)
    async with app.uow() as uow:
        uow.memberships.add(Membership(enterprise_id=enterprise_id, account_id=member.account_id,
                                       joined_at=app.clock.now()))
        await uow.commit()
    return member


# ---------------------------------------------------------------- member invitations (§8.1)


async def test_an_invitation_is_listed_to_the_admins_only(app: FakeApp):
    admin, enterprise = await certified(app)
    added = await add(app, admin, enterprise.id, "王五", WANG_PHONE)
    assert await listed(app, admin, enterprise.id) == [("王五", "137****7000", MemberInvitationStatus.PENDING)]
    member = await _plain_member(app, enterprise.id)
    outsider = await app.verified_user("13500135000", "钱七", ID_QIAN)
    assert await listed(app, member, enterprise.id) is None
    assert await listed(app, outsider, enterprise.id) is None
    assert await app.enterprises.members.get_member_invitation(member.principal, added.invitation.id) is None
    row = await app.enterprises.members.get_member_invitation(admin.principal, added.invitation.id)
    assert row is not None and row.resendable
    # Past its 30 days it shows EXPIRED (it no longer activates), still listed to be resent or cancelled.
    app.clock.advance(days=31)
    assert await listed(app, admin, enterprise.id) == [("王五", "137****7000", MemberInvitationStatus.EXPIRED)]


async def test_a_cancelled_invitation_can_no_longer_activate(app: FakeApp):
    admin, enterprise = await certified(app)
    added = await add(app, admin, enterprise.id, "王五", WANG_PHONE)
    row = await cancel(app, admin, added.invitation.id)
    assert row.status is MemberInvitationStatus.CANCELLED and row.invitation.cancelled_by == admin.account_id
    assert any("已取消邀请王五" in t for t in await texts(app, WANG_PHONE))
    assert await listed(app, admin, enterprise.id) == []
    assert [s for *_, s in await listed(app, admin, enterprise.id, pending_only=False)] == [
        MemberInvitationStatus.CANCELLED]
    assert [e.detail["invitation_id"] for e in app.db.audit_events("enterprise.member_invitation_cancelled")] == [
        str(added.invitation.id)]

    wang = await app.verified_user(WANG_PHONE, "王五", ID_WANG)
    assert await app.enterprises.my_memberships(wang.principal) == []
    assert "王五" not in await members(app, admin, enterprise.id)
    with pytest.raises(DomainError) as again:
        await cancel(app, admin, added.invitation.id)
    assert again.value.code is ErrorCode.INVITATION_INVALID
    # The phone is free: adding the (now verified) person makes them a member at once.
    assert (await add(app, admin, enterprise.id, "王五", WANG_PHONE)).membership is not None


async def test_resend_sends_again_renews_and_is_limited(app: FakeApp):
    admin, enterprise = await certified(app)
    added = await add(app, admin, enterprise.id, "王五", WANG_PHONE)
    assert sum(INVITE_TEXT in t for t in await texts(app, WANG_PHONE)) == 1
    with pytest.raises(DomainError) as soon:
        await resend(app, admin, added.invitation.id)
    assert soon.value.code is ErrorCode.SMS_COOLDOWN

    app.clock.advance(days=31)  # expired: it would not activate now
    row = await resend(app, admin, added.invitation.id)
    assert row.status is MemberInvitationStatus.PENDING
    assert row.invitation.expires_at == app.clock.now() + timedelta(days=30)
    assert sum(INVITE_TEXT in t for t in await texts(app, WANG_PHONE)) == 2
    for _ in range(3):  # five sends in all
        app.clock.advance(seconds=61)
        await resend(app, admin, added.invitation.id)
    app.clock.advance(seconds=61)
    before = Snapshot.of(app.db, ignore=("audit",))
    with pytest.raises(DomainError) as limit:
        await resend(app, admin, added.invitation.id)
    assert limit.value.code is ErrorCode.INVITATION_RESEND_LIMIT and Snapshot.of(app.db, ignore=("audit",)) == before
    assert not (await app.enterprises.members.get_member_invitation(admin.principal, added.invitation.id)).resendable

    # The renewed invitation activates.
    wang = await app.verified_user(WANG_PHONE, "王五", ID_WANG)
    assert [(v.enterprise.id, v.role) for v in await app.enterprises.my_memberships(wang.principal)] == [
        (enterprise.id, EnterpriseRole.MEMBER)]
    with pytest.raises(DomainError) as accepted:
        await resend(app, admin, added.invitation.id)
    assert accepted.value.code is ErrorCode.INVITATION_INVALID


async def test_an_invitation_without_its_phone_is_cancelled_not_resent(app: FakeApp):
    """Invitations made before migration 0015 kept only the phone's hash."""
    admin, enterprise = await certified(app)
    added = await add(app, admin, enterprise.id, "王五", WANG_PHONE)
    app.db.rows("member_invitations")[0].phone_ciphertext = None
    app.clock.advance(seconds=61)
    with pytest.raises(DomainError) as err:
        await resend(app, admin, added.invitation.id)
    assert err.value.code is ErrorCode.INVITATION_INVALID and "取消后重新添加" in err.value.message
    assert (await cancel(app, admin, added.invitation.id)).status is MemberInvitationStatus.CANCELLED


async def test_only_the_admin_and_legal_rep_cancel_or_resend(app: FakeApp):
    admin, enterprise = await certified(app)
    added = await add(app, admin, enterprise.id, "王五", WANG_PHONE, MemberRole.MEMBER)
    member = await _plain_member(app, enterprise.id)
    outsider = await app.verified_user("13500135000", "钱七", ID_QIAN)
    app.clock.advance(seconds=61)
    before = Snapshot.of(app.db, ignore=("audit", "sms", "outbox"))
    for act in (cancel, resend):
        with pytest.raises(DomainError) as refused:
            await act(app, member, added.invitation.id)
        assert refused.value.code is ErrorCode.NOT_ENTERPRISE_ADMIN
        with pytest.raises(NotFound) as hidden:
            await act(app, outsider, added.invitation.id)
        with pytest.raises(NotFound) as unknown:
            await act(app, outsider, enterprise.id)  # an id that is no invitation
        assert (hidden.value.message, hidden.value.field) == (unknown.value.message, unknown.value.field)
    assert Snapshot.of(app.db, ignore=("audit", "sms", "outbox")) == before


# ---------------------------------------------------------------- the legal-rep invitation (§5.1.1.2)


async def _invited(app: FakeApp):
    admin, enterprise = await _enterprise(app)
    issued = await app.enterprises.invite_legal_rep_authorization(
        InviteLegalRepCommand(admin.principal, enterprise.id, REP_PHONE, DEFAULT_META))
    await app.deliver()
    return admin, enterprise, issued


async def _live(app: FakeApp, user: User, enterprise_id, live_only=True):
    rows = await app.enterprises.list_legal_rep_invitations(user.principal, enterprise_id, live_only)
    return None if rows is None else [(r.invitation.id, r.status) for r in rows]


def _accept(app: FakeApp, user: User, token: str):
    return app.enterprises.accept_legal_rep_invitation(AcceptLegalRepInvitationCommand(user.principal, token,
                                                                                       DEFAULT_META))


async def test_the_legal_rep_invitation_is_listed_and_cancelled(app: FakeApp):
    admin, enterprise, issued = await _invited(app)
    assert await _live(app, admin, enterprise.id) == [(issued.invitation.id, InvitationStatus.PENDING)]
    member = await _plain_member(app, enterprise.id)
    assert await _live(app, member, enterprise.id) is None
    token = _token_in_sms(app, REP_PHONE)

    cancelled = await app.enterprises.cancel_legal_rep_invitation(CancelLegalRepInvitationCommand(
        admin.principal, issued.invitation.id, DEFAULT_META))
    assert cancelled.status is InvitationStatus.CANCELLED
    assert await _live(app, admin, enterprise.id) == []
    assert await _live(app, admin, enterprise.id, live_only=False) == [(issued.invitation.id,
                                                                        InvitationStatus.CANCELLED)]
    rep = await app.verified_user(REP_PHONE, "李四", ID_LI)
    with pytest.raises(InvitationInvalid):
        await _accept(app, rep, token)
    with pytest.raises(InvitationInvalid):
        await app.enterprises.cancel_legal_rep_invitation(CancelLegalRepInvitationCommand(
            admin.principal, issued.invitation.id, DEFAULT_META))


async def test_cancelling_after_the_link_was_opened_stops_the_signature(app: FakeApp):
    rep = await app.verified_user(REP_PHONE, "李四", ID_LI)
    admin, enterprise, issued = await _invited(app)
    accepted = await _accept(app, rep, _token_in_sms(app, REP_PHONE))
    app.faces.finish(accepted.face.token, passed=True)
    await app.enterprises.cancel_legal_rep_invitation(CancelLegalRepInvitationCommand(
        admin.principal, issued.invitation.id, DEFAULT_META))
    with pytest.raises(InvitationInvalid):
        await _sign(app, rep, accepted.letter.id)
    assert app.db.rows("enterprises")[0].status is CertificationStatus.AWAITING_AUTHORIZATION
    assert [m.account_id for m in app.db.rows("memberships")] == [admin.account_id]


async def test_resending_the_legal_rep_invitation_makes_a_new_link(app: FakeApp):
    admin, enterprise, issued = await _invited(app)
    old_token = _token_in_sms(app, REP_PHONE)
    resend_cmd = ResendLegalRepInvitationCommand(admin.principal, issued.invitation.id, DEFAULT_META)
    with pytest.raises(DomainError) as soon:
        await app.enterprises.resend_legal_rep_invitation(resend_cmd)
    assert soon.value.code is ErrorCode.SMS_COOLDOWN
    app.clock.advance(hours=25)  # expired: resending is how the admin revives it
    assert await _live(app, admin, enterprise.id) == [(issued.invitation.id, InvitationStatus.EXPIRED)]
    again = await app.enterprises.resend_legal_rep_invitation(resend_cmd)
    await app.deliver()
    new_token = _token_in_sms(app, REP_PHONE)
    assert new_token != old_token and parse_qs(urlparse(again.url).query)["token"][0] == new_token
    assert again.invitation.phone == REP_PHONE and again.invitation.id != issued.invitation.id
    assert await _live(app, admin, enterprise.id) == [(again.invitation.id, InvitationStatus.PENDING)]
    assert len([t for t in await texts(app, REP_PHONE) if re.search(r"https?://", t)]) == 2

    rep = await app.verified_user(REP_PHONE, "李四", ID_LI)
    with pytest.raises(InvitationInvalid):
        await _accept(app, rep, old_token)
    accepted = await _accept(app, rep, new_token)
    app.faces.finish(accepted.face.token, passed=True)
    assert (await _sign(app, rep, accepted.letter.id)).enterprise.status is CertificationStatus.CERTIFIED
    with pytest.raises(InvitationInvalid):  # used up: nothing to resend
        await app.enterprises.resend_legal_rep_invitation(ResendLegalRepInvitationCommand(
            admin.principal, again.invitation.id, DEFAULT_META))


async def test_add_cancel_add_cannot_flood_a_phone(app: FakeApp):
    """Cancelling frees the phone at once; three invitations a day to one phone from one enterprise is the most."""
    admin, enterprise = await certified(app)
    for _ in range(3):
        added = await add(app, admin, enterprise.id, "王五", WANG_PHONE)
        await cancel(app, admin, added.invitation.id)
    with pytest.raises(DomainError) as flood:
        await add(app, admin, enterprise.id, "王五", WANG_PHONE)
    assert (flood.value.code, flood.value.field) == (ErrorCode.INVITATION_RESEND_LIMIT, "phone")
    assert sum(INVITE_TEXT in t for t in await texts(app, WANG_PHONE)) == 3
    app.clock.advance(days=1, seconds=1)
    assert (await add(app, admin, enterprise.id, "王五", WANG_PHONE)).invitation is not None
