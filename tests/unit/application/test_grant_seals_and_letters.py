"""§8.5 grants that name seals, the grant and service-application letters readable before the legal rep signs, and
the enterprise's list of member service applications (§8.5.3), through the use cases with fakes. §8.2.4: revoking a
seal ends every grant that names it, and only those."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from uuid import uuid4

import pytest

from application.enterprises.apply_for_enterprise_service import ApplyForEnterpriseServiceCommand
from application.grants.create_certificate_grant import CreateCertificateGrantCommand
from application.seals.create_enterprise_seal import CreateEnterpriseSealCommand
from application.seals.revoke_seal import RevokeSealCommand
from domain.commerce.entitlement import ScanOperation
from domain.errors import DomainError, ErrorCode
from domain.grants.grant import GrantEndReason, GrantStatus
from domain.scans.session import SealOwner
from domain.seals.seal import SealKind
from tests.app_fixture import DEFAULT_META, ID_WANG, FakeApp
from tests.fakes import Snapshot
from tests.unit.application.scan_helpers import documents
from tests.unit.application.test_certificate_grants import IGNORED, Grants, world


async def _seal(w: Grants, kind: SealKind = SealKind.CONTRACT, name: str = "合同专用章"):
    created = await w.app.cosigned(w.rep, lambda co: w.app.enterprise_seals.create_enterprise_seal(
        CreateEnterpriseSealCommand(w.rep.principal, w.enterprise_id, name, kind, co, None, DEFAULT_META)),
        "seal.create_enterprise")
    return created.seal


def _revoke(w: Grants, seal_id):
    return w.app.cosigned(w.rep, lambda co: w.app.revoke_seal(RevokeSealCommand(
        w.rep.principal, seal_id, co, DEFAULT_META)), "seal.revoke")


def _create(w: Grants, seal_ids, operations=(ScanOperation.LOGIN, ScanOperation.SIGN)):
    return w.app.grants.create_certificate_grant(CreateCertificateGrantCommand(
        w.rep.principal, w.enterprise_id, w.membership_id, w.scene.platform.id, list(operations),
        w.app.clock.now().date() + timedelta(days=30), DEFAULT_META, seal_ids=list(seal_ids)))


async def _activate(w: Grants, grant_id):
    await w.approve(grant_id)
    await w.buy(grant_id, w.member.user)
    return await w.stored(grant_id)


async def _signing_seals(w: Grants):
    view = await w.scene.scan(await w.scene.create("SIGN", documents=documents(1), seal_owner=SealOwner.ENTERPRISE),
                              w.member)
    return view, {s.id for s in view.usable_seals}


async def test_a_grant_naming_a_seal_offers_that_seal_alone_and_ends_when_it_is_revoked(app: FakeApp):
    w = await world(app)
    contract, finance = await _seal(w), await _seal(w, SealKind.FINANCE, "财务专用章")
    naming = await _activate(w, (await _create(w, [contract.id])).id)
    assert naming.seal_ids == [contract.id]
    _view, offered = await _signing_seals(w)
    assert offered == {contract.id}  # not the finance seal

    await _revoke(w, finance.id)
    assert (await w.stored(naming.id)).status is GrantStatus.ACTIVE  # a seal it does not name

    await _revoke(w, contract.id)
    ended = await w.stored(naming.id)
    assert (ended.status, ended.end_reason) == (GrantStatus.ENDED, GrantEndReason.SEAL_REVOKED.value)
    assert [e for e in app.db.audit_events("grant.ended") if e.detail.get("reason") == "SEAL_REVOKED"]


async def test_a_grant_naming_no_seal_survives_a_seal_revocation_and_offers_the_active_seals(app: FakeApp):
    w = await world(app)
    contract, finance = await _seal(w), await _seal(w, SealKind.FINANCE, "财务专用章")
    grant = await _activate(w, (await _create(w, [])).id)
    assert (await _signing_seals(w))[1] == {contract.id, finance.id}
    await _revoke(w, contract.id)
    assert (await w.stored(grant.id)).status is GrantStatus.ACTIVE
    view, offered = await _signing_seals(w)
    assert offered == {finance.id}
    signing, _enc = await w.org_pair()
    with pytest.raises(DomainError) as refused:  # the revoked seal cannot be chosen
        await w.scene.confirm(view, certificate_id=signing.id, seal_id=contract.id, holder=w.member)
    assert refused.value.code is ErrorCode.NOT_FOUND and refused.value.field == "sealId"
    await w.scene.confirm(view, certificate_id=signing.id, seal_id=finance.id, holder=w.member)


async def test_a_seal_revoked_while_the_co_signature_is_checked_is_not_used(app: FakeApp, monkeypatch):
    w = await world(app)
    contract = await _seal(w)
    await _activate(w, (await _create(w, [])).id)
    view, _offered = await _signing_seals(w)
    signing, _enc = await w.org_pair()
    approve = app.cosigning.approve_in  # the confirm approves inside its own transaction

    async def approve_then_revoke(*args, **kwargs):
        approval = await approve(*args, **kwargs)
        async with app.uow() as uow:  # revoked meanwhile (not through RevokeSeal: it approves through this too)
            (await uow.seals.get(contract.id)).revoke(app.clock.now())
            await uow.commit()
        return approval

    monkeypatch.setattr(app.cosigning, "approve_in", approve_then_revoke)
    with pytest.raises(DomainError) as refused:
        await w.scene.confirm(view, certificate_id=signing.id, seal_id=contract.id, holder=w.member)
    assert refused.value.code is ErrorCode.SEAL_NOT_ACTIVE
    assert (await w.scene.stored(view.session.t_id)).result is None


@pytest.mark.parametrize("case, code", [
    ("foreign", ErrorCode.NOT_FOUND),
    ("unknown", ErrorCode.NOT_FOUND),
    ("revoked", ErrorCode.SEAL_NOT_ACTIVE),
    ("without_sign", ErrorCode.INVALID_INPUT),
])
async def test_named_seals_must_be_active_seals_of_the_enterprise_and_need_sign(app: FakeApp, case, code):
    w = await world(app)
    seal = await _seal(w)
    operations = (ScanOperation.LOGIN,) if case == "without_sign" else (ScanOperation.LOGIN, ScanOperation.SIGN)
    seal_id = seal.id
    if case == "unknown":
        seal_id = uuid4()
    elif case == "foreign":  # a personal seal: not the enterprise's
        seal_id = next(v.seal.id for v in await app.list_my_seals(w.member.principal))
    elif case == "revoked":
        await _revoke(w, seal.id)
    before = Snapshot.of(app.db, ignore=IGNORED)
    blobs = len(app.blobs.blobs)
    with pytest.raises(DomainError) as refused:
        await _create(w, [seal_id], operations)
    assert (refused.value.code, refused.value.field) == (code, "sealIds")
    assert Snapshot.of(app.db, ignore=IGNORED) == before and len(app.blobs.blobs) == blobs  # no letter left behind


async def test_the_grant_letter_is_drawn_up_at_creation_and_the_legal_rep_signs_that_very_pdf(app: FakeApp):
    w = await world(app)
    seal = await _seal(w)
    grant = await _create(w, [seal.id])
    letter = await app.grants.read_grant_letter(w.member.principal, grant.id, signed=False)
    assert letter is not None and hashlib.sha256(letter).hexdigest() == grant.letter_sha256
    assert await app.grants.read_grant_letter(w.member.principal, grant.id, signed=True) is None  # not signed yet
    approved = await w.approve(grant.id)
    signed = await app.grants.read_grant_letter(w.rep.principal, grant.id, signed=True)
    assert signed is not None and hashlib.sha256(signed).hexdigest() == approved.signed_sha256
    assert signed.startswith(letter)  # an incremental update: the bytes the legal rep could read are kept whole


async def test_a_grant_and_its_letter_are_visible_to_its_admin_and_member_only(app: FakeApp):
    w = await world(app)
    grant = await _create(w, [])
    other = await app.verified_user("13700137000", "王五", ID_WANG)
    for who, sees in ((w.rep, True), (w.member.user, True), (other, False), (None, False)):
        principal = who.principal if who is not None else None
        assert (await app.grants.get_certificate_grant(principal, grant.id) is not None) is sees
        assert (await app.grants.read_grant_letter(principal, grant.id, signed=False) is not None) is sees
    assert [g.id for g in await app.grants.my_certificate_grants(w.member.principal)] == [grant.id]
    assert await app.grants.my_certificate_grants(other.principal) == []
    assert await app.grants.get_certificate_grant(w.rep.principal, uuid4()) is None


async def test_the_service_application_letter_is_readable_by_the_applicant_and_the_legal_rep(app: FakeApp):
    w = await world(app)
    applied = await app.enterprises.services.apply_for_enterprise_service(ApplyForEnterpriseServiceCommand(
        w.member.principal, w.enterprise_id, w.plan_id, DEFAULT_META))
    a = applied.application
    other = await app.verified_user("13700137000", "王五", ID_WANG)
    services = app.enterprises.services
    for who, sees in ((w.rep, True), (w.member.user, True), (other, False)):
        pdf = await services.read_service_application_letter(who.principal, a.id, signed=False)
        assert (pdf is not None and hashlib.sha256(pdf).hexdigest() == a.letter_sha256) is sees
        view = await services.get_service_application(who.principal, a.id)
        assert (view is not None and view.status.value == "PENDING_APPROVAL") is sees
    assert await services.read_service_application_letter(w.rep.principal, a.id, signed=True) is None


async def test_the_enterprise_lists_its_members_applications_to_its_admin_and_legal_rep_only(app: FakeApp):
    w = await world(app)
    applied = await app.enterprises.services.apply_for_enterprise_service(ApplyForEnterpriseServiceCommand(
        w.member.principal, w.enterprise_id, w.plan_id, DEFAULT_META))
    listing = app.enterprises.services.list_enterprise_service_applications
    found = await listing(w.rep.principal, w.enterprise_id, pending_only=True)
    assert [(v.application.id, v.status.value, v.plan.name) for v in found] == [
        (applied.application.id, "PENDING_APPROVAL", "企业标准版")]
    assert await listing(w.member.principal, w.enterprise_id) == []  # a plain member, even the applicant
    other = await app.verified_user("13700137000", "王五", ID_WANG)
    assert await listing(other.principal, w.enterprise_id) == []
    assert await listing(None, w.enterprise_id) == []
    app.clock.advance(days=8)  # past its deadline: no longer waiting for the legal rep
    assert await listing(w.rep.principal, w.enterprise_id, pending_only=True) == []
    assert [v.status.value for v in await listing(w.rep.principal, w.enterprise_id)] == ["EXPIRED"]
