"""The enterprise chapter's authorisation matrix (issue 6, SPEC §3 "everyone sees and changes only what their role
allows"): every enterprise mutation is called by the legal rep, the admin, a plain member, an outsider and an
anonymous caller, each in a world of its own. Only the allowed roles succeed; every refusal leaves the stored state
exactly as it was, and an outsider is told exactly what they would be told about an enterprise that does not exist.

The world: 李四 created 北京数信科技有限公司 (certified) and 上海数信科技有限公司 (not yet), both naming 张三 as legal
rep; 张三 verified afterwards and was linked as LEGAL_REP to both; 王五 is a plain member of both; 赵六 is verified and
belongs to neither."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import parse_qs, urlparse
from uuid import UUID, uuid4

import pytest

from application.certificates.claim_enterprise_certificate import ClaimEnterpriseCertificateCommand
from application.commerce.place_order import PlaceOrderCommand
from application.context import Principal
from application.enterprises.add_member import AddMemberCommand
from application.enterprises.apply_for_enterprise_service import ApplyForEnterpriseServiceCommand
from application.enterprises.apply_to_join import ApplyToJoinEnterpriseCommand
from application.enterprises.approve_admin_transfer import ApproveAdminTransferCommand
from application.enterprises.approve_service_application import ApproveServiceApplicationCommand
from application.enterprises.authorization_letters import SignAuthorizationLetterCommand
from application.enterprises.cancel_legal_rep_invitation import CancelLegalRepInvitationCommand
from application.enterprises.cancel_member_invitation import CancelMemberInvitationCommand
from application.enterprises.confirm_bank_transfer import ConfirmBankTransferCommand
from application.enterprises.decide_join_application import DecideJoinApplicationCommand
from application.enterprises.gift_service import GiftServiceCommand
from application.enterprises.legal_rep_invitations import (
    AcceptLegalRepInvitationCommand,
    InviteLegalRepCommand,
)
from application.enterprises.reject_service_application import RejectServiceApplicationCommand
from application.enterprises.remove_member import RemoveMemberCommand
from application.enterprises.request_admin_transfer import RequestAdminTransferCommand
from application.enterprises.request_enterprise_change import RequestEnterpriseChangeCommand
from application.enterprises.resend_legal_rep_invitation import ResendLegalRepInvitationCommand
from application.enterprises.resend_member_invitation import ResendMemberInvitationCommand
from application.enterprises.start_bank_transfer import StartBankTransferCommand
from application.grants.approve_certificate_grant import ApproveCertificateGrantCommand
from application.grants.create_certificate_grant import CreateCertificateGrantCommand
from application.grants.revoke_certificate_grant import RevokeCertificateGrantCommand
from application.identity.submit_manual_verification import UploadedImage
from application.seals.change_seal_face import ChangeSealFaceCommand
from application.seals.create_enterprise_seal import CreateEnterpriseSealCommand
from application.seals.revoke_seal import RevokeSealCommand
from application.seals.seal_acts import CHANGE_FACE, CREATE_ENTERPRISE, REVOKE
from application.seals.signature_appearances import AppearanceKind
from application.signing.cosigning import NeedsCoSignature
from domain.accounts.sms import SmsPurpose
from domain.commerce.entitlement import Entitlement, HolderKind, ScanOperation
from domain.enterprises.enterprise import Membership
from domain.enterprises.members import MemberRole
from domain.errors import DomainError, Unauthenticated
from domain.seals.seal import SealKind, SealStyle
from sxq_phone import OnScreen
from tests.app_fixture import (
    CREDIT_CODE_2,
    DEFAULT_META,
    ID_LI,
    ID_WANG,
    ID_ZHANG,
    FakeApp,
    User,
)
from tests.fakes import Snapshot, png
from tests.support.data import id_number

ROLES = ("legal_rep", "admin", "member", "outsider", "anonymous")
ID_ZHAO = id_number("19920101", "110101", "515")
ID_QIAN = id_number("19930202", "110101", "626")
ACCOUNT = "6222020200112233445"
BANK = "中国工商银行北京海淀支行"
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# Not the enterprise's state: the audit trail (refusals are audited) and the SMS codes the acts request first.
IGNORED = ("audit", "sms", "outbox")


@dataclass
class World:
    app: FakeApp
    people: dict[str, User]
    certified: UUID  # 北京数信科技有限公司
    draft: UUID  # 上海数信科技有限公司
    member_of_certified: UUID  # 王五's membership there

    def principal(self, role: str) -> Principal | None:
        return None if role == "anonymous" else self.people[role].principal


async def build_world(app: FakeApp) -> World:
    admin = await app.verified_user("13900139001", "李四", ID_LI)
    certified = (await app.create_enterprise(admin, legal_rep_name="张三", legal_rep_id_number=ID_ZHANG)).enterprise
    draft = (await app.create_enterprise(admin, name="上海数信科技有限公司", credit_code=CREDIT_CODE_2,
                                         legal_rep_name="张三", legal_rep_id_number=ID_ZHANG)).enterprise
    rep = await app.verified_user("13800138000", "张三", ID_ZHANG)  # linked as LEGAL_REP to both on verifying
    prepared = await app.enterprises.prepare_authorization_letter(rep.principal, certified.id)
    code = await app.send_code(rep.phone, SmsPurpose.SIGN, principal=rep.principal)
    await app.enterprises.sign_authorization_letter(SignAuthorizationLetterCommand(
        rep.principal, prepared.letter.id, (AppearanceKind.NAME_SIGNATURE, rep.account_id), code, DEFAULT_META))
    member = await app.verified_user("13700137001", "王五", ID_WANG)
    outsider = await app.verified_user("13600136001", "赵六", ID_ZHAO)
    async with app.uow() as uow:
        memberships = [Membership(enterprise_id=e, account_id=member.account_id, joined_at=app.clock.now())
                       for e in (certified.id, draft.id)]
        for m in memberships:
            uow.memberships.add(m)
        await uow.commit()
    return World(app, {"legal_rep": rep, "admin": admin, "member": member, "outsider": outsider},
                 certified.id, draft.id, memberships[0].id)


# Each case: (name, allowed roles, setup(world) -> state, act(world, principal, state, target enterprise id)).
# `target` is the world's enterprise, or a random id when checking what an outsider learns.
Act = Callable[[World, Principal | None, object, UUID], Awaitable[object]]


async def _nothing(w: World) -> None:
    return None


async def _letter(w: World):
    rep = w.people["legal_rep"]
    return (await w.app.enterprises.prepare_authorization_letter(rep.principal, w.draft)).letter.id


async def _sign(w: World, p, letter_id, target):
    if target == "random":
        w.app.clock.advance(seconds=61)  # past the SMS cooldown of the first try
    phone = next((u.phone for u in w.people.values() if p is not None and u.account_id == p.id), "13800138000")
    code = await w.app.send_code(phone, SmsPurpose.SIGN, principal=p) if p is not None else "000000"
    return await w.app.enterprises.sign_authorization_letter(SignAuthorizationLetterCommand(
        p, letter_id if target != "random" else uuid4(),
        (AppearanceKind.NAME_SIGNATURE, p.id if p else uuid4()), code, DEFAULT_META))


async def _invitation(w: World):
    issued = await w.app.enterprises.invite_legal_rep_authorization(InviteLegalRepCommand(
        w.people["admin"].principal, w.draft, w.people["legal_rep"].phone, DEFAULT_META))
    return parse_qs(urlparse(issued.url).query)["token"][0]


async def _legal_rep_invitation(w: World):
    """The admin's live legal-rep invitation for the draft enterprise, a minute old (past the resend cooldown)."""
    issued = await w.app.enterprises.invite_legal_rep_authorization(InviteLegalRepCommand(
        w.people["admin"].principal, w.draft, w.people["legal_rep"].phone, DEFAULT_META))
    w.app.clock.advance(seconds=61)
    return issued.invitation.id


