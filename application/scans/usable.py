"""What an account may use for one scan session: certificates whose holder has an active entitlement on the
session's platform covering its operation, and (SIGN) the seals of the requested owner and kind."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from application.certificates.personal import active_personal
from application.ports import UnitOfWork
from domain.certificates.certificate import Certificate, CertificateUsage
from domain.commerce.entitlement import Entitlement, HolderKind, ScanOperation, SubjectType
from domain.enterprises.enterprise import Enterprise
from domain.scans.session import ScanSession, SealOwner, SealUse
from domain.seals.seal import Seal, SealStatus


@dataclass(frozen=True)
class UsableCertificate:
    certificate: Certificate
    holder_kind: SubjectType
    entitlement: Entitlement
    enterprise_id: UUID | None = None
    enterprise: Enterprise | None = None  # ENTERPRISE: the granting enterprise (§7.3)


def certificate_usage_for(operation: ScanOperation) -> CertificateUsage:
    """DECRYPT is done with the encryption certificate the envelope was made for; the rest sign."""
    return CertificateUsage.ENCRYPTION if operation is ScanOperation.DECRYPT else CertificateUsage.SIGNING


def best_entitlement(entitlements: list[Entitlement], needed_signs: int) -> Entitlement:
    """The entitlement a use counts against: one with enough signatures left, else the first."""
    for e in entitlements:
        if e.signs_left is None or e.signs_left >= needed_signs:
            return e
    return entitlements[0]


def signs_needed(session: ScanSession) -> int:
    return len(session.documents) if session.operation is ScanOperation.SIGN else 0


async def usable_certificates(uow: UnitOfWork, account_id: UUID, session: ScanSession,
                              now: datetime) -> list[UsableCertificate]:
    op = ScanOperation(session.operation)
    covering = [e for e in await uow.entitlements.active_for_holder(HolderKind.ACCOUNT, account_id, now)
                if e.covers(op, session.platform_id, now)]
    found: list[UsableCertificate] = []
    if covering:
        entitlement = best_entitlement(covering, signs_needed(session))
        usage = certificate_usage_for(op)
        found += [UsableCertificate(c, SubjectType.PERSONAL, entitlement)
                  for c in await active_personal(uow, account_id, now) if c.usage is usage]
    found += await granted_org_certificates(uow, account_id, session, now)
    return found


async def granted_org_certificates(uow: UnitOfWork, account_id: UUID, session: ScanSession,
                                   now: datetime) -> list[UsableCertificate]:
    """Org certificates granted to this member for the platform and operation (§7.3), each with the
    enterprise's active entitlement (holder_kind ENTERPRISE, enterprise_id set): application/grants/usable.py."""
    from application.grants.usable import granted_uses

    return [UsableCertificate(u.certificate, SubjectType.ENTERPRISE, u.entitlement, u.enterprise.id, u.enterprise)
            for u in await granted_uses(uow, account_id, session.platform_id, ScanOperation(session.operation),
                                        signs_needed(session), now)]


async def usable_seals(uow: UnitOfWork, account_id: UUID, session: ScanSession, now: datetime) -> list[Seal]:
    if session.operation != ScanOperation.SIGN:
        return []
    if session.seal_owner is SealOwner.ENTERPRISE or session.seal_use is SealUse.OFFICIAL:
        return await granted_org_seals(uow, account_id, session, now)
    return [s for s in await uow.seals.for_account(account_id)
            if s.kind.is_personal and s.status_at(now) is SealStatus.ACTIVE]


async def granted_org_seals(uow: UnitOfWork, account_id: UUID, session: ScanSession, now: datetime) -> list[Seal]:
    """The ACTIVE seals of the enterprises whose grant covers this platform and SIGN (§7.3): the seals a grant
    names, or every active seal of the enterprise when it names none."""
    from application.grants.usable import granting_grants

    seals: dict[UUID, Seal] = {}
    for grant in await granting_grants(uow, account_id, session.platform_id, ScanOperation.SIGN, now):
        for s in await uow.seals.for_enterprise(grant.enterprise_id):
            if s.status_at(now) is SealStatus.ACTIVE and grant.offers_seal(s.id):
                seals.setdefault(s.id, s)
    return list(seals.values())
