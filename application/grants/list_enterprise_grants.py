"""The enterprise's grant list (§8.5 授权列表, 待授权): every grant, newest first, for its admin and legal rep; empty
for plain members and outsiders."""

from __future__ import annotations

from uuid import UUID

from application.context import Principal
from application.ports import Clock, UnitOfWorkFactory, reading
from domain.grants.grant import CertificateGrant


class ListEnterpriseGrants:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def __call__(self, principal: Principal | None, enterprise_id: UUID) -> list[CertificateGrant]:
        if principal is None or not principal.is_account:
            return []
        async with reading(self._uow) as uow:
            membership = await uow.memberships.of(enterprise_id, principal.id)
            if membership is None or not membership.may_administer:
                return []
            return list(reversed(await uow.certificate_grants.for_enterprise(enterprise_id)))
