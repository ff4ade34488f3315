"""me.usableEnterpriseCertificates (§8.5): the org certificates the caller may use through ACTIVE grants."""

from __future__ import annotations

from application.context import Principal
from application.grants.usable import GrantedCertificate, my_granted_certificates
from application.ports import Clock, UnitOfWorkFactory, reading


class MyGrantedCertificates:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def __call__(self, principal: Principal | None) -> list[GrantedCertificate]:
        if principal is None or not principal.is_account:
            return []
        async with reading(self._uow) as uow:
            return await my_granted_certificates(uow, principal.id, self._clock.now())
