"""ListMyCertificates (MyCertificates): the caller's own certificates, with the status they have now."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.context import Principal, require_account
from application.ports import Clock, UnitOfWorkFactory, reading
from domain.certificates.certificate import Certificate, CertificateStatus

_HIDDEN_PROFILES = frozenset({"EVENT"})  # one-document event certificates are not the holder's to manage


@dataclass(frozen=True)
class CertificateView:
    certificate: Certificate
    status: CertificateStatus  # EXPIRED once not_after has passed, whatever the row says


class ListMyCertificates:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def __call__(self, principal: Principal | None) -> list[CertificateView]:
        p = require_account(principal)
        async with reading(self._uow) as uow:
            certs = await uow.certificates.for_account(p.id)
        now = self._clock.now()
        return [CertificateView(c, c.status_at(now)) for c in certs
                if c.status is not CertificateStatus.PENDING and c.profile not in _HIDDEN_PROFILES
                and c.holder_enterprise_id is None]


class GetMyCertificate:
    """One of the caller's certificates (for `node(id)`); None for anything else."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def __call__(self, principal: Principal | None, certificate_id: UUID) -> CertificateView | None:
        p = require_account(principal)
        async with reading(self._uow) as uow:
            cert = await uow.certificates.get(certificate_id)
        if cert is None or cert.holder_account_id != p.id or cert.status is CertificateStatus.PENDING:
            return None
        return CertificateView(cert, cert.status_at(self._clock.now()))
