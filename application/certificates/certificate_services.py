"""CertificateServices (§8.3 证书管理 "可查看证书拥有的服务信息"): the services a certificate carries.

Certificates are not linked to entitlements, so "carries" is defined here: the entitlements of the certificate's
holder (the enterprise for an org certificate, the account for a personal one) whose validity window
[valid_from, valid_until) overlaps the certificate's usable life [not_before, end), where end is revoked_at for a
revoked certificate and not_after otherwise. A revoked entitlement's window ends at its own revoked_at in the same
way. Newest first.

Only those who may see the certificate learn its services: the holder account for a personal certificate, the
admins and legal rep of the enterprise for an org certificate. Anyone else gets an empty list (as with
ListEnterpriseCertificates, the certificate's existence is not theirs to learn)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from application.context import Principal
from application.ports import UnitOfWork, UnitOfWorkFactory, reading
from domain.certificates.certificate import Certificate, CertificateStatus
from domain.commerce.entitlement import Entitlement, HolderKind


def usable_life(cert: Certificate) -> tuple[datetime, datetime]:
    """[not_before, end): a revoked certificate's life ends when it was revoked."""
    end = cert.not_after
    if cert.revoked_at is not None:
        end = min(end, cert.revoked_at)
    return cert.not_before, end


def carried_by(entitlement: Entitlement, start: datetime, end: datetime) -> bool:
    """True when the entitlement's window overlaps [start, end) (half-open on both sides)."""
    until = entitlement.valid_until
    if entitlement.revoked_at is not None:
        until = min(until, entitlement.revoked_at)
    return entitlement.valid_from < end and until > start


class CertificateServices:
    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def __call__(self, principal: Principal | None, certificate_id: UUID) -> list[Entitlement]:
        if principal is None or not principal.is_account:
            return []
        async with reading(self._uow) as uow:
            cert = await uow.certificates.get(certificate_id)
            if cert is None or cert.status is CertificateStatus.PENDING:
                return []
            holder = await self._visible_holder(uow, principal, cert)
            if holder is None:
                return []
            found = await uow.entitlements.for_holder(*holder)
        start, end = usable_life(cert)
        carried = [e for e in found if carried_by(e, start, end)]
        return sorted(carried, key=lambda e: (e.valid_from, str(e.id)), reverse=True)

    @staticmethod
    async def _visible_holder(uow: UnitOfWork, principal: Principal, cert: Certificate
                              ) -> tuple[HolderKind, UUID] | None:
        """The entitlement holder of the certificate, when the principal may see it; None otherwise."""
        if cert.holder_enterprise_id is not None:  # an org certificate (its holder_account_id is the claimer)
            membership = await uow.memberships.of(cert.holder_enterprise_id, principal.id)
            if membership is None or not membership.may_administer:
                return None
            return HolderKind.ENTERPRISE, cert.holder_enterprise_id
        if cert.holder_account_id is not None and cert.holder_account_id == principal.id:
            return HolderKind.ACCOUNT, cert.holder_account_id
        return None
