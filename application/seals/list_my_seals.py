"""ListMySeals (§9.1, §9.1.4): the caller's seals; revoked and expired ones only when asked for."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.context import Principal, require_account
from application.ports import Clock, UnitOfWork, UnitOfWorkFactory, reading
from application.seals.org_seal_access import visible_org_seal
from domain.errors import NotFound
from domain.seals.seal import Seal, SealStatus


@dataclass(frozen=True)
class SealView:
    seal: Seal
    status: SealStatus  # EXPIRED once valid_until has passed, whatever the row says


class ListMySeals:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def __call__(self, principal: Principal | None, include_invalid: bool = False) -> list[SealView]:
        p = require_account(principal)
        async with reading(self._uow) as uow:
            seals = await uow.seals.for_account(p.id)
        now = self._clock.now()
        views = [SealView(s, s.status_at(now)) for s in seals]
        return views if include_invalid else [v for v in views if v.status is SealStatus.ACTIVE]


class GetMySeal:
    """One of the caller's seals, or an org seal the caller may see (§8.2), for `node(id)`; None for anything else."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def __call__(self, principal: Principal | None, seal_id: UUID) -> SealView | None:
        p = require_account(principal)
        async with reading(self._uow) as uow:
            seal = await uow.seals.get(seal_id)
            if seal is not None and seal.is_org:
                seal = await visible_org_seal(uow, p.id, seal_id)
            elif seal is not None and not seal.is_held_by_account(p.id):
                seal = None
        if seal is None:
            return None
        return SealView(seal, seal.status_at(self._clock.now()))


async def own_seal(uow: UnitOfWork, account_id: UUID, seal_id: UUID) -> Seal:
    """The caller's seal; someone else's is "not found", not "forbidden": no probing for ids."""
    seal = await uow.seals.get(seal_id)
    if seal is None or not seal.is_held_by_account(account_id):
        raise NotFound("印章不存在", field="sealId")
    return seal
