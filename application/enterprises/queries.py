"""What a member may read of their enterprises: their memberships, and one enterprise (null to outsiders)."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.context import Principal
from application.ports import UnitOfWorkFactory, reading
from domain.enterprises.enterprise import Enterprise, EnterpriseRole, Membership


@dataclass(frozen=True)
class MemberView:
    enterprise: Enterprise
    membership: Membership

    @property
    def role(self) -> EnterpriseRole:
        return self.membership.role


class MyMemberships:
    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def __call__(self, principal: Principal | None) -> list[MemberView]:
        if principal is None or not principal.is_account:
            return []
        async with reading(self._uow) as uow:
            memberships = await uow.memberships.for_account(principal.id)
            enterprises = {e.id: e for e in await uow.enterprises.many([m.enterprise_id for m in memberships])}
        return [MemberView(enterprises[m.enterprise_id], m) for m in memberships if m.enterprise_id in enterprises]


class GetEnterprise:
    """An enterprise as its member sees it; None for anyone else (no hint that it exists)."""

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def __call__(self, principal: Principal | None, enterprise_id: UUID) -> MemberView | None:
        if principal is None or not principal.is_account:
            return None
        async with reading(self._uow) as uow:
            membership = await uow.memberships.of(enterprise_id, principal.id)
            enterprise = await uow.enterprises.get(enterprise_id) if membership is not None else None
        return MemberView(enterprise, membership) if enterprise is not None and membership is not None else None
