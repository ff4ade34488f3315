"""What a member may use through their grants (§7.3): for a scan session, the enterprise's current org certificate
with an entitlement of the enterprise that covers the platform and operation (its quota is what a use counts
against); for me.usableEnterpriseCertificates, the org certificates of every ACTIVE grant.

A grant is only half of it: it must be ACTIVE (approved, paid, not past its last day, not revoked or ended), name
this platform and operation, the member must still belong to the enterprise, and the enterprise must hold an
active org certificate and an active entitlement covering the use. Anything missing: nothing is offered."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from application.certificates.claim_enterprise_certificate import current_org_pair
from application.ports import UnitOfWork
from application.scans.usable import best_entitlement, certificate_usage_for
from domain.certificates.certificate import Certificate, CertificateUsage
from domain.commerce.entitlement import Entitlement, HolderKind, ScanOperation
from domain.enterprises.enterprise import Enterprise
from domain.grants.grant import CertificateGrant, GrantStatus


@dataclass(frozen=True)
class GrantedCertificate:
    grant: CertificateGrant
    enterprise: Enterprise
    certificate: Certificate


@dataclass(frozen=True)
class GrantedUse:
    grant: CertificateGrant
    enterprise: Enterprise
    certificate: Certificate
    entitlement: Entitlement


async def _live_grants(uow: UnitOfWork, account_id: UUID, now: datetime) -> list[CertificateGrant]:
    live = []
    for g in await uow.certificate_grants.for_member_account(account_id):
        if g.status_at(now) is GrantStatus.ACTIVE and await uow.memberships.of(g.enterprise_id, account_id):
            live.append(g)
    return live


async def my_granted_certificates(uow: UnitOfWork, account_id: UUID, now: datetime) -> list[GrantedCertificate]:
    """me.usableEnterpriseCertificates: each ACTIVE grant's current org signing certificate, once per enterprise."""
    found: dict[UUID, GrantedCertificate] = {}
    for g in await _live_grants(uow, account_id, now):
        if g.enterprise_id in found:
            continue
        enterprise = await uow.enterprises.get(g.enterprise_id)
        signing, _encryption = await current_org_pair(uow, g.enterprise_id, now)
        if enterprise is not None and signing is not None:
            found[g.enterprise_id] = GrantedCertificate(g, enterprise, signing)
    return list(found.values())


async def granted_uses(uow: UnitOfWork, account_id: UUID, platform_id: UUID, operation: ScanOperation,
                       needed_signs: int, now: datetime) -> list[GrantedUse]:
    """The org certificates (of the usage the operation needs) this member may use here, with the enterprise's
    entitlement each use counts against."""
    uses: dict[UUID, GrantedUse] = {}
    usage = certificate_usage_for(operation)
    for g in await _live_grants(uow, account_id, now):
        if g.enterprise_id in uses or not g.allows(platform_id, operation, now):
            continue
        covering = [e for e in await uow.entitlements.active_for_holder(HolderKind.ENTERPRISE, g.enterprise_id, now)
                    if e.covers(operation, platform_id, now)]
        enterprise = await uow.enterprises.get(g.enterprise_id)
        pair = await current_org_pair(uow, g.enterprise_id, now)
        certificate = pair[0] if usage is CertificateUsage.SIGNING else pair[1]
        if covering and enterprise is not None and certificate is not None:
            uses[g.enterprise_id] = GrantedUse(g, enterprise, certificate, best_entitlement(covering, needed_signs))
    return list(uses.values())


async def granting_grants(uow: UnitOfWork, account_id: UUID, platform_id: UUID, operation: ScanOperation,
                          now: datetime) -> list[CertificateGrant]:
    """The member's live grants covering this platform and operation (SIGN: whose seals they may use)."""
    return [g for g in await _live_grants(uow, account_id, now) if g.allows(platform_id, operation, now)]


async def still_granted(uow: UnitOfWork, account_id: UUID, enterprise_id: UUID, platform_id: UUID,
                        operation: ScanOperation, now: datetime, seal_id: UUID | None = None) -> bool:
    """Read again in the confirming transaction: the grant may have been revoked or ended meanwhile, or (with a
    seal) the seal may no longer be one the grant offers."""
    return any(g.enterprise_id == enterprise_id and (seal_id is None or g.offers_seal(seal_id))
               for g in await granting_grants(uow, account_id, platform_id, operation, now))
