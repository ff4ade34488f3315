"""§5.1.1.2 on fakes: an admin invites the legal rep; the legal rep accepts (face against the licence's legal rep,
letter rendered), then signs once the face passed. And §3's "a legal rep who verifies later is linked"."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import pytest

from application.enterprises.authorization_letters import SignAuthorizationLetterCommand
from application.enterprises.legal_rep_invitations import (
    AcceptLegalRepInvitationCommand,
    InviteLegalRepCommand,
)
from application.seals.signature_appearances import AppearanceKind
from domain.accounts.sms import SmsPurpose
from domain.certificates.claim import IdentityNotVerified
from domain.enterprises.enterprise import (
    CertificationStatus,
    EnterpriseAlreadyCertified,
    EnterpriseRole,
    Membership,
    MethodUnavailable,
    NotLegalRepresentative,
)
from domain.enterprises.legal_rep_invitation import InvitationExpired, InvitationInvalid, InvitationStatus
from domain.enterprises.members import NotEnterpriseAdmin
from domain.errors import (
    FaceFailed,
    FacePending,
    InvalidPhone,
    NotFound,
    SmsCodeInvalid,
)
from domain.identity.face import FaceCheckStatus, FacePurpose
from tests.app_fixture import CREDIT_CODE, DEFAULT_META, ID_LI, ID_WANG, ID_ZHANG, FakeApp, User, wrong_code

ADMIN_PHONE, REP_PHONE = "13800138000", "13900139000"


async def _enterprise(app: FakeApp):
    """王五 creates an enterprise whose legal rep is 李四."""
    admin = await app.verified_user(ADMIN_PHONE, "王五", ID_WANG)
    created = await app.create_enterprise(admin, legal_rep_name="李四", legal_rep_id_number=ID_LI)
    return admin, created.enterprise


async def _invite(app: FakeApp, admin: User, enterprise_id, phone: str = REP_PHONE):
    issued = await app.enterprises.invite_legal_rep_authorization(
        InviteLegalRepCommand(admin.principal, enterprise_id, phone, DEFAULT_META))
    await app.deliver()
    return issued


def _token_in_sms(app: FakeApp, phone: str) -> str:
    """The token of the newest invitation link the phone received."""
    links = [m.group(0) for s in app.sms.to(phone) if (m := re.search(r"https?://\S+", s.text))]
    return parse_qs(urlparse(links[-1]).query)["token"][0]


async def _accept(app: FakeApp, user: User, token: str):
    return await app.enterprises.accept_legal_rep_invitation(
        AcceptLegalRepInvitationCommand(user.principal, token, DEFAULT_META))


async def _sign(app: FakeApp, user: User, letter_id, code: str | None = None):
    if code is None:
        code = await app.send_code(user.phone, SmsPurpose.SIGN, principal=user.principal)
    return await app.enterprises.sign_authorization_letter(SignAuthorizationLetterCommand(
        user.principal, letter_id, (AppearanceKind.NAME_SIGNATURE, user.account_id), code, DEFAULT_META))


def _invitations(app: FakeApp):
    return sorted(app.db.rows("legal_rep_invitations"), key=lambda i: i.created_at)


# ---------------------------------------------------------------- invite


async def test_the_admin_invites_and_the_link_goes_to_the_legal_reps_phone(app: FakeApp):
    admin, enterprise = await _enterprise(app)
    issued = await _invite(app, admin, enterprise.id, "+86 139-0013-9000")
    token = _token_in_sms(app, REP_PHONE)
    assert issued.url.startswith("https://sxq.example/") and token in issued.url and issued.qr_content == issued.url
    [stored] = _invitations(app)
    assert stored.phone == REP_PHONE and stored.status is InvitationStatus.PENDING
    assert stored.expires_at - stored.created_at == timedelta(hours=24)
    # Only a keyed hash of the token is kept.
    assert token not in repr(vars(stored)) and stored.token_hash == app.secrets.hash("legal-rep-invitation", token)
    assert "北京数信科技有限公司" in app.sms.to(REP_PHONE)[-1].text and app.sms.to(REP_PHONE)[-1].code is None
    assert app.db.audit_events("enterprise.legal_rep_invited")


async def test_a_new_invitation_supersedes_the_previous_one(app: FakeApp):
    admin, enterprise = await _enterprise(app)
    await _invite(app, admin, enterprise.id, "13700137000")  # a wrong number first
    old_token = _token_in_sms(app, "13700137000")
    await _invite(app, admin, enterprise.id)
    old, new = _invitations(app)
    assert old.status is InvitationStatus.SUPERSEDED and new.status is InvitationStatus.PENDING
    stranger = await app.verified_user("13700137000", "李四", ID_LI)
    with pytest.raises(InvitationInvalid) as err:
        await _accept(app, stranger, old_token)
    assert err.value.field == "invitationToken"


async def test_a_bad_phone_is_refused_and_nothing_is_sent(app: FakeApp):
    admin, enterprise = await _enterprise(app)
    with pytest.raises(InvalidPhone) as err:
        await _invite(app, admin, enterprise.id, "12345")
    assert err.value.field == "legalRepPhone"
    assert _invitations(app) == [] and app.sms.to("12345") == []


async def test_a_plain_member_may_not_invite_and_an_outsider_learns_nothing(app: FakeApp):
    admin, enterprise = await _enterprise(app)
    member = await app.verified_user("13600136000", "张三", ID_ZHANG)
    async with app.uow() as uow:
        uow.memberships.add(Membership(enterprise_id=enterprise.id, account_id=member.account_id,
                                       joined_at=app.clock.now()))
        await uow.commit()
    with pytest.raises(NotEnterpriseAdmin):
        await _invite(app, member, enterprise.id)
    outsider = await app.register_user("13500135000")
    with pytest.raises(NotFound) as err:
        await _invite(app, outsider, enterprise.id)
    assert err.value.field == "enterpriseId"
    assert _invitations(app) == []


async def test_no_invitation_when_the_path_is_not_offered(app: FakeApp):
    admin = await app.verified_user(ADMIN_PHONE, "王五", ID_WANG)
    app.enterprise_verifier.mismatch.add(CREDIT_CODE)
    created = await app.create_enterprise(admin, legal_rep_name="李四", legal_rep_id_number=ID_LI)
    with pytest.raises(MethodUnavailable):
        await _invite(app, admin, created.enterprise.id)


# ---------------------------------------------------------------- accept


async def test_the_legal_rep_accepts_and_faces_the_licence_identity_without_a_role_yet(app: FakeApp):
    # Verified before the enterprise named them, so no identity hook linked them: the role is the letter's to give.
    rep = await app.verified_user(REP_PHONE, "李四", ID_LI)
    admin, enterprise = await _enterprise(app)
    await _invite(app, admin, enterprise.id)
    accepted = await _accept(app, rep, _token_in_sms(app, REP_PHONE))
    session = app.faces.sessions[accepted.face.token]
    assert (session.legal_name, session.id_number, session.purpose) == ("李四", ID_LI,
                                                                        FacePurpose.LEGAL_REP_AUTHORIZATION)
    [check] = [c for c in app.db.face_checks() if c.token == accepted.face.token]
    assert check.account_id == rep.account_id and check.subject_key == enterprise.legal_rep_id_index
    async with app.uow() as uow:
        membership = await uow.memberships.of(enterprise.id, rep.account_id)
        letter = await uow.authorization_letters.get(accepted.letter.id)
    assert membership is None  # opening the link gives no role: signing the letter does
    assert letter is not None and letter.account_id == rep.account_id and letter.blob_id in app.blobs.blobs
    assert await app.enterprises.read_authorization_letter(rep.principal, letter.id, signed=False)  # theirs to read
    [inv] = _invitations(app)
    assert inv.status is InvitationStatus.ACCEPTED and inv.letter_id == letter.id


async def test_an_expired_invitation_cannot_be_accepted(app: FakeApp):
    admin, enterprise = await _enterprise(app)
    await _invite(app, admin, enterprise.id)
    rep = await app.verified_user(REP_PHONE, "李四", ID_LI)
    app.clock.advance(hours=24)
    with pytest.raises(InvitationExpired):
        await _accept(app, rep, _token_in_sms(app, REP_PHONE))


@pytest.mark.parametrize("token", ["", "x" * 200, "lri_not-a-real-token"])
async def test_a_bad_token_is_invalid(app: FakeApp, token: str):
    rep = await app.verified_user(REP_PHONE, "李四", ID_LI)
    with pytest.raises(InvitationInvalid):
        await _accept(app, rep, token)


async def test_only_the_invited_phone_may_accept(app: FakeApp):
    admin, enterprise = await _enterprise(app)
    await _invite(app, admin, enterprise.id)
    other = await app.verified_user("13700137000", "李四", ID_LI)
    with pytest.raises(InvitationInvalid) as err:
        await _accept(app, other, _token_in_sms(app, REP_PHONE))
    assert "手机号" in err.value.message


async def test_an_unverified_legal_rep_is_told_to_verify_first(app: FakeApp):
    admin, enterprise = await _enterprise(app)
    await _invite(app, admin, enterprise.id)
    rep = await app.register_user(REP_PHONE)
    with pytest.raises(IdentityNotVerified) as err:
        await _accept(app, rep, _token_in_sms(app, REP_PHONE))
    assert "实名认证" in err.value.message and "重新打开邀请链接" in err.value.message
    assert app.faces.sessions == {} or all(s.purpose is not FacePurpose.LEGAL_REP_AUTHORIZATION
                                           for s in app.faces.sessions.values())


async def test_someone_who_is_not_the_legal_rep_is_refused_and_nothing_is_written(app: FakeApp):
    admin, enterprise = await _enterprise(app)
    await _invite(app, admin, enterprise.id)
    impostor = await app.verified_user(REP_PHONE, "张三", ID_ZHANG)
    blobs_before = set(app.blobs.blobs)
    with pytest.raises(NotLegalRepresentative):
        await _accept(app, impostor, _token_in_sms(app, REP_PHONE))
    async with app.uow() as uow:
        assert await uow.memberships.of(enterprise.id, impostor.account_id) is None
    assert set(app.blobs.blobs) == blobs_before and _invitations(app)[0].status is InvitationStatus.PENDING


# ---------------------------------------------------------------- sign


async def _accepted(app: FakeApp):
    admin, enterprise = await _enterprise(app)
    await _invite(app, admin, enterprise.id)
    rep = await app.verified_user(REP_PHONE, "李四", ID_LI)
    return admin, enterprise, rep, await _accept(app, rep, _token_in_sms(app, REP_PHONE))


async def test_face_passed_then_signed_certifies_and_uses_the_invitation(app: FakeApp):
    admin, enterprise, rep, accepted = await _accepted(app)
    app.faces.finish(accepted.face.token, passed=True)
    signed = await _sign(app, rep, accepted.letter.id)
    assert signed.enterprise.status is CertificationStatus.CERTIFIED and signed.letter.is_signed
    assert signed.membership.role is EnterpriseRole.LEGAL_REP
    [inv] = _invitations(app)
    assert inv.status is InvitationStatus.USED
    [check] = [c for c in app.db.face_checks() if c.token == accepted.face.token]
    assert check.status is FaceCheckStatus.PASSED  # polled from the vendor when signing
    with pytest.raises(EnterpriseAlreadyCertified):
        await _invite(app, admin, enterprise.id)


async def test_the_role_comes_with_the_signature_and_not_after_a_failed_face(app: FakeApp):
    rep = await app.verified_user(REP_PHONE, "李四", ID_LI)
    admin, enterprise = await _enterprise(app)
    await _invite(app, admin, enterprise.id)
    accepted = await _accept(app, rep, _token_in_sms(app, REP_PHONE))
    app.faces.finish(accepted.face.token, passed=False)
    with pytest.raises(FaceFailed):
        await _sign(app, rep, accepted.letter.id)
    assert await _role(app, enterprise.id, rep.account_id) is None
    app.clock.advance(seconds=61)
    again = await _accept(app, rep, _token_in_sms(app, REP_PHONE))
    assert await _role(app, enterprise.id, rep.account_id) is None
    app.faces.finish(again.face.token, passed=True)
    app.clock.advance(seconds=61)
    signed = await _sign(app, rep, again.letter.id)
    assert signed.membership.role is EnterpriseRole.LEGAL_REP and signed.membership.account_id == rep.account_id
    assert await _role(app, enterprise.id, rep.account_id) is EnterpriseRole.LEGAL_REP
    assert await _role(app, enterprise.id, admin.account_id) is EnterpriseRole.ADMIN


async def test_signing_waits_for_the_face_and_keeps_the_sms_code(app: FakeApp):
    _admin, _enterprise_, rep, accepted = await _accepted(app)
    code = await app.send_code(rep.phone, SmsPurpose.SIGN, principal=rep.principal)
    with pytest.raises(FacePending):
        await _sign(app, rep, accepted.letter.id, code)
    app.faces.finish(accepted.face.token, passed=True)
    signed = await _sign(app, rep, accepted.letter.id, code)  # the same code still works
    assert signed.enterprise.status is CertificationStatus.CERTIFIED


async def test_a_failed_face_blocks_signing_until_the_link_is_opened_again(app: FakeApp):
    _admin, _enterprise_, rep, accepted = await _accepted(app)
    app.faces.finish(accepted.face.token, passed=False)
    with pytest.raises(FaceFailed) as err:
        await _sign(app, rep, accepted.letter.id)
    assert "邀请链接" in err.value.message
    assert app.db.rows("enterprises")[0].status is CertificationStatus.AWAITING_AUTHORIZATION
    app.clock.advance(seconds=61)
    again = await _accept(app, rep, _token_in_sms(app, REP_PHONE))
    with pytest.raises(InvitationInvalid):  # the first letter belongs to the failed attempt
        await _sign(app, rep, accepted.letter.id)
    app.faces.finish(again.face.token, passed=True)
    app.clock.advance(seconds=61)
    assert (await _sign(app, rep, again.letter.id)).enterprise.status is CertificationStatus.CERTIFIED


async def test_a_wrong_sms_code_signs_nothing(app: FakeApp):
    _admin, _enterprise_, rep, accepted = await _accepted(app)
    app.faces.finish(accepted.face.token, passed=True)
    code = await app.send_code(rep.phone, SmsPurpose.SIGN, principal=rep.principal)
    with pytest.raises(SmsCodeInvalid):
        await _sign(app, rep, accepted.letter.id, wrong_code(code))
    assert app.db.rows("enterprises")[0].status is CertificationStatus.AWAITING_AUTHORIZATION
    assert _invitations(app)[0].status is InvitationStatus.ACCEPTED and app.letter_documents.signed == []


async def test_signing_after_the_24_hours_is_refused(app: FakeApp):
    _admin, _enterprise_, rep, accepted = await _accepted(app)
    app.faces.finish(accepted.face.token, passed=True)
    app.clock.advance(hours=24)
    rep = await app.login(REP_PHONE)
    with pytest.raises(InvitationExpired):
        await _sign(app, rep, accepted.letter.id)
    assert app.db.rows("enterprises")[0].status is CertificationStatus.AWAITING_AUTHORIZATION


async def test_a_superseded_invitation_cannot_be_signed(app: FakeApp):
    admin, enterprise, rep, accepted = await _accepted(app)
    app.faces.finish(accepted.face.token, passed=True)
    await _invite(app, admin, enterprise.id)
    with pytest.raises(InvitationInvalid):
        await _sign(app, rep, accepted.letter.id)
    assert app.db.rows("enterprises")[0].status is CertificationStatus.AWAITING_AUTHORIZATION


# ---------------------------------------------------------------- a legal rep who verifies later (§3)


async def _role(app: FakeApp, enterprise_id, account_id):
    async with app.uow() as uow:
        m = await uow.memberships.of(enterprise_id, account_id)
    return m.role if m else None


async def test_a_legal_rep_who_verifies_later_is_linked(app: FakeApp):
    _admin, enterprise = await _enterprise(app)
    rep = await app.verified_user(REP_PHONE, "李四", ID_LI)
    assert await _role(app, enterprise.id, rep.account_id) is EnterpriseRole.LEGAL_REP
    assert app.db.audit_events("enterprise.legal_rep_linked")


async def test_a_legal_rep_verified_by_manual_review_is_linked_on_approval(app: FakeApp):
    from application.identity.reviews import DecideReviewCommand
    from domain.identity.documents import DocumentType

    _admin, enterprise = await _enterprise(app)
    rep = await app.register_user(REP_PHONE)
    submitted = await app.submit_manual(rep, document_type=DocumentType.ID_CARD, legal_name="李四", number=ID_LI)
    assert await _role(app, enterprise.id, rep.account_id) is None
    await app.decide_review(DecideReviewCommand(await app.operator(), submitted.review.id, True, None, DEFAULT_META))
    assert await _role(app, enterprise.id, rep.account_id) is EnterpriseRole.LEGAL_REP


async def test_another_person_who_verifies_is_not_linked(app: FakeApp):
    _admin, enterprise = await _enterprise(app)
    someone = await app.verified_user(REP_PHONE, "张三", ID_ZHANG)
    assert await _role(app, enterprise.id, someone.account_id) is None


async def test_a_rejected_enterprise_links_nobody(app: FakeApp):
    _admin, enterprise = await _enterprise(app)
    async with app.uow() as uow:
        (await uow.enterprises.get(enterprise.id)).status = CertificationStatus.REJECTED
        await uow.commit()
    rep = await app.verified_user(REP_PHONE, "李四", ID_LI)
    assert await _role(app, enterprise.id, rep.account_id) is None