async def _member_invitation(w: World):
    """The admin's invitation of an unregistered phone to the certified enterprise, a minute old."""
    added = await w.app.enterprises.members.add_member(AddMemberCommand(
        w.people["admin"].principal, w.certified, "孙八", "13300133001", MemberRole.MEMBER, DEFAULT_META))
    w.app.clock.advance(seconds=61)
    return added.invitation.id


async def _transfer(w: World):
    t = await w.app.enterprises.transfers.start_bank_transfer(StartBankTransferCommand(
        w.people["admin"].principal, w.draft, ACCOUNT, BANK, DEFAULT_META))
    return t.id


async def _application(w: World):
    applicant = await w.app.verified_user("13500135001", "钱七", ID_QIAN)
    admin = w.people["admin"]
    a = await w.app.enterprises.members.apply_to_join(ApplyToJoinEnterpriseCommand(
        applicant.principal, "北京数信科技有限公司", "李四", admin.phone, "参与投标", DEFAULT_META))
    return a.id


async def _admin_transfer(w: World):
    r = await w.app.enterprises.request_admin_transfer(RequestAdminTransferCommand(
        w.people["admin"].principal, w.certified, w.member_of_certified, DEFAULT_META))
    return r.transfer.id


async def _approve(w: World, p, transfer_id, target):
    if target == "random":
        w.app.clock.advance(seconds=61)  # past the SMS cooldown of the first try
    phone = next((u.phone for u in w.people.values() if p is not None and u.account_id == p.id), "13800138000")
    code = await w.app.send_code(phone, SmsPurpose.SIGN, principal=p) if p is not None else "000000"
    return await w.app.enterprises.approve_admin_transfer(ApproveAdminTransferCommand(
        p, transfer_id if target != "random" else uuid4(),
        (AppearanceKind.NAME_SIGNATURE, p.id if p else uuid4()), code, DEFAULT_META))


