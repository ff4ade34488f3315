"""GetCommerceObject: one commerce object by id for `node(id)`, only for its owner (or an operator);
the catalogue is public to anyone signed in."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from application.context import Principal
from application.ports import UnitOfWorkFactory, reading
from domain.commerce.entitlement import HolderKind


class GetCommerceObject:
    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def __call__(self, principal: Principal | None, type_name: str, object_id: UUID) -> Any | None:
        if principal is None:
            return None
        async with reading(self._uow) as uow:
            if type_name == "TradingPlatform":
                return await uow.trading_platforms.get(object_id)
            if type_name == "ServicePlan":
                return await uow.service_plans.get(object_id)
            repo = {"Order": uow.orders, "Payment": uow.payments, "Invoice": uow.invoices,
                    "Entitlement": uow.entitlements}.get(type_name)
            if repo is None:
                return None
            found = await repo.get(object_id)
        if found is None or principal.is_operator:
            return found
        if type_name == "Entitlement":
            mine = found.holder_kind is HolderKind.ACCOUNT and found.holder_id == principal.id
        else:
            mine = found.account_id == principal.id
        return found if mine else None
