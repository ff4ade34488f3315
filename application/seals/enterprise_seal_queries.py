"""Enterprise.seals (§8.2 印章管理 list): the enterprise's seals for its admins and legal rep, and for a seal admin
the seals they administer; an empty list for anyone else (whether the enterprise has seals is not theirs to learn).
Revoked and expired seals only when asked for (§9.1.4)."""

from __future__ import annotations

from uuid import UUID

from application.context import Principal
from application.ports import Clock, UnitOfWorkFactory, reading
from application.seals.list_my_seals import SealView
from application.seals.org_seal_access import may_view
from domain.seals.seal import SealStatus


class ListEnterpriseSeals:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def __call__(self, principal: Principal | None, enterprise_id: UUID,
                       include_invalid: bool = False) -> list[SealView]:
        if principal is None or not principal.is_account:
            return []
        async with reading(self._uow) as uow:
            membership = await uow.memberships.of(enterprise_id, principal.id)
            if membership is None:
                return []
            seals = [s for s in await uow.seals.for_enterprise(enterprise_id) if may_view(s, membership)]
        now = self._clock.now()
        views = [SealView(s, s.status_at(now)) for s in seals]
        return views if include_invalid else [v for v in views if v.status is SealStatus.ACTIVE]
