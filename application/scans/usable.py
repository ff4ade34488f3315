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
from domain.scans.session import ScanSession, SealOwner, SealUse
from domain.seals.seal import Seal, SealStatus


@dataclass(frozen=True)
class UsableCertificate:
    certificate: Certificate
    holder_kind: SubjectType
    entitlement: Entitlement
    enterprise_id: UUID | None = None


def certificate_usage_for(operation: ScanOperation) -> CertificateUsage:
    """DECRYPT is done with the encryption certificate the envelope was made for; the rest sign."""
    return CertificateUsage.ENCRYPTION if operation is ScanOperation.DECRYPT else CertificateUsage.SIGNING


def _best(entitlements: list[Entitlement], needed_signs: int) -> Entitlement:
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
        entitlement = _best(covering, signs_needed(session))
        usage = certificate_usage_for(op)
        found += [UsableCertificate(c, SubjectType.PERSONAL, entitlement)
                  for c in await active_personal(uow, account_id, now) if c.usage is usage]
    found += await granted_org_certificates(uow, account_id, session, now)
    return found


async def granted_org_certificates(uow: UnitOfWork, account_id: UUID, session: ScanSession,
                                   now: datetime) -> list[UsableCertificate]:
    """Seam for issue 7: org certificates granted to this member for the platform and operation, each with the
    enterprise's active entitlement (holder_kind ENTERPRISE, enterprise_id set). No grants exist yet."""
    return []


async def usable_seals(uow: UnitOfWork, account_id: UUID, session: ScanSession, now: datetime) -> list[Seal]:
    if session.operation != ScanOperation.SIGN:
        return []
    if session.seal_owner not in (None, SealOwner.PERSONAL) or session.seal_use not in (None, SealUse.SIGNATURE):
        return []  # organisation seals arrive with grants (issue 7)
    return [s for s in await uow.seals.for_account(account_id)
            if s.kind.is_personal and s.status_at(now) is SealStatus.ACTIVE]
