"""Enterprise queries: one enterprise by ID, for its members (null to anyone else)."""

from __future__ import annotations

import strawberry

from graphql_schema.common.context import Info
from graphql_schema.common.node import from_global_id
from graphql_schema.enterprises.types import EnterpriseType, Membership


async def enterprise_node(info: Info, local) -> EnterpriseType | None:
    ctx = info.context
    view = await ctx.use_cases.enterprises.get_enterprise(ctx.principal, local)
    return EnterpriseType.of_view(view) if view is not None else None


async def my_memberships(info: Info) -> list[Membership]:
    ctx = info.context
    return [Membership.of(v) for v in await ctx.use_cases.enterprises.my_memberships(ctx.principal)]


@strawberry.type
class EnterpriseQueries:
    @strawberry.field(description="An enterprise the caller belongs to; null when it does not exist or is not theirs.")
    async def enterprise(self, info: Info, id: strawberry.ID) -> EnterpriseType | None:
        ref = from_global_id(id, "Enterprise")
        return await enterprise_node(info, ref[1]) if ref is not None else None
