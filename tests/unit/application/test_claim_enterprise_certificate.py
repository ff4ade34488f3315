"""§6.2.1 claiming the enterprise's org certificates, with the in-memory fakes: by a certified enterprise's admin or
legal rep, for an entitlement the enterprise holds; two calls, the claimer's co-signature (SPEC §C) approves; one
pair per enterprise; everyone else is refused and nothing is issued."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

import pytest

from application.certificates.claim_enterprise_certificate import ClaimEnterpriseCertificateCommand
from application.certificates.ports import WrappedKeyKind
from application.signing.cosigning import NeedsCoSignature
from domain.commerce.entitlement import Entitlement, HolderKind
from domain.errors import DomainError, ErrorCode
from domain.signing.signing_key import PinIncorrect
from domain.signing.signing_request import SigningPurpose
from sxq_phone import OnScreen
from tests.app_fixture import CREDIT_CODE_2, DEFAULT_META, FakeApp
from tests.support.data import id_number
from tests.support.phones import TEST_PIN, WRONG_PIN
from tests.unit.application.test_enterprise_orders import _enterprise, _member

SCREEN = OnScreen.act("certificate.claim_enterprise")


async def enterprise_entitlement(app: FakeApp, enterprise_id, *, days: int = 365, holder=HolderKind.ENTERPRISE):
    now = app.clock.now()
    ent = Entitlement(holder_kind=holder, holder_id=enterprise_id, platform_id=uuid4(), plan_id=uuid4(),
                      order_id=uuid4(), operations=["LOGIN", "SIGN"], valid_from=now,
                      valid_until=now + timedelta(days=days))
    async with app.uow() as uow:
        uow.entitlements.add(ent)
        await uow.commit()
    return ent


def org_certificates(app: FakeApp) -> list:
    """Certificates other than the event certificate the legal rep's letter was signed with."""
    return [c for c in app.db.rows("certificates") if c.profile != "EVENT"]


async def claim(app, user, enterprise_id, entitlement_id, pin=TEST_PIN):
    """Both calls, the phone co-signing in between (enrolling it first if it is not yet)."""
    if not app.phones.has(user.account_id):
        await app.enrol(user)
    return await app.claim_enterprise(user, enterprise_id, entitlement_id, pin)


def first_call(app, user, enterprise_id, entitlement_id):
    return app.claim_enterprise_certificate(ClaimEnterpriseCertificateCommand(
        user.principal, enterprise_id, entitlement_id, None, DEFAULT_META))


async def test_the_first_call_issues_nothing_and_asks_for_a_co_signature_over_the_claim(app: FakeApp):
    rep, enterprise = await _enterprise(app)
    await app.enrol(rep)
    ent = await enterprise_entitlement(app, enterprise.id)
    pending = await first_call(app, rep, enterprise.id, ent.id)
    assert isinstance(pending, NeedsCoSignature) and len(pending.requests) == 1
    (request,) = pending.requests
    assert request.purpose is SigningPurpose.CLAIM_ENTERPRISE_CERTIFICATE and "北京数信科技有限公司" in request.display
    assert b'"action":"certificate.claim_enterprise"' in request.message
    assert str(enterprise.id).encode() in request.message and str(ent.id).encode() in request.message
    assert org_certificates(app) == []


async def test_the_legal_rep_claims_the_org_pair_and_a_second_claim_returns_it(app: FakeApp):
    rep, enterprise = await _enterprise(app)
    first = await enterprise_entitlement(app, enterprise.id)
    claimed = await claim(app, rep, enterprise.id, first.id)
    assert not claimed.reused
    for cert in (claimed.signing, claimed.encryption):
        assert cert.holder_enterprise_id == enterprise.id and cert.profile.startswith("ORG_")
        assert "北京数信科技有限公司" in cert.subject_dn and "NTRCN-" in cert.subject_dn
    async with app.uow() as uow:
        keys = [await uow.wrapped_keys.get(c.id) for c in (claimed.signing, claimed.encryption)]
    event = next(e for e in app.db.rows("audit") if e.kind == "certificate.claimed")
    assert event.detail["evidence"]["signed"], "the audit keeps the claimer's co-signed statement"
    assert [(k.kind, k.account_id) for k in keys] == [(WrappedKeyKind.ORGANIZATION, None),
                                                      (WrappedKeyKind.ESCROWED, None)]
    # Personal certificates do not list org ones; the enterprise's certificate list does, for its admin.
    assert [v.certificate for v in await app.list_my_certificates(rep.principal)] == []
    listed = await app.list_enterprise_certificates(rep.principal, enterprise.id)
    assert {v.certificate.id for v in listed} == {claimed.signing.id, claimed.encryption.id}

    second = await enterprise_entitlement(app, enterprise.id)
    again = await claim(app, rep, enterprise.id, second.id)
    assert again.reused and again.signing.id == claimed.signing.id
    assert len(org_certificates(app)) == 2


async def test_a_wrong_pin_issues_nothing_and_is_counted_on_the_claimer_s_key(app: FakeApp):
    rep, enterprise = await _enterprise(app)
    ent = await enterprise_entitlement(app, enterprise.id)
    with pytest.raises(PinIncorrect) as excinfo:
        await claim(app, rep, enterprise.id, ent.id, pin=WRONG_PIN)
    assert excinfo.value.code is ErrorCode.PIN_INCORRECT and excinfo.value.details["attemptsLeft"] == 5
    assert org_certificates(app) == []
    assert (await app.get_me(rep.principal)).signing_key.attempts_left == 5


