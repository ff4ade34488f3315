"""My services (§9.2): the entitlements the caller holds, newest first."""

from __future__ import annotations

from application.context import Principal, require_account
from application.ports import UnitOfWorkFactory
from domain.commerce.entitlement import Entitlement, HolderKind


class ListMyEntitlements:
    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def __call__(self, principal: Principal | None) -> list[Entitlement]:
        me = require_account(principal)
        async with self._uow() as uow:
            return await uow.entitlements.for_holder(HolderKind.ACCOUNT, me.id)
