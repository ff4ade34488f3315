"""Operator login and the review queue."""

from __future__ import annotations

from datetime import datetime

import strawberry

from application.operators.operators import OperatorLoginCommand
from graphql_schema.common.context import Info
from graphql_schema.common.errors import UserError, run_mutation, run_query
from graphql_schema.common.node import PageInfo, total_of
from graphql_schema.identity import types as it


@strawberry.type
class OperatorSession:
    access_token: str
    expires_at: datetime


@strawberry.type
class OperatorLoginPayload:
    session: OperatorSession | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input
class OperatorLoginInput:
    username: str
    password: str
    totp_code: str | None = strawberry.field(
        default=None, description="The 6-digit code of the operator's authenticator app; required of every "
                                  "operator enrolled with a second factor (all but `--no-totp` ones).")


@strawberry.type
class OperatorMutations:
    @strawberry.mutation(description="Operators sign in with the username and password made by `sxq operator create`, "
                                 "and the TOTP code when they have a second factor.")
    async def operator_login(self, info: Info, input: OperatorLoginInput) -> OperatorLoginPayload:
        ctx = info.context

        async def act():
            issued = await ctx.use_cases.operator_login(OperatorLoginCommand(input.username, input.password, ctx.meta,
                                                                               totp_code=input.totp_code))
            return OperatorLoginPayload(session=OperatorSession(access_token=issued.access_token,
                                                                expires_at=issued.expires_at))
        return await run_mutation(OperatorLoginPayload, act, input)


@strawberry.type
class OperatorQueries:
    @strawberry.field(description="Operators: manual reviews, oldest first. At most 100 a page.")
    async def reviews(self, info: Info, kind: it.ReviewKindEnum | None = None,  # type: ignore[valid-type]
                      status: it.ReviewStatusEnum | None = None,  # type: ignore[valid-type]
                      first: int = 20, after: str | None = None) -> it.ReviewConnection:
        ctx = info.context

        async def act():
            page = await ctx.use_cases.list_reviews(ctx.principal, kind=kind, status=status, first=first, after=after)
            edges = [it.ReviewEdge(cursor=c, node=it.ReviewType.of(r)) for r, c in zip(page.items, page.cursors, strict=True)]
            return it.ReviewConnection(edges=edges, page_info=PageInfo(has_next_page=page.has_next,
                                                                       end_cursor=page.end_cursor),
            total_count=total_of(page))
        return await run_query(act)
