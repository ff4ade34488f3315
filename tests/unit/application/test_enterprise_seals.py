"""§8.2 org seals with the in-memory fakes: making them (after the org certificate, by the admin or legal rep,
approved by their co-signature in two calls, one live 公章), changing a face (earlier faces stay), revoking (final,
hooks in the same transaction), exporting, listing, and a removed member losing their seal-admin role."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

import pytest

from application.enterprises.remove_member import RemoveMemberCommand
from application.seals import org_seal_access
from application.seals.change_seal_face import ChangeSealFaceCommand
from application.seals.create_enterprise_seal import CreateEnterpriseSealCommand
from application.seals.revoke_seal import RevokeSealCommand
from application.signing.cosigning import NeedsCoSignature
from domain.commerce.entitlement import Entitlement, HolderKind
from domain.errors import DomainError, ErrorCode
from domain.seals.seal import SealKind, SealStatus, SealStyle
from domain.signing.signing_request import SigningPurpose
from sxq_phone import OnScreen
from tests.app_fixture import DEFAULT_META, FakeApp
from tests.fakes import Snapshot
from tests.support.phones import WRONG_PIN, evidence_statement, evidence_verifies
from tests.unit.application.test_enterprise_orders import _enterprise, _member

CREATE, CHANGE_FACE, REVOKE = "seal.create_enterprise", "seal.change_face", "seal.revoke"


async def enterprise_entitlement(app: FakeApp, enterprise_id, *, days: int = 365):
    now = app.clock.now()
    ent = Entitlement(holder_kind=HolderKind.ENTERPRISE, holder_id=enterprise_id, platform_id=uuid4(),
                      plan_id=uuid4(), order_id=uuid4(), operations=["LOGIN", "SIGN"], valid_from=now,
                      valid_until=now + timedelta(days=days))
    async with app.uow() as uow:
        uow.entitlements.add(ent)
        await uow.commit()
    return ent


async def _with_org_certificate(app: FakeApp):
    rep, enterprise = await _enterprise(app)
    await app.enrol(rep)
    ent = await enterprise_entitlement(app, enterprise.id)
    claimed = await app.claim_enterprise(rep, enterprise.id, ent.id)
    return rep, enterprise, claimed


def create_command(user, enterprise_id, kind=SealKind.CONTRACT, name="合同专用章", admin_member=None, co=None):
    return CreateEnterpriseSealCommand(user.principal, enterprise_id, name, kind, co, admin_member, DEFAULT_META)


def create(app, user, enterprise_id, kind=SealKind.CONTRACT, name="合同专用章", admin_member=None):
    """Both calls; a refusal of the first call is raised as is."""
    return app.cosigned(user, lambda co: app.enterprise_seals.create_enterprise_seal(
        create_command(user, enterprise_id, kind, name, admin_member, co)), CREATE)


def revoke(app, user, seal_id):
    return app.cosigned(user, lambda co: app.revoke_seal(RevokeSealCommand(user.principal, seal_id, co, DEFAULT_META)),
                        REVOKE)




async def _membership_id(app, enterprise_id, account_id):
    async with app.uow() as uow:
        return (await uow.memberships.of(enterprise_id, account_id)).id


async def _refused(coro, code: ErrorCode, field: str | None = None) -> DomainError:
    with pytest.raises(DomainError) as e:
        await coro
    assert e.value.code is code, e.value
    if field is not None:
        assert e.value.field == field
    return e.value


async def test_the_legal_rep_makes_an_official_seal_named_after_the_enterprise_valid_with_the_certificate(app):
    rep, enterprise, claimed = await _with_org_certificate(app)
    view = await create(app, rep, enterprise.id, SealKind.OFFICIAL, "北京数信科技有限公司公章")
    seal = view.seal
    assert view.status is SealStatus.ACTIVE and seal.holder_enterprise_id == enterprise.id
    assert seal.holder_account_id is None and seal.seal_admin_account_id == rep.account_id
    assert seal.valid_until == claimed.signing.not_after
    image, _ = await app.blobs.get(seal.image_blob_id)
    assert image.endswith("org-seal:CLASSIC:北京数信科技有限公司::".encode())
    # Org seals are the enterprise's: not in the legal rep's personal seals, in the enterprise's list.
    assert all(v.seal.id != seal.id for v in await app.list_my_seals(rep.principal, include_invalid=True))
    assert [v.seal.id for v in await app.enterprise_seals.list_enterprise_seals(rep.principal, enterprise.id)] == [
        seal.id]
    assert [e.kind for e in app.db.rows("audit") if e.kind == "seal.created"] == ["seal.created"]


async def test_a_contract_seal_with_a_member_as_its_seal_admin(app):
    rep, enterprise, _ = await _with_org_certificate(app)
    li = await _member(app, enterprise.id)
    view = await create(app, rep, enterprise.id, admin_member=await _membership_id(app, enterprise.id, li.account_id))
    assert view.seal.seal_admin_account_id == li.account_id
    image, _ = await app.blobs.get(view.seal.image_blob_id)
    assert image.endswith("org-seal:CLASSIC:北京数信科技有限公司:合同专用章:".encode())
    # The seal admin sees the seal they administer, and nothing else of the enterprise's.
    await create(app, rep, enterprise.id, SealKind.FINANCE, "财务专用章")
    assert [v.seal.id for v in await app.enterprise_seals.list_enterprise_seals(li.principal, enterprise.id)] == [
        view.seal.id]
    assert (await app.get_my_seal(li.principal, view.seal.id)).seal.id == view.seal.id
    assert await app.read_seal_image(li.principal, view.seal.id) is not None


async def test_the_legal_rep_seal_is_square_with_the_legal_reps_name(app):
    rep, enterprise, _ = await _with_org_certificate(app)
    view = await create(app, rep, enterprise.id, SealKind.LEGAL_REP, "张三法定代表人章")
    assert view.seal.style is SealStyle.SQUARE
    image, _ = await app.blobs.get(view.seal.image_blob_id)
    assert image.endswith("legal-rep-seal:张三".encode())
    await _refused(create(app, rep, enterprise.id, SealKind.LEGAL_REP, "张三章"), ErrorCode.SEAL_KIND_TAKEN, "kind")


async def test_refused_before_the_enterprise_has_an_org_certificate(app):
    rep, enterprise = await _enterprise(app)
    before = Snapshot.of(app.db, ignore=("audit",))
    await _refused(create(app, rep, enterprise.id), ErrorCode.ORG_CERTIFICATE_REQUIRED, "enterpriseId")
    assert Snapshot.of(app.db, ignore=("audit",)) == before


async def test_a_plain_member_cannot_make_a_seal_and_an_outsider_learns_nothing(app):
    rep, enterprise, _ = await _with_org_certificate(app)
    li = await _member(app, enterprise.id)
    await _refused(create(app, li, enterprise.id), ErrorCode.NOT_ENTERPRISE_ADMIN)
    wang = await app.verified_user("13700137000", "王五", "110101199001011237")
    told = await _refused(create(app, wang, enterprise.id), ErrorCode.NOT_FOUND)
    unknown = await _refused(create(app, wang, uuid4()), ErrorCode.NOT_FOUND)
    assert (told.field, told.message) == (unknown.field, unknown.message)
    assert app.db.rows("seals") == [s for s in app.db.rows("seals") if s.holder_enterprise_id is None]


async def test_the_first_call_makes_only_a_signing_request(app):
    rep, enterprise, _ = await _with_org_certificate(app)
    before = Snapshot.of(app.db, ignore=("audit", "signing_requests"))
    first = await app.enterprise_seals.create_enterprise_seal(create_command(rep, enterprise.id))
    assert isinstance(first, NeedsCoSignature)
    (request,) = first.requests
    assert request.purpose is SigningPurpose.CREATE_ENTERPRISE_SEAL
    assert request.display == "制作印章：合同专用章（北京数信科技有限公司）"
    assert Snapshot.of(app.db, ignore=("audit", "signing_requests")) == before


async def test_the_audit_keeps_the_statement_and_a_signature_that_verifies(app):
    rep, enterprise, _ = await _with_org_certificate(app)
    li = await _member(app, enterprise.id)
    member_id = await _membership_id(app, enterprise.id, li.account_id)
    seal = (await create(app, rep, enterprise.id, admin_member=member_id)).seal
    [event] = app.db.audit_events("seal.created")
    statement = evidence_statement(event)
    assert statement["action"] == CREATE and statement["account"] == str(rep.account_id)
    assert statement["input"] == {"enterpriseId": str(enterprise.id), "name": "合同专用章", "kind": "CONTRACT",
                                  "sealAdminMemberId": str(member_id)}
    assert await evidence_verifies(app, rep.account_id, event)
    await revoke(app, rep, seal.id)
    [event] = app.db.audit_events("seal.revoked")
    assert evidence_statement(event)["input"] == {"sealId": str(seal.id)} and await evidence_verifies(app, rep.account_id, event)


async def test_a_wrong_pin_makes_nothing_and_is_counted(app):
    rep, enterprise, _ = await _with_org_certificate(app)
    first = await app.enterprise_seals.create_enterprise_seal(create_command(rep, enterprise.id))
    (co,) = app.phones.co_sign(rep.account_id, first.requests, OnScreen.act(CREATE), WRONG_PIN)
    told = await _refused(app.enterprise_seals.create_enterprise_seal(create_command(rep, enterprise.id, co=co)),
                          ErrorCode.PIN_INCORRECT)
    assert told.details["attemptsLeft"] == 5
    assert [s for s in app.db.rows("seals") if s.is_org] == []
    async with app.uow() as uow:
        assert (await uow.signing_keys.live_for(rep.account_id)).attempts_left == 5


async def test_a_co_signature_for_another_seal_or_replayed_is_refused(app):
    rep, enterprise, _ = await _with_org_certificate(app)
    # A request to make a contract seal answered to making a finance seal: another act.
    first = await app.enterprise_seals.create_enterprise_seal(create_command(rep, enterprise.id))
    (co,) = app.phones.co_sign(rep.account_id, first.requests, OnScreen.act(CREATE))
    await _refused(app.enterprise_seals.create_enterprise_seal(create_command(
        rep, enterprise.id, SealKind.FINANCE, "财务专用章", co=co)), ErrorCode.SIGNING_REQUEST_INVALID)
    await app.enterprise_seals.create_enterprise_seal(create_command(rep, enterprise.id, co=co))
    await _refused(app.enterprise_seals.create_enterprise_seal(create_command(rep, enterprise.id, co=co)),
                   ErrorCode.SIGNING_REQUEST_USED)
    assert len([s for s in app.db.rows("seals") if s.is_org]) == 1
    # A revoke request of one seal answered for another.
    other = (await create(app, rep, enterprise.id, SealKind.FINANCE, "财务专用章")).seal
    seal = next(s for s in app.db.rows("seals") if s.is_org and s.id != other.id)
    first = await app.revoke_seal(RevokeSealCommand(rep.principal, seal.id))
    (co,) = app.phones.co_sign(rep.account_id, first.requests, OnScreen.act(REVOKE))
    await _refused(app.revoke_seal(RevokeSealCommand(rep.principal, other.id, co)), ErrorCode.SIGNING_REQUEST_INVALID)
    await _refused(app.change_seal_face(ChangeSealFaceCommand(rep.principal, seal.id, co, style=SealStyle.AGED)),
                   ErrorCode.SIGNING_REQUEST_INVALID)
    assert {s.status for s in app.db.rows("seals") if s.is_org} == {SealStatus.ACTIVE}


async def test_a_seal_revoked_between_the_calls_is_refused_and_its_place_is_kept_by_the_successor(app):
    rep, enterprise, _ = await _with_org_certificate(app)
    seal = (await create(app, rep, enterprise.id, SealKind.OFFICIAL, "公章")).seal
    first = await app.revoke_seal(RevokeSealCommand(rep.principal, seal.id))
    (co,) = app.phones.co_sign(rep.account_id, first.requests, OnScreen.act(REVOKE))
    await revoke(app, rep, seal.id)
    await _refused(app.revoke_seal(RevokeSealCommand(rep.principal, seal.id, co)), ErrorCode.SEAL_NOT_ACTIVE)
    # Two first calls for a 公章; the second to finish finds the place taken.
    one = await app.enterprise_seals.create_enterprise_seal(create_command(rep, enterprise.id, SealKind.OFFICIAL,
                                                                           "公章"))
    two = await app.enterprise_seals.create_enterprise_seal(create_command(rep, enterprise.id, SealKind.OFFICIAL,
                                                                           "公章"))
    (co1,) = app.phones.co_sign(rep.account_id, one.requests, OnScreen.act(CREATE))
    (co2,) = app.phones.co_sign(rep.account_id, two.requests, OnScreen.act(CREATE))
    await app.enterprise_seals.create_enterprise_seal(create_command(rep, enterprise.id, SealKind.OFFICIAL, "公章",
                                                                     co=co1))
    await _refused(app.enterprise_seals.create_enterprise_seal(create_command(
        rep, enterprise.id, SealKind.OFFICIAL, "公章", co=co2)), ErrorCode.SEAL_KIND_TAKEN, "kind")


async def test_a_second_official_seal_is_refused_until_the_first_is_revoked(app):
    rep, enterprise, _ = await _with_org_certificate(app)
    first = await create(app, rep, enterprise.id, SealKind.OFFICIAL, "公章")
    await _refused(create(app, rep, enterprise.id, SealKind.OFFICIAL, "新公章"), ErrorCode.SEAL_KIND_TAKEN, "kind")
    await create(app, rep, enterprise.id, SealKind.CONTRACT, "合同专用章")
    await create(app, rep, enterprise.id, SealKind.CONTRACT, "合同专用章")  # other kinds may repeat
    await revoke(app, rep, first.seal.id)
    second = await create(app, rep, enterprise.id, SealKind.OFFICIAL, "新公章")
    assert second.seal.single_key == f"{enterprise.id}:OFFICIAL"


async def test_bad_input_is_refused_at_the_first_call(app):
    rep, enterprise, _ = await _with_org_certificate(app)
    before = Snapshot.of(app.db)

    def first(**kw):
        return app.enterprise_seals.create_enterprise_seal(create_command(rep, enterprise.id, **kw))

    await _refused(first(kind=SealKind.PERSONAL_NAME, name="名章"), ErrorCode.INVALID_INPUT, "kind")
    await _refused(first(name="  "), ErrorCode.INVALID_INPUT, "name")
    await _refused(first(kind=SealKind.OTHER, name="一个很长很长的其他印章名称"), ErrorCode.INVALID_INPUT, "name")
    await _refused(first(admin_member=uuid4()), ErrorCode.NOT_FOUND, "sealAdminMemberId")
    assert Snapshot.of(app.db) == before, "not even a signing request"


def change(app, user, seal_id, **kw):
    return app.cosigned(user, lambda co: app.change_seal_face(ChangeSealFaceCommand(
        user.principal, seal_id, co, meta=DEFAULT_META, **kw)), CHANGE_FACE)


async def test_a_face_change_keeps_the_earlier_face_and_checks_the_information_code(app):
    rep, enterprise, _ = await _with_org_certificate(app)
    li = await _member(app, enterprise.id)
    seal = (await create(app, rep, enterprise.id,
                         admin_member=await _membership_id(app, enterprise.id, li.account_id))).seal
    await app.enrol(li)  # the seal admin approves with their own co-signature
    await _refused(change(app, li, seal.id, info_code="12345"), ErrorCode.INVALID_INPUT, "infoCode")
    await _refused(change(app, li, seal.id, style=SealStyle.OVAL), ErrorCode.INVALID_INPUT, "style")
    await _refused(change(app, li, seal.id), ErrorCode.INVALID_INPUT, "style")
    app.clock.advance(seconds=60)
    view = await change(app, li, seal.id, style=SealStyle.DOUBLE_RING, info_code="1101080012345",
                        surrounding_text="北京数信科技有限公司")
    assert view.seal.info_code == "1101080012345" and view.seal.style is SealStyle.DOUBLE_RING
    async with app.uow() as uow:
        faces = await uow.seals.faces_of(seal.id)
    assert [f.image_blob_id for f in faces] == [seal.image_blob_id, view.seal.image_blob_id]
    old, _ = await app.blobs.get(faces[0].image_blob_id)
    new, _ = await app.blobs.get(faces[1].image_blob_id)
    assert old.endswith("org-seal:CLASSIC:北京数信科技有限公司:合同专用章:".encode())
    assert new.endswith("org-seal:DOUBLE_RING:北京数信科技有限公司:合同专用章:1101080012345".encode())
    [event] = app.db.audit_events("seal.face_changed")
    assert evidence_statement(event)["input"] == {"sealId": str(seal.id), "style": "DOUBLE_RING",
                                            "surroundingText": "北京数信科技有限公司", "infoCode": "1101080012345",
                                            "imageSha256": None}
    assert event.account_id == li.account_id and await evidence_verifies(app, li.account_id, event)


async def test_a_plain_member_who_is_not_the_seal_admin_cannot_change_or_revoke(app):
    rep, enterprise, _ = await _with_org_certificate(app)
    li = await _member(app, enterprise.id)
    seal = (await create(app, rep, enterprise.id)).seal
    await _refused(change(app, li, seal.id, style=SealStyle.AGED), ErrorCode.NOT_ENTERPRISE_ADMIN, "sealId")
    await _refused(app.revoke_seal(RevokeSealCommand(li.principal, seal.id, meta=DEFAULT_META)),
                   ErrorCode.NOT_ENTERPRISE_ADMIN, "sealId")
    assert await app.get_my_seal(li.principal, seal.id) is None
    assert await app.read_seal_image(li.principal, seal.id) is None
    assert await app.export_seal(li.principal, seal.id) is None


async def test_revoking_is_final_and_runs_the_hooks_in_the_same_transaction(app):
    rep, enterprise, _ = await _with_org_certificate(app)
    seal = (await create(app, rep, enterprise.id)).seal
    seen = []

    async def hook(uow, revoked, now):
        seen.append((revoked.id, revoked.status))

    org_seal_access.SEAL_REVOKED_HOOKS.append(hook)
    try:
        view = await revoke(app, rep, seal.id)
    finally:
        org_seal_access.SEAL_REVOKED_HOOKS.remove(hook)
    assert view.status is SealStatus.REVOKED and seen == [(seal.id, SealStatus.REVOKED)]
    await _refused(app.revoke_seal(RevokeSealCommand(rep.principal, seal.id)), ErrorCode.SEAL_NOT_ACTIVE)
    await _refused(app.change_seal_face(ChangeSealFaceCommand(rep.principal, seal.id, style=SealStyle.AGED)),
                   ErrorCode.SEAL_NOT_ACTIVE)
    assert await app.export_seal(rep.principal, seal.id) is None
    listed = await app.enterprise_seals.list_enterprise_seals(rep.principal, enterprise.id)
    assert listed == []
    listed = await app.enterprise_seals.list_enterprise_seals(rep.principal, enterprise.id, include_invalid=True)
    assert [(v.seal.id, v.status) for v in listed] == [(seal.id, SealStatus.REVOKED)]


async def test_a_hook_that_refuses_leaves_the_seal_active(app):
    rep, enterprise, _ = await _with_org_certificate(app)
    seal = (await create(app, rep, enterprise.id)).seal

    async def refuse(uow, revoked, now):
        raise DomainError("授权无法终止")

    org_seal_access.SEAL_REVOKED_HOOKS.append(refuse)
    try:
        with pytest.raises(DomainError):
            await revoke(app, rep, seal.id)
    finally:
        org_seal_access.SEAL_REVOKED_HOOKS.remove(refuse)
    async with app.uow() as uow:
        assert (await uow.seals.get(seal.id)).status is SealStatus.ACTIVE


async def test_the_export_names_the_org_signing_certificate(app):
    rep, enterprise, claimed = await _with_org_certificate(app)
    seal = (await create(app, rep, enterprise.id, SealKind.OFFICIAL, "公章")).seal
    assert await app.export_seal(rep.principal, seal.id) == b"SES_Seal:" + seal.id.hex.upper().encode()
    request = app.seal_maker.requests[-1]
    assert request.personal is False and request.name == "公章"
    assert list(request.holder_certificates) == [claimed.signing.der]


async def test_a_removed_member_stops_being_seal_admin_and_the_admin_takes_over(app):
    rep, enterprise, _ = await _with_org_certificate(app)
    li = await _member(app, enterprise.id)
    membership = await _membership_id(app, enterprise.id, li.account_id)
    seal = (await create(app, rep, enterprise.id, admin_member=membership)).seal
    await app.enterprises.members.remove_member(RemoveMemberCommand(rep.principal, membership, DEFAULT_META))
    async with app.uow() as uow:
        assert (await uow.seals.get(seal.id)).seal_admin_account_id == rep.account_id
    assert await app.enterprise_seals.list_enterprise_seals(li.principal, enterprise.id) == []