async def _enterprise_plan(w: World):
    platform = await w.app.trading_platform()
    return (await w.app.service_plan(platform.id, subject="ENTERPRISE", name="企业标准版", price_fen=199_900)).id


async def _enterprise_entitlement(w: World):
    now = w.app.clock.now()
    ent = Entitlement(holder_kind=HolderKind.ENTERPRISE, holder_id=w.certified, platform_id=uuid4(), plan_id=uuid4(),
                      order_id=uuid4(), operations=["LOGIN", "SIGN"], valid_from=now,
                      valid_until=now + timedelta(days=365))
    async with w.app.uow() as uow:
        uow.entitlements.add(ent)
        await uow.commit()
    return ent.id


async def _cosigned(w: World, p: Principal | None, action: str, run: Callable[[object], Awaitable[object]]):
    """Both calls of an act a co-signature approves (SPEC §C). A refused role is refused at the first call, before
    any request is made; an allowed one gets a request, its phone co-signs, and it goes again."""
    first = await run(None)
    assert isinstance(first, NeedsCoSignature), first
    (co,) = w.app.phones.co_sign(p.id, first.requests, OnScreen.act(action))
    return await run(co)


async def _enrol_everyone(w: World) -> None:
    """Everyone has an enrolled signing key, so only the role decides."""
    for user in w.people.values():
        if not w.app.phones.has(user.account_id):
            await w.app.enrol(user)


async def _claimable(w: World):
    await _enrol_everyone(w)
    return await _enterprise_entitlement(w)


async def _org_certificate(w: World) -> None:
    """§8.2 needs the org certificate."""
    await _enrol_everyone(w)
    await w.app.claim_enterprise(w.people["legal_rep"], w.certified, await _enterprise_entitlement(w))


async def _org_seal(w: World):
    """A contract seal the legal rep made (and administers): the admin and legal rep manage it, nobody else."""
    await _org_certificate(w)
    rep = w.people["legal_rep"]
    view = await _cosigned(w, rep.principal, CREATE_ENTERPRISE, lambda co: (
        w.app.enterprise_seals.create_enterprise_seal(CreateEnterpriseSealCommand(
            rep.principal, w.certified, "合同专用章", SealKind.CONTRACT, co, meta=DEFAULT_META))))
    return view.seal.id