async def test_without_an_enrolled_key_the_claim_is_refused_before_any_request(app: FakeApp):
    rep, enterprise = await _enterprise(app)
    ent = await enterprise_entitlement(app, enterprise.id)
    with pytest.raises(DomainError) as excinfo:
        await first_call(app, rep, enterprise.id, ent.id)
    assert excinfo.value.code is ErrorCode.SIGNING_KEY_REQUIRED
    assert org_certificates(app) == [] and app.db.rows("signing_requests") == []


async def test_a_claimer_demoted_between_the_calls_gets_nothing_and_spends_no_attempt(app: FakeApp):
    _rep, enterprise = await _enterprise(app)
    admin = await _member(app, enterprise.id, admin=True)
    await app.enrol(admin)
    ent = await enterprise_entitlement(app, enterprise.id)
    pending = await first_call(app, admin, enterprise.id, ent.id)
    (co,) = app.phones.co_sign(admin.account_id, pending.requests, SCREEN)
    async with app.uow() as uow:
        for m in await uow.memberships.for_enterprise(enterprise.id):
            if m.account_id == admin.account_id:
                m.is_admin = False
        await uow.commit()
    with pytest.raises(DomainError) as excinfo:
        await app.claim_enterprise_certificate(ClaimEnterpriseCertificateCommand(
            admin.principal, enterprise.id, ent.id, co, DEFAULT_META))
    assert excinfo.value.code is ErrorCode.NOT_ENTERPRISE_ADMIN
    assert org_certificates(app) == []
    assert (await app.get_me(admin.principal)).signing_key.attempts_left == 6


async def test_a_plain_member_an_outsider_and_an_uncertified_enterprise_are_refused(app: FakeApp):
    rep, enterprise = await _enterprise(app)
    ent = await enterprise_entitlement(app, enterprise.id)
    member = await _member(app, enterprise.id)
    outsider = await app.verified_user("13700137000", "王五", "11010119900307803X")
    _rep2, draft = await _enterprise_of(app)
    for user in (member, outsider, _rep2):  # each with a key, so only the role decides
        await app.enrol(user)
    for user, code in ((member, ErrorCode.NOT_ENTERPRISE_ADMIN), (outsider, ErrorCode.NOT_FOUND)):
        with pytest.raises(DomainError) as excinfo:
            await first_call(app, user, enterprise.id, ent.id)
        assert excinfo.value.code is code
    with pytest.raises(DomainError) as excinfo:
        await first_call(app, _rep2, draft.id, ent.id)
    assert excinfo.value.code is ErrorCode.ENTERPRISE_NOT_CERTIFIED
    assert org_certificates(app) == [] and app.db.rows("signing_requests") == []


async def _enterprise_of(app: FakeApp):
    """Another verified person's uncertified enterprise."""
    number = id_number("19880808", "310101", "517")
    user = await app.verified_user("13600136000", "赵六", number)
    created = await app.create_enterprise(user, name="上海数信科技有限公司", credit_code=CREDIT_CODE_2,
                                          legal_rep_name="赵六", legal_rep_id_number=number)
    return user, created.enterprise


@pytest.mark.parametrize("which", ["personal", "other_enterprise", "expired"])
async def test_the_entitlement_must_be_the_enterprises_and_active(app: FakeApp, which):
    rep, enterprise = await _enterprise(app)
    if which == "personal":
        ent = await enterprise_entitlement(app, rep.account_id, holder=HolderKind.ACCOUNT)
    elif which == "other_enterprise":
        ent = await enterprise_entitlement(app, uuid4())
    else:
        ent = await enterprise_entitlement(app, enterprise.id, days=1)
        app.clock.advance(days=2)
    with pytest.raises(DomainError) as excinfo:
        await claim(app, rep, enterprise.id, ent.id)
    assert (excinfo.value.code, excinfo.value.field) == (ErrorCode.ENTITLEMENT_REQUIRED, "entitlementId")
    assert org_certificates(app) == []


async def test_the_admin_or_legal_rep_revokes_org_certificates_a_member_or_outsider_cannot(app: FakeApp):
    from application.certificates.revoke_certificate import RevokeCertificateCommand
    from domain.certificates.certificate import CertificateStatus, RevocationReason
    from domain.enterprises.enterprise import Membership

    rep, enterprise = await _enterprise(app)
    claimed = await claim(app, rep, enterprise.id, (await enterprise_entitlement(app, enterprise.id)).id)
    member = await _member(app, enterprise.id)
    outsider = await app.verified_user("13700137000", "王五", "11010119900307803X")
    for user in (member, outsider):
        with pytest.raises(DomainError) as excinfo:
            await app.revoke_certificate(RevokeCertificateCommand(user.principal, claimed.signing.id, "SUPERSEDED"))
        assert excinfo.value.code is ErrorCode.NOT_FOUND
    # The claimer stops being the one who decides once demoted: the enterprise's admin (here a new one) does.
    admin = await app.verified_user("13600136000", "赵六", id_number("19880808", "310101", "517"))
    async with app.uow() as uow:
        for m in await uow.memberships.for_enterprise(enterprise.id):
            m.is_admin = False
        uow.memberships.add(Membership(enterprise_id=enterprise.id, account_id=admin.account_id,
                                       joined_at=app.clock.now(), is_admin=True))
        await uow.commit()
    revoked = await app.revoke_certificate(RevokeCertificateCommand(admin.principal, claimed.signing.id,
                                                                    "CESSATION_OF_OPERATION"))
    assert {c.id for c in revoked} == {claimed.signing.id, claimed.encryption.id}
    assert all(c.status is CertificateStatus.REVOKED and c.revocation_reason is RevocationReason.CESSATION_OF_OPERATION
               for c in revoked)
