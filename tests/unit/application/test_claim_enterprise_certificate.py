"""§6.2.1 claiming the enterprise's org certificates, with the in-memory fakes: by a certified enterprise's admin or
legal rep, for an entitlement the enterprise holds; the claimer's PIN confirms (and is set by a first claim); one
pair per enterprise; everyone else is refused and nothing is issued."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

import pytest

from application.certificates.claim_enterprise_certificate import ClaimEnterpriseCertificateCommand
from application.certificates.ports import WrappedKeyKind
from domain.certificates.pin import CertificatePin
from domain.commerce.entitlement import Entitlement, HolderKind
from domain.errors import DomainError, ErrorCode
from tests.app_fixture import CREDIT_CODE_2, DEFAULT_META, FakeApp
from tests.support.data import id_number
from tests.unit.application.test_enterprise_orders import _enterprise, _member

PIN = "135790"


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


def claim(app, user, enterprise_id, entitlement_id, pin=PIN):
    return app.claim_enterprise_certificate(ClaimEnterpriseCertificateCommand(
        user.principal, enterprise_id, entitlement_id, pin, DEFAULT_META))


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
        assert await uow.certificate_pins.get(rep.account_id) is not None  # the first claim set the PIN
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


async def test_a_wrong_pin_issues_nothing_and_is_counted(app: FakeApp):
    rep, enterprise = await _enterprise(app)
    ent = await enterprise_entitlement(app, enterprise.id)
    async with app.uow() as uow:
        verifier, _key = await app.vault.new_pin(PIN)
        uow.certificate_pins.add(CertificatePin(account_id=rep.account_id, verifier=verifier, set_at=app.clock.now()))
        await uow.commit()
    with pytest.raises(DomainError) as excinfo:
        await claim(app, rep, enterprise.id, ent.id, pin="246813")
    assert excinfo.value.code is ErrorCode.INVALID_CREDENTIALS
    assert org_certificates(app) == []
    async with app.uow() as uow:
        assert (await uow.certificate_pins.get(rep.account_id)).failed_attempts == 1


async def test_a_plain_member_an_outsider_and_an_uncertified_enterprise_are_refused(app: FakeApp):
    rep, enterprise = await _enterprise(app)
    ent = await enterprise_entitlement(app, enterprise.id)
    member = await _member(app, enterprise.id)
    outsider = await app.verified_user("13700137000", "王五", "11010119900307803X")
    for user, code in ((member, ErrorCode.NOT_ENTERPRISE_ADMIN), (outsider, ErrorCode.NOT_FOUND)):
        with pytest.raises(DomainError) as excinfo:
            await claim(app, user, enterprise.id, ent.id)
        assert excinfo.value.code is code
    _rep2, draft = await _enterprise_of(app)
    with pytest.raises(DomainError) as excinfo:
        await claim(app, _rep2, draft.id, ent.id)
    assert excinfo.value.code is ErrorCode.ENTERPRISE_NOT_CERTIFIED
    assert org_certificates(app) == [] and app.db.rows("certificate_pins") == []


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
