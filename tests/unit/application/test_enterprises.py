"""Enterprises on fakes (§5, §5.1.1.1): create with the four-element check, roles, the legal rep's letter,
and who may see what."""

from __future__ import annotations

import pytest

from application.enterprises.authorization_letters import SignAuthorizationLetterCommand
from application.seals.signature_appearances import AppearanceKind
from domain.accounts.sms import SmsPurpose
from domain.certificates.claim import IdentityNotVerified
from domain.enterprises.enterprise import (
    CertificationMethod,
    CertificationStatus,
    EnterpriseAlreadyCertified,
    EnterpriseRole,
    MethodUnavailable,
    NotLegalRepresentative,
)
from domain.errors import (
    AccountDeletionBlocked,
    DomainError,
    ErrorCode,
    NotFound,
    ServiceUnavailable,
    SmsCodeInvalid,
)
from tests.app_fixture import CREDIT_CODE, DEFAULT_META, ID_LI, FakeApp, wrong_code


async def test_the_legal_rep_creates_and_is_legal_rep_and_admin(app: FakeApp):
    user = await app.verified_user()
    created = await app.create_enterprise(user)
    e = created.enterprise
    assert created.four_element_check_passed
    assert e.status is CertificationStatus.AWAITING_AUTHORIZATION
    assert CertificationMethod.LEGAL_REP_AUTHORIZATION in e.available_methods
    assert created.membership.role is EnterpriseRole.LEGAL_REP and created.membership.is_admin
    stored = app.db.rows("enterprises")[0]
    # The ID number is kept encrypted and masked, never in clear.
    assert stored.legal_rep_id_masked != "" and ID_LI not in repr(vars(stored))
    assert app.blobs.blobs[stored.licence_blob_id][1] == "image/png"


async def test_someone_else_creating_is_admin_only(app: FakeApp):
    user = await app.verified_user()
    created = await app.create_enterprise(user, legal_rep_name="李四", legal_rep_id_number=ID_LI)
    assert created.membership.role is EnterpriseRole.ADMIN and not created.membership.is_legal_rep


async def test_a_failed_four_element_check_offers_only_manual_review(app: FakeApp):
    user = await app.verified_user()
    app.enterprise_verifier.mismatch.add(CREDIT_CODE)
    created = await app.create_enterprise(user)
    assert not created.four_element_check_passed
    assert created.enterprise.available_methods == (CertificationMethod.MANUAL_REVIEW,)


async def test_registry_down_is_a_typed_error_and_nothing_is_made(app: FakeApp):
    user = await app.verified_user()
    app.enterprise_verifier.down = True
    blobs_before = set(app.blobs.blobs)
    with pytest.raises(ServiceUnavailable):
        await app.create_enterprise(user)
    assert app.db.rows("enterprises") == [] and app.db.rows("memberships") == []
    assert set(app.blobs.blobs) == blobs_before


@pytest.mark.parametrize(("override", "field"), [
    ({"credit_code": "91110108MA01ABCD1X"}, "creditCode"),
    ({"legal_rep_id_number": "440106199001011230"}, "legalRepIdNumber"),
    ({"name": "x"}, "name"),
    ({"licence": b"not an image"}, "businessLicence"),
])
async def test_bad_input_is_refused_before_the_registry_is_asked(app: FakeApp, override, field):
    user = await app.verified_user()
    with pytest.raises(DomainError) as err:
        await app.create_enterprise(user, **override)
    assert getattr(err.value, "field", None) == field
    assert app.enterprise_verifier.calls == [] and app.db.rows("enterprises") == []


async def test_an_unverified_caller_may_not_create(app: FakeApp):
    user = await app.register_user()
    with pytest.raises(IdentityNotVerified):
        await app.create_enterprise(user)


async def _certified(app: FakeApp):
    user = await app.verified_user()
    created = await app.create_enterprise(user)
    prepared = await app.enterprises.prepare_authorization_letter(user.principal, created.enterprise.id)
    name_sig = next(a for a in prepared.appearances if a.kind is AppearanceKind.NAME_SIGNATURE)
    code = await app.send_code(user.phone, SmsPurpose.SIGN, principal=user.principal)
    signed = await app.enterprises.sign_authorization_letter(SignAuthorizationLetterCommand(
        user.principal, prepared.letter.id, (AppearanceKind.NAME_SIGNATURE, name_sig.account_id), code, DEFAULT_META))
    return user, created, prepared, signed