async def _service_application(w: World):
    """王五 (the plain member) applies for the enterprise plan; returns (application id, plan id)."""
    plan_id = await _enterprise_plan(w)
    r = await w.app.enterprises.services.apply_for_enterprise_service(ApplyForEnterpriseServiceCommand(
        w.people["member"].principal, w.certified, plan_id, DEFAULT_META))
    return r.application.id, plan_id


async def _approve_service(w: World, p, state, target):
    if target == "random":
        w.app.clock.advance(seconds=61)  # past the SMS cooldown of the first try
    phone = next((u.phone for u in w.people.values() if p is not None and u.account_id == p.id), "13800138000")
    code = await w.app.send_code(phone, SmsPurpose.SIGN, principal=p) if p is not None else "000000"
    return await w.app.enterprises.services.approve_service_application(ApproveServiceApplicationCommand(
        p, state[0] if target != "random" else uuid4(), (AppearanceKind.NAME_SIGNATURE, p.id if p else uuid4()),
        code, DEFAULT_META))


async def _approved_service_application(w: World):
    state = await _service_application(w)
    await _approve_service(w, w.people["legal_rep"].principal, state, "world")
    return state


async def _personal_plan(w: World):
    platform = await w.app.trading_platform()
    return (await w.app.service_plan(platform.id)).id


async def _grantable(w: World):
    """§8.5 needs the org certificate and an enterprise entitlement on the platform: returns (platform, plan)."""
    await _org_certificate(w)
    platform = await w.app.trading_platform()
    plan = await w.app.service_plan(platform.id, subject="ENTERPRISE", name="企业标准版", price_fen=199_900)
    now = w.app.clock.now()
    async with w.app.uow() as uow:
        uow.entitlements.add(Entitlement(
            holder_kind=HolderKind.ENTERPRISE, holder_id=w.certified, platform_id=platform.id, plan_id=plan.id,
            order_id=uuid4(), operations=["LOGIN", "SIGN"], valid_from=now, valid_until=now + timedelta(days=365)))
        await uow.commit()
    return platform.id, plan.id


def _grant_command(w: World, p, platform_id: UUID, enterprise_id: UUID) -> CreateCertificateGrantCommand:
    return CreateCertificateGrantCommand(p, enterprise_id, w.member_of_certified, platform_id, [ScanOperation.LOGIN],
                                         w.app.clock.now().date() + timedelta(days=30), DEFAULT_META)


async def _grant(w: World):
    """The admin (李四) grants 王五 the org certificate for LOGIN; returns (grant id, plan id)."""
    platform_id, plan_id = await _grantable(w)
    g = await w.app.grants.create_certificate_grant(_grant_command(w, w.people["admin"].principal, platform_id,
                                                                   w.certified))
    return g.id, plan_id


async def _approve_grant(w: World, p, state, target):
    if target == "random":
        w.app.clock.advance(seconds=61)  # past the SMS cooldown of the first try
    phone = next((u.phone for u in w.people.values() if p is not None and u.account_id == p.id), "13800138000")
    code = await w.app.send_code(phone, SmsPurpose.SIGN, principal=p) if p is not None else "000000"
    return await w.app.grants.approve_certificate_grant(ApproveCertificateGrantCommand(
        p, state[0] if target != "random" else uuid4(), (AppearanceKind.NAME_SIGNATURE, p.id if p else uuid4()),
        code, DEFAULT_META))


async def _approved_grant(w: World):
    state = await _grant(w)
    await _approve_grant(w, w.people["legal_rep"].principal, state, "world")
    return state


def _pick(w: World, target, own: UUID) -> UUID:
    return uuid4() if target == "random" else own


