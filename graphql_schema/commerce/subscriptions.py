"""orderChanged: the buyer's app follows its order over graphql-transport-ws instead of polling (the bearer
token in connection_init's payload, adapters/http/app.py)."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry
from graphql.error import GraphQLError

from application.commerce.watch_order import WatchOrderCommand
from domain.errors import Forbidden, NotFound, Unauthenticated
from graphql_schema.commerce.types import OrderType, PaymentType
from graphql_schema.common.context import Info
from graphql_schema.common.errors import auth_error
from graphql_schema.common.node import from_global_id


@strawberry.type(name="OrderChange", description="An order and its payments at one moment.")
class OrderChangeType:
    order: OrderType = strawberry.field(description="The order as it stands.")
    payments: list[PaymentType] = strawberry.field(description=(
        "Its payments, oldest first: a failed one is FAILED (the order stays PENDING_PAYMENT and may be paid "
        "again)."))


def _not_found() -> GraphQLError:
    return GraphQLError("订单不存在", extensions={"code": "NOT_FOUND"})


@strawberry.type
class CommerceSubscriptions:
    @strawberry.subscription(description=(
        "One of my orders as it stands, then again after each change to it or its payments (paid and fulfilled, "
        "a payment failed, cancelled, closed, a new payment opened), ending after FULFILLED, CANCELLED or CLOSED. "
        "For the order's buyer only, signed in: send `{\"Authorization\": \"Bearer <accessToken>\"}` as the "
        "connection_init payload. Someone else's order, or none, is NOT_FOUND before any event."))
    async def order_changed(self, info: Info, order_id: strawberry.ID) -> AsyncGenerator[OrderChangeType, None]:
        ctx = info.context
        watch = ctx.use_cases.commerce.watch_order
        if watch is None:
            raise auth_error(Forbidden("订阅不可用"))
        ref = from_global_id(order_id, "Order")
        if ref is None:
            raise _not_found()
        try:
            stream = await watch(WatchOrderCommand(principal=ctx.principal, order_id=ref[1]))
        except (Unauthenticated, Forbidden) as err:
            raise auth_error(err, ctx.token_refusal) from err
        except NotFound:
            raise _not_found() from None
        try:
            async for state in stream:
                yield OrderChangeType(order=OrderType.of(state.order, state.at),
                                      payments=[PaymentType.of(p) for p in
                                                sorted(state.payments, key=lambda p: p.created_at)])
        finally:
            await stream.aclose()  # type: ignore[attr-defined]
