"""Commerce queries: the catalogue at the root; orders and services as fields of `me` (AccountCommerceFields)."""

from __future__ import annotations

import strawberry

from graphql_schema.commerce import types as t
from graphql_schema.common.context import Info
from graphql_schema.common.errors import run_query
from graphql_schema.common.node import PageInfo, total_of


@strawberry.type
class CommerceQueries:
    @strawberry.field(description="Trading platforms that accept our certificates (§6.1). At most 100 a page.")
    async def trading_platforms(self, info: Info, first: int = 20, after: str | None = None
                                ) -> t.TradingPlatformConnection:
        page = await info.context.use_cases.commerce.list_trading_platforms(first, after)
        edges = [t.TradingPlatformEdge(cursor=c, node=t.TradingPlatformType.of(p))
                 for p, c in zip(page.items, page.cursors, strict=True)]
        return t.TradingPlatformConnection(edges=edges, page_info=PageInfo(has_next_page=page.has_next,
                                                                           end_cursor=page.end_cursor),
            total_count=total_of(page))


@strawberry.type
class AccountCommerceFields:
    """Mixed into the Account type: what only the account itself sees (the `me` query)."""

    @strawberry.field(description="My orders, newest first (§6.4). At most 100 a page.")
    async def orders(self, info: Info, first: int = 20, after: str | None = None) -> t.OrderConnection:
        ctx = info.context

        async def act():
            page = await ctx.use_cases.commerce.list_my_orders(ctx.principal, first, after)
            now = ctx.use_cases.commerce.clock.now()
            edges = [t.OrderEdge(cursor=c, node=t.OrderType.of(o, now))
                     for o, c in zip(page.items, page.cursors, strict=True)]
            return t.OrderConnection(edges=edges, page_info=PageInfo(has_next_page=page.has_next,
                                                                     end_cursor=page.end_cursor),
            total_count=total_of(page))
        return await run_query(act)

    @strawberry.field(description="My services (§9.2): what I may use on which platform, until when.")
    async def entitlements(self, info: Info) -> list[t.EntitlementType]:
        ctx = info.context

        async def act():
            found = await ctx.use_cases.commerce.list_my_entitlements(ctx.principal)
            now = ctx.use_cases.commerce.clock.now()
            return [t.EntitlementType.of(e, now) for e in found]
        return await run_query(act)

    @strawberry.field(description="My applications for enterprise plans (§6.3.1), newest first: PENDING_APPROVAL, "
                                  "APPROVED (buy it with placeOrder), PURCHASED, REJECTED or EXPIRED.")
    async def service_applications(self, info: Info) -> list[t.ServiceApplication]:
        from graphql_schema.enterprises.service_applications import my_service_applications

        return await run_query(lambda: my_service_applications(info))
