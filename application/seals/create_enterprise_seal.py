"""CreateEnterpriseSeal (§8.2.1 制作机构印章, §8.2.2 制作法人代表章): the admin or legal rep of a certified enterprise that
holds an active org certificate makes one of its seals, approved by their own co-signature (two calls, SPEC §C).

The seal admin (印章管理员) is a member of the enterprise chosen by id, the caller by default. The seal lives as long
as the org signing certificate it is made under. One live 公章 and one live 法定代表人章 per enterprise: checked
here for a clear error, and held under races by the unique `single_key` column (an expired holder of the key is
released in the same transaction, so an enterprise whose seal lapsed can make a new one)."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.audit import audit
from application.certificates.claim_enterprise_certificate import current_org_pair
from application.context import Principal, RequestMeta, require_account
from application.enterprises.certified_access import certified_and_administered
from application.ports import BlobStore, Clock, UnitOfWork, UnitOfWorkFactory
from application.seals.list_my_seals import SealView
from application.seals.org_seal_faces import store_face
from application.seals.personal_name_seal import PNG
from application.seals.ports import SealImages
from application.seals.seal_acts import create_enterprise_act
from application.signing.cosigning import CoSigning, NeedsCoSignature, live_key
from domain.enterprises.enterprise import Enterprise
from domain.errors import NotFound
from domain.seals.org_seal import (
    OrgCertificateRequired,
    SealKindTaken,
    check_kind,
    check_name,
    initial_face,
    make_org_seal,
    single_key,
)
from domain.seals.seal import SealKind
from domain.signing.cosignature import CoSignature


@dataclass(frozen=True)
class CreateEnterpriseSealCommand:
    principal: Principal | None
    enterprise_id: UUID
    name: str
    kind: SealKind
    co_signature: CoSignature | None = None
    seal_admin_member_id: UUID | None = None  # a membership id; None: the caller
    meta: RequestMeta | None = None


class CreateEnterpriseSeal:
    def __init__(self, uow: UnitOfWorkFactory, cosigning: CoSigning, images: SealImages, blobs: BlobStore,
                 clock: Clock) -> None:
        self._uow, self._cosigning, self._images, self._blobs, self._clock = uow, cosigning, images, blobs, clock

    async def __call__(self, cmd: CreateEnterpriseSealCommand) -> SealView | NeedsCoSignature:
        p = require_account(cmd.principal)
        check_kind(cmd.kind)
        name = check_name(cmd.name)
        # Everything refusable without the co-signature is refused first: no attempt is spent on it.
        # Not committed: a lapsed seal gives up its one-of-a-kind place only when a successor is made.
        async with self._uow() as uow:
            enterprise, _ = await self._checked(uow, p.id, cmd, name)
            initial_face(cmd.kind, name, enterprise.name, enterprise.legal_rep_name)  # a name too long for the face
            await live_key(uow, p.id)
        act = create_enterprise_act(cmd.enterprise_id, name, cmd.kind, cmd.seal_admin_member_id, enterprise.name)
        if cmd.co_signature is None:
            return await self._cosigning.ask_statement(p.id, act)
        approval = await self._cosigning.approve(p.id, act, [cmd.co_signature], cmd.meta)
        async with self._uow() as uow:  # the face from the enterprise as it is now
            enterprise, _ = await self._checked(uow, p.id, cmd, name)
        face = initial_face(cmd.kind, name, enterprise.name, enterprise.legal_rep_name)
        blob = await store_face(self._images, self._blobs, face)
        try:
            async with self._uow() as uow:
                # Read again in the writing transaction: rights, certificate and the one-of-a-kind rule may have moved.
                enterprise, admin_id = await self._checked(uow, p.id, cmd, name)
                now = self._clock.now()
                signing, _ = await current_org_pair(uow, enterprise.id, now)
                assert signing is not None  # _checked refused otherwise
                seal, first_face = make_org_seal(
                    enterprise_id=enterprise.id, kind=cmd.kind, name=name, face=face, seal_admin_account_id=admin_id,
                    face_blob=blob, content_type=PNG, now=now, valid_until=signing.not_after)
                uow.seals.add(seal)
                uow.seals.add_face(first_face)
                audit(uow, "seal.created", now, cmd.meta, account_id=p.id, enterprise_id=str(enterprise.id),
                      seal=str(seal.id), seal_kind=cmd.kind.value, seal_admin=str(admin_id),
                      evidence=approval.evidence())
                await uow.commit()
        except BaseException:
            await self._blobs.delete(blob)
            raise
        return SealView(seal, seal.status_at(now))

    async def _checked(self, uow: UnitOfWork, account_id: UUID, cmd: CreateEnterpriseSealCommand,
                       name: str) -> tuple[Enterprise, UUID]:
        enterprise = await certified_and_administered(uow, account_id, cmd.enterprise_id)
        now = self._clock.now()
        signing, _ = await current_org_pair(uow, enterprise.id, now)
        if signing is None or signing.not_after <= now:
            raise OrgCertificateRequired(field="enterpriseId")
        admin_id = account_id
        if cmd.seal_admin_member_id is not None:
            member = await uow.member_directory.get(cmd.seal_admin_member_id)
            if member is None or member.enterprise_id != enterprise.id:
                raise NotFound("该成员不存在", field="sealAdminMemberId")
            admin_id = member.account_id
        key = single_key(enterprise.id, cmd.kind)
        if key is not None:
            for other in await uow.seals.for_enterprise(enterprise.id):
                if other.single_key != key:
                    continue
                if other.is_usable(now):
                    raise SealKindTaken(field="kind")
                other.single_key = None  # lapsed: it no longer holds the place
        return enterprise, admin_id
