"""§8.4 管理员转授 on fakes: the admin (or the legal rep) picks a member, the legal rep signs the transfer letter,
the roles swap in one transaction; everyone else is refused and nothing changes."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID, uuid4

import pytest

from application.enterprises.approve_admin_transfer import ApproveAdminTransferCommand
from application.enterprises.authorization_letters import SignAuthorizationLetterCommand
from application.enterprises.request_admin_transfer import RequestAdminTransferCommand
from application.global_ids import global_id
from application.seals.signature_appearances import AppearanceKind
from domain.accounts.sms import SmsPurpose
from domain.enterprises.admin_transfer import (
    AdminTransferClosed,
    AdminTransferOutdated,
    AdminTransferPending,
    AdminTransferStatus,
    AdminTransferTargetInvalid,
)
from domain.enterprises.enterprise import (
    EnterpriseNotCertified,
    EnterpriseRole,
    Membership,
    NotLegalRepresentative,
)
from domain.enterprises.members import NotEnterpriseAdmin
from domain.errors import Conflict, NotFound, SmsCodeInvalid
from tests.app_fixture import (
    CREDIT_CODE_2,
    DEFAULT_META,
    ID_LI,
    ID_WANG,
    ID_ZHANG,
    FakeApp,
    User,
    id_number,
    wrong_code,
)

ZHANG, LI, WANG, ZHAO = "13800138000", "13900139000", "13700137000", "13600136000"


@dataclass
class Company:
    enterprise_id: UUID
    legal_rep: User
    admin: User  # the legal rep too in the first shape


async def join(app: FakeApp, user: User, enterprise_id: UUID) -> Membership:
    """A plain member, as joining (§5.2) or adding (§8.1) makes one."""
    async with app.uow() as uow:
        m = Membership(enterprise_id=enterprise_id, account_id=user.account_id, joined_at=app.clock.now())
        uow.memberships.add(m)
        await uow.commit()
    return m


async def certify(app: FakeApp, rep: User, enterprise_id: UUID) -> None:
    prepared = await app.enterprises.prepare_authorization_letter(rep.principal, enterprise_id)
    code = await app.send_code(rep.phone, SmsPurpose.SIGN, principal=rep.principal)
    await app.enterprises.sign_authorization_letter(SignAuthorizationLetterCommand(
        rep.principal, prepared.letter.id, (AppearanceKind.NAME_SIGNATURE, rep.account_id), code, DEFAULT_META))
    app.clock.advance(seconds=61)


async def rep_is_admin(app: FakeApp) -> Company:
    zhang = await app.verified_user(ZHANG, "张三", ID_ZHANG)
    created = await app.create_enterprise(zhang)
    await certify(app, zhang, created.enterprise.id)
    return Company(created.enterprise.id, zhang, zhang)


async def admin_is_not_rep(app: FakeApp) -> Company:
    wang = await app.verified_user(WANG, "王五", ID_WANG)
    created = await app.create_enterprise(wang, credit_code=CREDIT_CODE_2)
    zhang = await app.verified_user(ZHANG, "张三", ID_ZHANG)  # verifies later: linked as legal rep
    await certify(app, zhang, created.enterprise.id)
    return Company(created.enterprise.id, zhang, wang)


async def request(app: FakeApp, user: User, enterprise_id: UUID, member_id: UUID):
    return await app.enterprises.request_admin_transfer(RequestAdminTransferCommand(
        user.principal, enterprise_id, member_id, DEFAULT_META))


async def approve(app: FakeApp, user: User, transfer_id: UUID, *, code: str | None = None,
                  appearance: tuple | None = None):
    if code is None:
        code = await app.send_code(user.phone, SmsPurpose.SIGN, principal=user.principal)
        app.clock.advance(seconds=61)
    return await app.enterprises.approve_admin_transfer(ApproveAdminTransferCommand(
        user.principal, transfer_id, appearance or (AppearanceKind.NAME_SIGNATURE, user.account_id), code,
        DEFAULT_META))


def roles(app: FakeApp, enterprise_id: UUID) -> dict[UUID, tuple[bool, bool]]:
    return {m.account_id: (m.is_admin, m.is_legal_rep) for m in app.db.rows("memberships")
            if m.enterprise_id == enterprise_id}


async def test_the_legal_rep_admin_hands_admin_to_a_member_and_signs_the_letter(app: FakeApp):
    c = await rep_is_admin(app)
    li = await app.verified_user(LI, "李四", ID_LI)
    target = await join(app, li, c.enterprise_id)

    r = await request(app, c.admin, c.enterprise_id, target.id)
    t = r.transfer
    assert t.status is AdminTransferStatus.PENDING and t.letter_sha256
    pdf = await app.enterprises.read_admin_transfer_letter(li.principal, t.id, signed=False)
    assert pdf is not None and "李四" in pdf.decode()
    assert "张三" in pdf.decode() and "ZS" in pdf.decode()  # the current admin's name and the letter number
    await app.deliver()
    notice = [m for m in app.sms.to(ZHANG) if m.purpose == "NOTICE"]
    assert len(notice) == 1 and "管理员变更授权书" in notice[0].text and "李四" in notice[0].text

    done = await approve(app, c.legal_rep, t.id)
    assert done.transfer.status is AdminTransferStatus.APPROVED and done.transfer.signed_at is not None
    assert done.membership.role is EnterpriseRole.LEGAL_REP and done.enterprise.id == c.enterprise_id
    assert roles(app, c.enterprise_id) == {c.legal_rep.account_id: (False, True), li.account_id: (True, False)}
    stored = app.db.rows("admin_transfers")[0]
    assert stored.status is AdminTransferStatus.APPROVED and stored.pending_enterprise_id is None
    # Signed with a fresh event certificate naming the legal rep, visibly, as the authorisation letter is.
    event, signature = app.transfer_letters.signed[-1]
    assert event.certificate.profile == "EVENT" and "CN=张三" in event.certificate.subject_dn
    assert signature.image_png is not None and signature.lines == ("法定代表人：张三",)
    signed = await app.enterprises.read_admin_transfer_letter(li.principal, t.id, signed=True)
    assert signed is not None and signed.endswith(event.certificate.serial.encode())
    assert [e.kind for e in app.db.audit_events() if e.kind.startswith("enterprise.admin")] == [
        "enterprise.admin_transfer_requested", "enterprise.admin_transferred"]


async def test_an_admin_who_is_not_the_legal_rep_requests_and_the_legal_rep_approves(app: FakeApp):
    c = await admin_is_not_rep(app)
    li = await app.verified_user(LI, "李四", ID_LI)
    target = await join(app, li, c.enterprise_id)
    r = await request(app, c.admin, c.enterprise_id, target.id)
    # Only the legal rep signs: not the admin who asked, not the member who gains admin.
    for someone in (c.admin, li):
        with pytest.raises(NotLegalRepresentative):
            await approve(app, someone, r.transfer.id)
    assert roles(app, c.enterprise_id)[c.admin.account_id] == (True, False)
    done = await approve(app, c.legal_rep, r.transfer.id)
    assert done.membership.role is EnterpriseRole.LEGAL_REP
    assert roles(app, c.enterprise_id) == {c.admin.account_id: (False, False), c.legal_rep.account_id: (False, True),
                                           li.account_id: (True, False)}


async def test_the_legal_rep_who_is_not_admin_may_move_admin_too(app: FakeApp):
    c = await admin_is_not_rep(app)
    li = await app.verified_user(LI, "李四", ID_LI)
    target = await join(app, li, c.enterprise_id)
    r = await request(app, c.legal_rep, c.enterprise_id, target.id)
    assert r.transfer.from_admin_name == "王五"
    await approve(app, c.legal_rep, r.transfer.id)
    assert roles(app, c.enterprise_id)[c.admin.account_id] == (False, False)
    # SPEC §0: still exactly one admin, now the receiver.
    assert [a for a, (admin, _rep) in roles(app, c.enterprise_id).items() if admin] == [li.account_id]


async def test_a_plain_member_may_not_request(app: FakeApp):
    c = await rep_is_admin(app)
    li = await app.verified_user(LI, "李四", ID_LI)
    zhao = await app.verified_user(ZHAO, "王五", ID_WANG)
    await join(app, li, c.enterprise_id)
    other = await join(app, zhao, c.enterprise_id)
    with pytest.raises(NotEnterpriseAdmin):
        await request(app, li, c.enterprise_id, other.id)
    assert app.db.rows("admin_transfers") == []


async def test_outsiders_learn_nothing(app: FakeApp):
    c = await rep_is_admin(app)
    li = await app.verified_user(LI, "李四", ID_LI)
    target = await join(app, li, c.enterprise_id)
    r = await request(app, c.admin, c.enterprise_id, target.id)
    outsider = await app.verified_user(WANG, "王五", ID_WANG)
    with pytest.raises(NotFound) as err:
        await request(app, outsider, c.enterprise_id, target.id)
    assert err.value.field == "enterpriseId"
    with pytest.raises(NotFound) as err:
        await approve(app, outsider, r.transfer.id)
    assert err.value.field == "transferId"
    for signed in (False, True):
        assert await app.enterprises.read_admin_transfer_letter(outsider.principal, r.transfer.id,
                                                                signed=signed) is None


async def test_a_wrong_sms_code_changes_nothing(app: FakeApp):
    c = await rep_is_admin(app)
    li = await app.verified_user(LI, "李四", ID_LI)
    target = await join(app, li, c.enterprise_id)
    r = await request(app, c.admin, c.enterprise_id, target.id)
    code = await app.send_code(ZHANG, SmsPurpose.SIGN, principal=c.legal_rep.principal)
    with pytest.raises(SmsCodeInvalid):
        await approve(app, c.legal_rep, r.transfer.id, code=wrong_code(code))
    assert roles(app, c.enterprise_id)[c.admin.account_id] == (True, True)
    assert app.db.rows("admin_transfers")[0].status is AdminTransferStatus.PENDING
    assert app.transfer_letters.signed == []


async def test_the_receiver_must_be_a_verified_member_without_admin(app: FakeApp):
    c = await rep_is_admin(app)
    me = app.db.rows("memberships")[0]
    with pytest.raises(NotFound) as err:
        await request(app, c.admin, c.enterprise_id, uuid4())
    assert err.value.field == "toMemberId"
    # A member of another enterprise is no member of this one.
    wang = await app.verified_user(WANG, "王五", ID_WANG)
    elsewhere = await app.create_enterprise(wang, credit_code=CREDIT_CODE_2, legal_rep_name="王五",
                                            legal_rep_id_number=ID_WANG)
    with pytest.raises(NotFound):
        await request(app, c.admin, c.enterprise_id, elsewhere.membership.id)
    with pytest.raises(AdminTransferTargetInvalid):
        await request(app, c.admin, c.enterprise_id, me.id)
    unverified = await app.register_user(LI)
    m = await join(app, unverified, c.enterprise_id)
    with pytest.raises(AdminTransferTargetInvalid) as err:
        await request(app, c.admin, c.enterprise_id, m.id)
    assert "实名" in err.value.message
    assert app.db.rows("admin_transfers") == []


async def test_an_enterprise_not_yet_certified_cannot_transfer(app: FakeApp):
    zhang = await app.verified_user(ZHANG, "张三", ID_ZHANG)
    created = await app.create_enterprise(zhang)
    li = await app.verified_user(LI, "李四", ID_LI)
    target = await join(app, li, created.enterprise.id)
    with pytest.raises(EnterpriseNotCertified):
        await request(app, zhang, created.enterprise.id, target.id)


async def test_one_pending_transfer_per_enterprise_until_it_expires(app: FakeApp):
    c = await rep_is_admin(app)
    li = await app.verified_user(LI, "李四", ID_LI)
    wang = await app.verified_user(WANG, "王五", ID_WANG)
    to_li, to_wang = await join(app, li, c.enterprise_id), await join(app, wang, c.enterprise_id)
    first = await request(app, c.admin, c.enterprise_id, to_li.id)
    blobs = len(app.blobs.blobs)
    with pytest.raises(AdminTransferPending):
        await request(app, c.admin, c.enterprise_id, to_wang.id)
    assert len(app.blobs.blobs) == blobs  # nothing rendered in vain
    app.clock.advance(days=7)
    with pytest.raises(AdminTransferClosed):
        await approve(app, c.legal_rep, first.transfer.id)
    second = await request(app, c.admin, c.enterprise_id, to_wang.id)
    statuses = {t.id: t.status for t in app.db.rows("admin_transfers")}
    assert statuses == {first.transfer.id: AdminTransferStatus.EXPIRED, second.transfer.id: AdminTransferStatus.PENDING}
    await approve(app, c.legal_rep, second.transfer.id)
    assert roles(app, c.enterprise_id)[wang.account_id] == (True, False)


async def test_when_the_receiver_left_before_the_signature_nothing_changes(app: FakeApp):
    c = await rep_is_admin(app)
    li = await app.verified_user(LI, "李四", ID_LI)
    target = await join(app, li, c.enterprise_id)
    r = await request(app, c.admin, c.enterprise_id, target.id)
    del app.db.tables["memberships"][target.id]  # removed from the enterprise (§8.1) meanwhile
    with pytest.raises(AdminTransferOutdated):
        await approve(app, c.legal_rep, r.transfer.id)
    assert roles(app, c.enterprise_id) == {c.admin.account_id: (True, True)}
    assert app.transfer_letters.signed == []
    # The stale request does not block a new one.
    wang = await app.verified_user(WANG, "王五", ID_WANG)
    again = await request(app, c.admin, c.enterprise_id, (await join(app, wang, c.enterprise_id)).id)
    assert app.db.tables["admin_transfers"][r.transfer.id].status is AdminTransferStatus.CANCELLED
    assert again.transfer.is_pending


async def test_roles_moving_during_the_signature_leave_everything_as_it_was(app: FakeApp):
    c = await admin_is_not_rep(app)
    li = await app.verified_user(LI, "李四", ID_LI)
    target = await join(app, li, c.enterprise_id)
    r = await request(app, c.admin, c.enterprise_id, target.id)
    code = await app.send_code(ZHANG, SmsPurpose.SIGN, principal=c.legal_rep.principal)
    blobs = set(app.blobs.blobs)

    async def admin_dropped(rival):
        giver = await rival.memberships.of(c.enterprise_id, c.admin.account_id)
        giver.is_admin = False

    async def nothing(rival):
        return None

    app.uow.interleave(nothing)  # before the code's own transaction commits
    app.uow.interleave(nothing)  # before the event certificate's
    app.uow.interleave(admin_dropped)  # slips in before the swap commits
    with pytest.raises((AdminTransferOutdated, Conflict)):
        await approve(app, c.legal_rep, r.transfer.id, code=code)
    assert roles(app, c.enterprise_id)[li.account_id] == (False, False)
    assert app.db.tables["admin_transfers"][r.transfer.id].status is AdminTransferStatus.PENDING
    assert set(app.blobs.blobs) == blobs  # the signed copy is not left behind


async def test_the_legal_rep_finds_the_transfer_from_his_sms_link_and_his_own_queries(app: FakeApp):
    c = await admin_is_not_rep(app)
    li = await app.verified_user(LI, "李四", ID_LI)
    target = await join(app, li, c.enterprise_id)
    r = await request(app, c.admin, c.enterprise_id, target.id)
    # The SMS carries the link (the QR code's content too) with the global ID the API takes.
    assert r.approval_url == r.qr_content == (
        f"https://sxq.example/l/admin-transfer?id={global_id('AdminTransfer', r.transfer.id)}")
    await app.deliver()
    [notice] = [m for m in app.sms.to(ZHANG) if m.purpose == "NOTICE" and "管理员变更授权书" in m.text]
    assert notice.text.endswith(r.approval_url)

    q = app.enterprises
    for who in (c.legal_rep, c.admin):
        [pending] = await q.list_enterprise_admin_transfers(who.principal, c.enterprise_id, pending_only=True)
        assert (pending.transfer.id, pending.status) == (r.transfer.id, AdminTransferStatus.PENDING)
        found = await q.get_admin_transfer(who.principal, r.transfer.id)
        assert found is not None and found.status is AdminTransferStatus.PENDING
    await approve(app, c.legal_rep, r.transfer.id)
    for who in (c.legal_rep, li):  # li is the admin now
        assert await q.list_enterprise_admin_transfers(who.principal, c.enterprise_id, pending_only=True) == []
        [done] = await q.list_enterprise_admin_transfers(who.principal, c.enterprise_id)
        assert done.status is AdminTransferStatus.APPROVED
    # The former admin (a plain member now) still sees the transfer that concerned him, not the list.
    seen = await q.get_admin_transfer(c.admin.principal, r.transfer.id)
    assert seen is not None and seen.status is AdminTransferStatus.APPROVED
    assert await q.list_enterprise_admin_transfers(c.admin.principal, c.enterprise_id) == []


async def test_a_transfer_is_hidden_from_members_it_does_not_concern_and_from_outsiders(app: FakeApp):
    c = await rep_is_admin(app)
    li = await app.verified_user(LI, "李四", ID_LI)
    target = await join(app, li, c.enterprise_id)
    bystander_user = await app.verified_user(WANG, "王五", ID_WANG)
    await join(app, bystander_user, c.enterprise_id)
    outsider = await app.verified_user(ZHAO, "赵六", id_number("11010119900307001"))
    r = await request(app, c.admin, c.enterprise_id, target.id)
    q = app.enterprises
    # The receiver sees it (it is about him), but does not get the enterprise's list.
    assert (await q.get_admin_transfer(li.principal, r.transfer.id)).status is AdminTransferStatus.PENDING
    assert await q.read_admin_transfer_letter(li.principal, r.transfer.id, signed=False) is not None
    assert await q.list_enterprise_admin_transfers(li.principal, c.enterprise_id) == []
    for who in (bystander_user.principal, outsider.principal, None):
        assert await q.get_admin_transfer(who, r.transfer.id) is None
        assert await q.read_admin_transfer_letter(who, r.transfer.id, signed=False) is None
        assert await q.list_enterprise_admin_transfers(who, c.enterprise_id) == []
    assert await q.get_admin_transfer(c.admin.principal, uuid4()) is None


async def test_a_pending_transfer_that_can_no_longer_take_effect_is_not_offered_for_signing(app: FakeApp):
    c = await admin_is_not_rep(app)
    li = await app.verified_user(LI, "李四", ID_LI)
    target = await join(app, li, c.enterprise_id)
    r = await request(app, c.admin, c.enterprise_id, target.id)
    app.clock.advance(days=7)
    q = app.enterprises
    assert await q.list_enterprise_admin_transfers(c.legal_rep.principal, c.enterprise_id, pending_only=True) == []
    [expired] = await q.list_enterprise_admin_transfers(c.legal_rep.principal, c.enterprise_id)
    assert expired.status is AdminTransferStatus.EXPIRED and expired.transfer.id == r.transfer.id