CASES: list[tuple[str, set[str], Callable[[World], Awaitable[object]], Act]] = [
    ("prepareAuthorizationLetter", {"legal_rep"}, _nothing,
     lambda w, p, s, t: w.app.enterprises.prepare_authorization_letter(p, _pick(w, t, w.draft))),
    ("signAuthorizationLetter", {"legal_rep"}, _letter, _sign),
    ("inviteLegalRepAuthorization", {"legal_rep", "admin"}, _nothing,
     lambda w, p, s, t: w.app.enterprises.invite_legal_rep_authorization(InviteLegalRepCommand(
         p, _pick(w, t, w.draft), "13800138000", DEFAULT_META))),
    ("acceptLegalRepInvitation", {"legal_rep"}, _invitation,
     lambda w, p, token, t: w.app.enterprises.accept_legal_rep_invitation(AcceptLegalRepInvitationCommand(
         p, token if t != "random" else "bogus-token", DEFAULT_META))),
    ("startBankTransferVerification", {"legal_rep", "admin"}, _nothing,
     lambda w, p, s, t: w.app.enterprises.transfers.start_bank_transfer(StartBankTransferCommand(
         p, _pick(w, t, w.draft), ACCOUNT, BANK, DEFAULT_META))),
    ("confirmBankTransfer", {"legal_rep", "admin"}, _transfer,
     lambda w, p, transfer_id, t: w.app.enterprises.transfers.confirm_bank_transfer(ConfirmBankTransferCommand(
         p, _pick(w, t, transfer_id), w.app.bank.code_sent_to(ACCOUNT), UploadedImage(PDF, "letter.pdf"),
         DEFAULT_META))),
    ("decideJoinApplication", {"legal_rep", "admin"}, _application,
     lambda w, p, application_id, t: w.app.enterprises.members.decide_join_application(
         DecideJoinApplicationCommand(p, _pick(w, t, application_id), True, DEFAULT_META))),
    ("addMember", {"legal_rep", "admin"}, _nothing,
     lambda w, p, s, t: w.app.enterprises.members.add_member(AddMemberCommand(
         p, _pick(w, t, w.certified), "孙八", "13300133001", MemberRole.MEMBER, DEFAULT_META))),
    ("removeMember", {"legal_rep", "admin"}, _nothing,
     lambda w, p, s, t: w.app.enterprises.members.remove_member(RemoveMemberCommand(
         p, _pick(w, t, w.member_of_certified), DEFAULT_META))),
    ("cancelMemberInvitation", {"legal_rep", "admin"}, _member_invitation,
     lambda w, p, inv_id, t: w.app.enterprises.members.cancel_member_invitation(CancelMemberInvitationCommand(
         p, _pick(w, t, inv_id), DEFAULT_META))),
    ("resendMemberInvitation", {"legal_rep", "admin"}, _member_invitation,
     lambda w, p, inv_id, t: w.app.enterprises.members.resend_member_invitation(ResendMemberInvitationCommand(
         p, _pick(w, t, inv_id), DEFAULT_META))),
    ("cancelLegalRepInvitation", {"legal_rep", "admin"}, _legal_rep_invitation,
     lambda w, p, inv_id, t: w.app.enterprises.cancel_legal_rep_invitation(CancelLegalRepInvitationCommand(
         p, _pick(w, t, inv_id), DEFAULT_META))),
    ("resendLegalRepInvitation", {"legal_rep", "admin"}, _legal_rep_invitation,
     lambda w, p, inv_id, t: w.app.enterprises.resend_legal_rep_invitation(ResendLegalRepInvitationCommand(
         p, _pick(w, t, inv_id), DEFAULT_META))),
    ("requestAdminTransfer", {"legal_rep", "admin"}, _nothing,
     lambda w, p, s, t: w.app.enterprises.request_admin_transfer(RequestAdminTransferCommand(
         p, _pick(w, t, w.certified), w.member_of_certified, DEFAULT_META))),
    ("approveAdminTransfer", {"legal_rep"}, _admin_transfer, _approve),
    ("requestEnterpriseChange", {"legal_rep", "admin"}, _nothing,
     lambda w, p, s, t: w.app.enterprises.transfers.request_enterprise_change(RequestEnterpriseChangeCommand(
         p, _pick(w, t, w.certified), "北京数信云科技有限公司", None, None, UploadedImage(png(), "licence.png"),
         UploadedImage(PDF, "letter.pdf"), DEFAULT_META))),
    ("placeOrder(enterpriseId)", {"legal_rep", "admin"}, _enterprise_plan,
     lambda w, p, plan_id, t: w.app.commerce.place_order(PlaceOrderCommand(
         p, [plan_id], enterprise_id=_pick(w, t, w.certified)))),
    ("claimEnterpriseCertificate", {"legal_rep", "admin"}, _claimable,
     lambda w, p, ent_id, t: _cosigned(w, p, "certificate.claim_enterprise", lambda co: (
         w.app.claim_enterprise_certificate(ClaimEnterpriseCertificateCommand(
             p, _pick(w, t, w.certified), ent_id, co, DEFAULT_META))))),
    ("createEnterpriseSeal", {"legal_rep", "admin"}, _org_certificate,
     lambda w, p, s, t: _cosigned(w, p, CREATE_ENTERPRISE, lambda co: (
         w.app.enterprise_seals.create_enterprise_seal(CreateEnterpriseSealCommand(
             p, _pick(w, t, w.certified), "合同专用章", SealKind.CONTRACT, co, meta=DEFAULT_META))))),
    ("changeSealFace(org seal)", {"legal_rep", "admin"}, _org_seal,
     lambda w, p, seal_id, t: _cosigned(w, p, CHANGE_FACE, lambda co: w.app.change_seal_face(ChangeSealFaceCommand(
         p, _pick(w, t, seal_id), co, style=SealStyle.DOUBLE_RING, meta=DEFAULT_META)))),
    ("applyForEnterpriseService", {"legal_rep", "admin", "member"}, _enterprise_plan,
     lambda w, p, plan_id, t: w.app.enterprises.services.apply_for_enterprise_service(
         ApplyForEnterpriseServiceCommand(p, _pick(w, t, w.certified), plan_id, DEFAULT_META))),
    ("approveServiceApplication", {"legal_rep"}, _service_application, _approve_service),
    ("rejectServiceApplication", {"legal_rep"}, _service_application,
     lambda w, p, state, t: w.app.enterprises.services.reject_service_application(RejectServiceApplicationCommand(
         p, _pick(w, t, state[0]), DEFAULT_META))),
    ("placeOrder(serviceApplicationId)", {"member"}, _approved_service_application,
     lambda w, p, state, t: w.app.commerce.place_order(PlaceOrderCommand(
         p, [state[1]], service_application_id=_pick(w, t, state[0])))),
    ("giftService", {"legal_rep", "admin"}, _personal_plan,
     lambda w, p, plan_id, t: w.app.enterprises.services.gift_service(GiftServiceCommand(
         p, _pick(w, t, w.certified), w.member_of_certified, [plan_id], DEFAULT_META))),
    ("revokeSeal(org seal)", {"legal_rep", "admin"}, _org_seal,
     lambda w, p, seal_id, t: _cosigned(w, p, REVOKE, lambda co: w.app.revoke_seal(RevokeSealCommand(
         p, _pick(w, t, seal_id), co, DEFAULT_META)))),
    # §8.5 certificate grants: the grantor (here the admin) or the member pays; the legal rep alone signs.
    ("createCertificateGrant", {"legal_rep", "admin"}, _grantable,
     lambda w, p, s, t: w.app.grants.create_certificate_grant(_grant_command(w, p, s[0], _pick(w, t, w.certified)))),
    ("approveCertificateGrant", {"legal_rep"}, _grant, _approve_grant),
    ("revokeCertificateGrant", {"legal_rep", "admin"}, _grant,
     lambda w, p, s, t: w.app.grants.revoke_certificate_grant(RevokeCertificateGrantCommand(
         p, _pick(w, t, s[0]), DEFAULT_META))),
    ("placeOrder(grantId)", {"admin", "member"}, _approved_grant,
     lambda w, p, s, t: w.app.commerce.place_order(PlaceOrderCommand(p, [s[1]], grant_id=_pick(w, t, s[0])))),
]


