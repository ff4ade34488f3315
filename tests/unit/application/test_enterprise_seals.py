"""§8.2 org seals with the in-memory fakes: making them (after the org certificate, by the admin or legal rep, with
the PIN, one live 公章), changing a face (earlier faces stay), revoking (final, hooks in the same transaction),
exporting, listing, and a removed member losing their seal-admin role."""

from __future__ import annotations

from uuid import uuid4

import pytest

from application.enterprises.remove_member import RemoveMemberCommand
from application.seals import org_seal_access
from application.seals.change_seal_face import ChangeSealFaceCommand
from application.seals.create_enterprise_seal import CreateEnterpriseSealCommand
from application.seals.revoke_seal import RevokeSealCommand
from domain.certificates.pin import CertificatePin
from domain.errors import DomainError, ErrorCode
from domain.seals.seal import SealKind, SealStatus, SealStyle
from tests.app_fixture import DEFAULT_META, FakeApp
from tests.fakes import Snapshot
from tests.unit.application.test_claim_enterprise_certificate import PIN, claim, enterprise_entitlement
from tests.unit.application.test_enterprise_orders import _enterprise, _member


async def _with_org_certificate(app: FakeApp):
    rep, enterprise = await _enterprise(app)
    ent = await enterprise_entitlement(app, enterprise.id)
    claimed = await claim(app, rep, enterprise.id, ent.id)
    return rep, enterprise, claimed


def create(app, user, enterprise_id, kind=SealKind.CONTRACT, name="合同专用章", pin=PIN, admin_member=None):
    return app.enterprise_seals.create_enterprise_seal(CreateEnterpriseSealCommand(
        user.principal, enterprise_id, name, kind, pin, admin_member, DEFAULT_META))


async def set_pin(app, user, pin=PIN):
    verifier, _key = await app.vault.new_pin(pin)
    async with app.uow() as uow:
        uow.certificate_pins.add(CertificatePin(account_id=user.account_id, verifier=verifier, set_at=app.clock.now()))
        await uow.commit()


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


async def test_a_wrong_pin_makes_nothing_and_is_counted(app):
    rep, enterprise, _ = await _with_org_certificate(app)
    await _refused(create(app, rep, enterprise.id, pin="246813"), ErrorCode.INVALID_CREDENTIALS)
    assert [s for s in app.db.rows("seals") if s.is_org] == []
    async with app.uow() as uow:
        assert (await uow.certificate_pins.get(rep.account_id)).failed_attempts == 1


async def test_a_second_official_seal_is_refused_until_the_first_is_revoked(app):
    rep, enterprise, _ = await _with_org_certificate(app)
    first = await create(app, rep, enterprise.id, SealKind.OFFICIAL, "公章")
    await _refused(create(app, rep, enterprise.id, SealKind.OFFICIAL, "新公章"), ErrorCode.SEAL_KIND_TAKEN, "kind")
    await create(app, rep, enterprise.id, SealKind.CONTRACT, "合同专用章")
    await create(app, rep, enterprise.id, SealKind.CONTRACT, "合同专用章")  # other kinds may repeat
    await app.revoke_seal(RevokeSealCommand(rep.principal, first.seal.id, PIN, DEFAULT_META))
    second = await create(app, rep, enterprise.id, SealKind.OFFICIAL, "新公章")
    assert second.seal.single_key == f"{enterprise.id}:OFFICIAL"


async def test_bad_input_is_refused_before_the_pin(app):
    rep, enterprise, _ = await _with_org_certificate(app)
    await _refused(create(app, rep, enterprise.id, SealKind.PERSONAL_NAME, "名章"), ErrorCode.INVALID_INPUT, "kind")
    await _refused(create(app, rep, enterprise.id, name="  "), ErrorCode.INVALID_INPUT, "name")
    await _refused(create(app, rep, enterprise.id, SealKind.OTHER, "一个很长很长的其他印章名称"),
                   ErrorCode.INVALID_INPUT, "name")
    await _refused(create(app, rep, enterprise.id, admin_member=uuid4()), ErrorCode.NOT_FOUND, "sealAdminMemberId")
    async with app.uow() as uow:
        assert (await uow.certificate_pins.get(rep.account_id)).failed_attempts == 0


def change(app, user, seal_id, pin=PIN, **kw):
    return app.change_seal_face(ChangeSealFaceCommand(user.principal, seal_id, pin, meta=DEFAULT_META, **kw))


async def test_a_face_change_keeps_the_earlier_face_and_checks_the_information_code(app):
    rep, enterprise, _ = await _with_org_certificate(app)
    li = await _member(app, enterprise.id)
    seal = (await create(app, rep, enterprise.id,
                         admin_member=await _membership_id(app, enterprise.id, li.account_id))).seal
    await set_pin(app, li)  # the seal admin confirms with their own PIN
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


async def test_a_plain_member_who_is_not_the_seal_admin_cannot_change_or_revoke(app):
    rep, enterprise, _ = await _with_org_certificate(app)
    li = await _member(app, enterprise.id)
    seal = (await create(app, rep, enterprise.id)).seal
    await _refused(change(app, li, seal.id, style=SealStyle.AGED), ErrorCode.NOT_ENTERPRISE_ADMIN, "sealId")
    await _refused(app.revoke_seal(RevokeSealCommand(li.principal, seal.id, PIN, DEFAULT_META)),
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
        view = await app.revoke_seal(RevokeSealCommand(rep.principal, seal.id, PIN, DEFAULT_META))
    finally:
        org_seal_access.SEAL_REVOKED_HOOKS.remove(hook)
    assert view.status is SealStatus.REVOKED and seen == [(seal.id, SealStatus.REVOKED)]
    await _refused(app.revoke_seal(RevokeSealCommand(rep.principal, seal.id, PIN, DEFAULT_META)),
                   ErrorCode.SEAL_NOT_ACTIVE)
    await _refused(change(app, rep, seal.id, style=SealStyle.AGED), ErrorCode.SEAL_NOT_ACTIVE)
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
            await app.revoke_seal(RevokeSealCommand(rep.principal, seal.id, PIN, DEFAULT_META))
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
