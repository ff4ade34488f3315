"""Account queries."""

from __future__ import annotations

import strawberry

from graphql_schema.accounts import types as t
from graphql_schema.common.context import Info
from graphql_schema.common.errors import run_query


@strawberry.type
class AccountQueries:
    @strawberry.field(description="The signed-in account.")
    async def me(self, info: Info) -> t.AccountType:
        ctx = info.context
        return await run_query(lambda: _me(ctx))

    @strawberry.field(description="The signed-in account's live sessions (security centre).")
    async def my_sessions(self, info: Info) -> list[t.SessionInfo]:
        ctx = info.context

        async def act():
            sessions = await ctx.use_cases.list_sessions(ctx.principal)
            return [t.SessionInfo.of(s, ctx.principal.session_id) for s in sessions]
        return await run_query(act)


async def _me(ctx) -> t.AccountType:
    return t.AccountType.of(await ctx.use_cases.get_me(ctx.principal))
