"""RevokeCertificateGrant (§8.5): the admin or the legal rep ends a grant at any open stage; final."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.audit import audit
from application.context import Principal, RequestMeta, require_account
from application.grants.access import grant_administered
from application.ports import Clock, UnitOfWorkFactory
from domain.grants.grant import CertificateGrant


@dataclass(frozen=True)
class RevokeCertificateGrantCommand:
    principal: Principal | None
    grant_id: UUID
    meta: RequestMeta | None = None


class RevokeCertificateGrant:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def __call__(self, cmd: RevokeCertificateGrantCommand) -> CertificateGrant:
        p = require_account(cmd.principal)
        async with self._uow() as uow:
            grant, enterprise, _mine = await grant_administered(uow, p.id, cmd.grant_id)
            now = self._clock.now()
            grant.revoke(now)
            audit(uow, "grant.revoked", now, cmd.meta, account_id=p.id, enterprise_id=str(enterprise.id),
                  grant_id=str(grant.id))
            await uow.commit()
        return grant
