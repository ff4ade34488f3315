"""What the grant use cases share: finding a grant as someone of its enterprise, and what a grant letter says."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from application.grants.ports import GrantLetterContent
from application.ports import UnitOfWork
from domain.clock import CHINA_TZ
from domain.commerce.entitlement import HolderKind, ScanOperation
from domain.enterprises.enterprise import Enterprise, Membership
from domain.enterprises.members import ensure_administers
from domain.errors import NotFound
from domain.grants.grant import CertificateGrant

OPERATION_NAMES = {ScanOperation.LOGIN.value: "扫码登录", ScanOperation.SIGN.value: "扫码签章",
                   ScanOperation.ENCRYPT.value: "扫码加密", ScanOperation.DECRYPT.value: "扫码解密"}


async def grant_of_member(uow: UnitOfWork, account_id: UUID, grant_id: UUID
                          ) -> tuple[CertificateGrant, Enterprise, Membership]:
    """The grant and the caller's membership of its enterprise; NotFound to anyone outside that enterprise."""
    grant = await uow.certificate_grants.get(grant_id)
    mine = await uow.memberships.of(grant.enterprise_id, account_id) if grant is not None else None
    enterprise = await uow.enterprises.get(grant.enterprise_id) if grant is not None and mine else None
    if grant is None or mine is None or enterprise is None:
        raise NotFound("证书授权不存在", field="grantId")
    return grant, enterprise, mine


async def grant_administered(uow: UnitOfWork, account_id: UUID, grant_id: UUID
                             ) -> tuple[CertificateGrant, Enterprise, Membership]:
    grant, enterprise, mine = await grant_of_member(uow, account_id, grant_id)
    return grant, enterprise, ensure_administers(mine, "grantId")


async def entitlement_end(uow: UnitOfWork, enterprise_id: UUID, platform_id: UUID, operations: list[str],
                          now: datetime) -> datetime | None:
    """The latest end among the enterprise's active entitlements on the platform that cover every operation;
    None when there is none."""
    ends = [e.valid_until for e in await uow.entitlements.active_for_holder(HolderKind.ENTERPRISE, enterprise_id, now)
            if e.platform_id == platform_id and all(op in e.operations for op in operations)]
    return max(ends) if ends else None


async def letter_content(uow: UnitOfWork, grant: CertificateGrant, enterprise: Enterprise) -> GrantLetterContent:
    """What the grant letter says; dated the day the grant was made (the letter is drawn up then)."""
    member = await uow.identities.for_account(grant.member_account_id)
    platform = await uow.trading_platforms.get(grant.platform_id)
    seals = [await uow.seals.get(s) for s in grant.seal_ids]
    local = grant.created_at.astimezone(CHINA_TZ)
    return GrantLetterContent(
        enterprise_name=enterprise.name, credit_code=enterprise.credit_code,
        legal_rep_name=enterprise.legal_rep_name,
        member_name=(member.legal_name if member and member.legal_name else "") or "",
        platform_name=platform.name if platform else "", operations=tuple(OPERATION_NAMES[o] for o in grant.operations),
        valid_until=grant.valid_until, letter_date=local.date(), letter_no=f"SQ{local:%Y%m%d}{grant.id.hex[:8].upper()}",
        seal_names=tuple(s.name for s in seals if s is not None))