CAPABILITIES = {"acceptLegalRepInvitation"}


def _refusal(err: BaseException) -> tuple[str, str | None, str]:
    if isinstance(err, DomainError):
        return (err.code.value, err.field, err.message)
    return (type(err).__name__, None, str(err))


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
async def test_only_the_allowed_roles_succeed(app: FakeApp, case, role):
    name, allowed, setup, act = case
    w = await build_world(app)
    state = await setup(w)
    before = Snapshot.of(app.db, ignore=IGNORED)
    if role in allowed:
        await act(w, w.principal(role), state, "world")
        return
    with pytest.raises((DomainError, Unauthenticated)) as refused:
        await act(w, w.principal(role), state, "world")
    after = Snapshot.of(app.db, ignore=IGNORED)
    changed = [t for t in after.tables if after.tables[t] != before.tables.get(t)]
    assert changed == [], f"{name} by {role} changed {changed}"
    if role == "anonymous":
        assert isinstance(refused.value, Unauthenticated)
    if role == "outsider":
        # What an outsider is told about this enterprise is what they are told about one that does not exist.
        with pytest.raises(DomainError) as unknown:
            await act(w, w.principal(role), state, "random")
        if name in CAPABILITIES:
            # A secret link's holder may be told it is for another phone; the code stays the same.
            assert refused.value.code == unknown.value.code, name
        else:
            assert _refusal(refused.value) == _refusal(unknown.value), name


