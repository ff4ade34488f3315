"""My services (§9.2, §8.3): the entitlements the caller holds, and those of the enterprises they administer
(admin or legal rep), newest first."""

from __future__ import annotations

from application.context import Principal, require_account
from application.ports import UnitOfWorkFactory, reading
from domain.commerce.entitlement import Entitlement, HolderKind


class ListMyEntitlements:
    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def __call__(self, principal: Principal | None) -> list[Entitlement]:
        me = require_account(principal)
        async with reading(self._uow) as uow:
            found = await uow.entitlements.for_holder(HolderKind.ACCOUNT, me.id)
            for membership in await uow.memberships.for_account(me.id):
                if membership.may_administer:
                    found += await uow.entitlements.for_holder(HolderKind.ENTERPRISE, membership.enterprise_id)
        # The repository's order (newest first, then id), kept across the holders.
        return sorted(sorted(found, key=lambda e: e.id.hex), key=lambda e: e.valid_from, reverse=True)
