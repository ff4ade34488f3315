"""`node(id)`: resolves a global ID only for callers allowed to see the object; to others it is null."""

from __future__ import annotations

import strawberry

from graphql_schema.accounts.types import AccountType
from graphql_schema.common.context import Info
from graphql_schema.common.node import Node, from_global_id
from graphql_schema.identity.types import ReviewType


@strawberry.type
class NodeQuery:
    @strawberry.field(description="Any object by its global ID; null when it does not exist or is not yours.")
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        ctx = info.context
        ref = from_global_id(id)
        if ref is None or ctx.principal is None:
            return None
        type_name, local = ref
        if type_name == "Account":
            if ctx.principal.is_account and ctx.principal.id == local:
                return AccountType.of(await ctx.use_cases.get_me(ctx.principal))
            return None
        if type_name == "Review":
            review = await ctx.use_cases.get_review(ctx.principal, local)
            return ReviewType.of(review) if review else None
        return None