# The read side of §8.4 (issue 19): who finds an admin transfer. In this world 李四 (the admin) asks to hand admin
# to 王五 (the plain member, who receives it); 钱七, a plain member it does not concern, joins too. Only the legal
# rep, the admin and the member receiving admin see the transfer and its letter; only the legal rep and the admin
# get the enterprise's list. To everyone else it reads exactly as an id never issued.
READ_ROLES = (*ROLES, "bystander")
TRANSFER_SEEN = {"legal_rep", "admin", "member"}
TRANSFER_LISTED = {"legal_rep", "admin"}


def _transfer_ids(found) -> list[UUID]:
    return [v.transfer.id for v in found]


TRANSFER_READS: list[tuple[str, set[str], Callable[[World, Principal | None, UUID], Awaitable[object]]]] = [
    ("node(AdminTransfer)", TRANSFER_SEEN,
     lambda w, p, tid: w.app.enterprises.get_admin_transfer(p, tid)),
    ("AdminTransferLetter file", TRANSFER_SEEN,
     lambda w, p, tid: w.app.enterprises.read_admin_transfer_letter(p, tid, signed=False)),
    ("Enterprise.adminTransfers", TRANSFER_LISTED,
     lambda w, p, tid: w.app.enterprises.list_enterprise_admin_transfers(p, w.certified)),
    ("Enterprise.adminTransfers(pendingOnly)", TRANSFER_LISTED,
     lambda w, p, tid: w.app.enterprises.list_enterprise_admin_transfers(p, w.certified, pending_only=True)),
]


@pytest.mark.parametrize("role", READ_ROLES)
@pytest.mark.parametrize("read", TRANSFER_READS, ids=[r[0] for r in TRANSFER_READS])
async def test_only_the_people_concerned_find_an_admin_transfer(app: FakeApp, read, role):
    name, allowed, look = read
    w = await build_world(app)
    transfer_id = await _admin_transfer(w)
    bystander = await app.verified_user("13500135001", "钱七", ID_QIAN)
    async with app.uow() as uow:
        uow.memberships.add(Membership(enterprise_id=w.certified, account_id=bystander.account_id,
                                       joined_at=app.clock.now()))
        await uow.commit()
    p = bystander.principal if role == "bystander" else w.principal(role)
    before = Snapshot.of(app.db, ignore=IGNORED)
    seen = await look(w, p, transfer_id)
    if role not in allowed:
        assert seen in (None, []), f"{name} shown to {role}"
    elif isinstance(seen, list):
        assert _transfer_ids(seen) == [transfer_id], name
    elif isinstance(seen, bytes):
        assert seen.startswith(b"%PDF"), name
    else:
        assert seen is not None and seen.transfer.id == transfer_id, name
    # What an id never issued, or an enterprise that does not exist, answers: the same nothing.
    assert await w.app.enterprises.get_admin_transfer(p, uuid4()) is None
    assert await w.app.enterprises.list_enterprise_admin_transfers(p, uuid4()) == []
    after = Snapshot.of(app.db, ignore=IGNORED)
    assert [t for t in after.tables if after.tables[t] != before.tables.get(t)] == [], name