async def test_the_legal_rep_signs_the_letter_and_the_enterprise_is_certified(app: FakeApp):
    user, created, prepared, signed = await _certified(app)
    assert prepared.letter.sha256 and not prepared.letter.is_signed
    assert signed.enterprise.status is CertificationStatus.CERTIFIED
    assert signed.enterprise.method is CertificationMethod.LEGAL_REP_AUTHORIZATION
    assert signed.letter.signed_at is not None and signed.letter.certificate_id is not None
    # Signed with a fresh event certificate naming the legal rep, visibly with the chosen appearance.
    event, signature = app.letter_documents.signed[-1]
    assert event.certificate.profile == "EVENT" and "CN=张三" in event.certificate.subject_dn
    assert signature.image_png is not None and signature.lines == ("法定代表人：张三",)
    assert await app.enterprises.read_authorization_letter(user.principal, signed.letter.id, signed=True)
    # A certified credit code cannot be registered again.
    other = await app.verified_user("13900139000", "李四", ID_LI)
    with pytest.raises(EnterpriseAlreadyCertified):
        await app.create_enterprise(other, legal_rep_name="李四", legal_rep_id_number=ID_LI)


async def test_a_wrong_sms_code_signs_nothing(app: FakeApp):
    user = await app.verified_user()
    created = await app.create_enterprise(user)
    prepared = await app.enterprises.prepare_authorization_letter(user.principal, created.enterprise.id)
    code = await app.send_code(user.phone, SmsPurpose.SIGN, principal=user.principal)
    with pytest.raises(SmsCodeInvalid):
        await app.enterprises.sign_authorization_letter(SignAuthorizationLetterCommand(
            user.principal, prepared.letter.id, (AppearanceKind.NAME_SIGNATURE, user.account_id), wrong_code(code)))
    assert app.db.rows("enterprises")[0].status is CertificationStatus.AWAITING_AUTHORIZATION
    assert app.letter_documents.signed == []


async def test_an_admin_who_is_not_the_legal_rep_may_not_prepare_or_sign(app: FakeApp):
    user = await app.verified_user()
    created = await app.create_enterprise(user, legal_rep_name="李四", legal_rep_id_number=ID_LI)
    with pytest.raises(NotLegalRepresentative):
        await app.enterprises.prepare_authorization_letter(user.principal, created.enterprise.id)


async def test_after_a_failed_check_the_legal_rep_may_not_use_this_path(app: FakeApp):
    user = await app.verified_user()
    app.enterprise_verifier.mismatch.add(CREDIT_CODE)
    created = await app.create_enterprise(user)
    with pytest.raises(MethodUnavailable):
        await app.enterprises.prepare_authorization_letter(user.principal, created.enterprise.id)


async def test_outsiders_see_nothing(app: FakeApp):
    user, created, _prepared, signed = await _certified(app)
    outsider = await app.verified_user("13900139000", "李四", ID_LI)
    eid = created.enterprise.id
    assert await app.enterprises.get_enterprise(outsider.principal, eid) is None
    assert await app.enterprises.my_memberships(outsider.principal) == []
    assert await app.enterprises.read_authorization_letter(outsider.principal, signed.letter.id, signed=True) is None
    with pytest.raises(NotFound) as err:
        await app.enterprises.prepare_authorization_letter(outsider.principal, eid)
    assert err.value.code is ErrorCode.NOT_FOUND
    mine = await app.enterprises.my_memberships(user.principal)
    assert [(v.enterprise.id, v.role) for v in mine] == [(eid, EnterpriseRole.LEGAL_REP)]


async def test_the_legal_rep_or_only_admin_cannot_delete_the_account(app: FakeApp):
    from application.accounts.delete_account import DeleteAccountCommand

    user = await app.verified_user()
    await app.create_enterprise(user, legal_rep_name="李四", legal_rep_id_number=ID_LI)  # the only admin
    code = await app.send_code(user.phone, SmsPurpose.DELETE_ACCOUNT, principal=user.principal)
    with pytest.raises(AccountDeletionBlocked) as err:
        await app.delete_account(DeleteAccountCommand(user.principal, code, DEFAULT_META))
    assert "管理员" in err.value.message
