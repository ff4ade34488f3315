"""ListEnterpriseCertificates (§8.3 企业证书管理): an enterprise's org certificates, for its admin and legal rep; an
empty list for plain members and outsiders (the certificates' existence is not theirs to learn)."""

from __future__ import annotations

from uuid import UUID

from application.certificates.claim_enterprise_certificate import ORG_PROFILES
from application.certificates.list_my_certificates import CertificateView
from application.context import Principal
from application.ports import Clock, UnitOfWorkFactory, reading
from domain.certificates.certificate import CertificateStatus


class ListEnterpriseCertificates:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def __call__(self, principal: Principal | None, enterprise_id: UUID) -> list[CertificateView]:
        if principal is None or not principal.is_account:
            return []
        async with reading(self._uow) as uow:
            membership = await uow.memberships.of(enterprise_id, principal.id)
            if membership is None or not membership.may_administer:
                return []
            certs = await uow.certificates.for_enterprise(enterprise_id)
        now = self._clock.now()
        return [CertificateView(c, c.status_at(now)) for c in certs
                if c.profile in ORG_PROFILES and c.status is not CertificateStatus.PENDING]
