"""CreateCertificateGrant (§8.5.1 企业管理员新增证书服务授权, §8.5.2 法人新增证书服务授权): the admin or the legal rep
picks a member, a platform and operations and a last day. The grant waits for the legal rep's signature on the
grant letter (ApproveCertificateGrant); the legal rep hears of it by SMS with the approval link. When the legal rep
creates it they approve it themselves next (the same signing path: they need their SMS code for it).

Refused (nothing stored): no active org certificate yet, no active enterprise entitlement on that platform covering
every operation, a last day in the past or beyond that entitlement, a member who is not (or no longer) of the
enterprise or not identity-verified, a named seal that is not one of the enterprise's active seals or named
without SIGN.

The grant letter is drawn up here and kept with the grant, so the legal rep can read exactly what they will sign
(`CertificateGrant.letter`); approving signs that stored PDF."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime
from uuid import UUID

from application.audit import audit
from application.certificates.claim_enterprise_certificate import current_org_pair
from application.context import Principal, RequestMeta, require_account
from application.enterprises.certified_access import certified_and_administered
from application.enterprises.member_access import notify
from application.global_ids import global_id
from application.grants.access import entitlement_end, letter_content
from application.grants.ports import GrantLetterDocuments
from application.ports import BlobStore, Clock, UnitOfWork, UnitOfWorkFactory
from domain.certificates.claim import EntitlementRequired
from domain.commerce.entitlement import ScanOperation
from domain.enterprises.enterprise import Enterprise
from domain.errors import InvalidInput, NotFound
from domain.grants.grant import CertificateGrant, normalise_operations
from domain.seals.seal import SealNotActive

PDF = "application/pdf"

APPROVAL_PATH = "/l/certificate-grant"  # the landing page (adapters/http/landing.py)


def approval_url(base_url: str, grant_id: UUID) -> str:
    """The link the legal rep signs at; it carries the global ID `approveCertificateGrant(grantId)` takes."""
    return f"{base_url.rstrip('/')}{APPROVAL_PATH}?grant={global_id('CertificateGrant', grant_id)}"


@dataclass(frozen=True)
class CreateCertificateGrantCommand:
    principal: Principal | None
    enterprise_id: UUID
    membership_id: UUID
    platform_id: UUID
    operations: list[ScanOperation]
    valid_until: date
    meta: RequestMeta | None = None
    seal_ids: list[UUID] = field(default_factory=list)


async def check_named_seals(uow: UnitOfWork, enterprise_id: UUID, seal_ids: list[UUID], now: datetime) -> None:
    """Every named seal is an active seal of this enterprise; another enterprise's seal reads as nonexistent."""
    for seal_id in seal_ids:
        seal = await uow.seals.get(seal_id)
        if seal is None or seal.holder_enterprise_id != enterprise_id:
            raise NotFound("印章不存在", field="sealIds")
        if not seal.is_usable(now):
            raise SealNotActive("所选印章已注销或已过期，不能用于授权", field="sealIds")


class CreateCertificateGrant:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, base_url: str, letters: GrantLetterDocuments,
                 blobs: BlobStore) -> None:
        self._uow, self._clock, self._base_url = uow, clock, base_url
        self._letters, self._blobs = letters, blobs

    async def __call__(self, cmd: CreateCertificateGrantCommand) -> CertificateGrant:
        p = require_account(cmd.principal)
        async with self._uow() as uow:
            now = self._clock.now()
            enterprise = await certified_and_administered(uow, p.id, cmd.enterprise_id)
            member = await uow.member_directory.get(cmd.membership_id)
            if member is None or member.enterprise_id != enterprise.id:
                raise NotFound("该成员不在本企业中", field="memberId")
            identity = await uow.identities.for_account(member.account_id)
            if identity is None or not identity.is_verified:
                raise InvalidInput("该成员尚未完成实名认证，不能获得证书授权", field="memberId")
            if await uow.trading_platforms.get(cmd.platform_id) is None:
                raise NotFound("交易平台不存在", field="platformId")
            signing, _encryption = await current_org_pair(uow, enterprise.id, now)
            if signing is None:
                raise EntitlementRequired("企业尚未领取机构证书，请先领取后再授权", field="enterpriseId")
            ops = normalise_operations(cmd.operations)
            latest = await entitlement_end(uow, enterprise.id, cmd.platform_id, ops, now)
            if latest is None:
                raise EntitlementRequired("企业在该平台没有覆盖所选服务的有效证书服务，请先为企业购买", field="operations")
            grant = CertificateGrant.create(
                enterprise_id=enterprise.id, membership_id=member.id, member_account_id=member.account_id,
                platform_id=cmd.platform_id, operations=ops, valid_until=cmd.valid_until, latest_end=latest,
                granted_by=p.id, now=now, seal_ids=cmd.seal_ids)
            await check_named_seals(uow, enterprise.id, grant.seal_ids, now)
            # Drawn up inside the (so far read-only) transaction: what the letter names is what was just checked.
            pdf = await self._letters.render(await letter_content(uow, grant, enterprise))
            grant.draw_up_letter(await self._blobs.put(pdf, PDF), hashlib.sha256(pdf).hexdigest())
            try:
                await self._record(uow, grant, enterprise, cmd, p.id, now)
            except BaseException:
                assert grant.letter_blob_id is not None
                await self._blobs.delete(grant.letter_blob_id)
                raise
        return grant

    async def _record(self, uow: UnitOfWork, grant: CertificateGrant, enterprise: Enterprise,
                      cmd: CreateCertificateGrantCommand, by: UUID, now: datetime) -> None:
        uow.certificate_grants.add(grant)
        rep = next((m for m in await uow.memberships.for_enterprise(enterprise.id) if m.is_legal_rep), None)
        if rep is not None and rep.account_id != by:
            account = await uow.accounts.get(rep.account_id)
            notify(uow, account.phone if account else None,
                   f"【数信签】{enterprise.name}申请将机构证书授权给成员使用，请登录签署企业证书授权书："
                   f"{approval_url(self._base_url, grant.id)}")
        audit(uow, "grant.created", now, cmd.meta, account_id=by, enterprise_id=str(enterprise.id),
              grant_id=str(grant.id), member_account_id=str(grant.member_account_id),
              platform_id=str(cmd.platform_id), operations=",".join(grant.operations),
              seal_ids=",".join(str(s) for s in grant.seal_ids) or None)
        await uow.commit()
