"""orderChanged over a real WebSocket (uvicorn, graphql-transport-ws, the bearer token in connection_init): the
buyer hears its order and payments change as they happen — a payment opened, failed, paid at the sandbox
cashier, the order fulfilled or cancelled — and the stream ends with the order; nobody else hears anything. On
PostgreSQL a subscriber on one instance hears a change made through another."""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit

import httpx
import pytest

from tests.e2e.test_commerce import BUYER, OTHER, catalogue
from tests.support.ws import SubscriptionError, serving, subscription

WATCH = """subscription W($orderId: ID!) {
  orderChanged(orderId: $orderId) { order { id status paidAt } payments { id status channel } }
}"""


async def _order(gql, container) -> tuple[str, str]:
    ids = await catalogue(gql, container)
    await gql.register(BUYER)
    placed = (await gql.op("PlaceOrder", {"planIds": [ids["personal"]]}))["placeOrder"]
    assert placed["userErrors"] == []
    return placed["order"]["id"], gql.token


def _bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


async def _next(events) -> dict:
    data = await asyncio.wait_for(anext(events), 10)
    change = data["orderChanged"]
    return {"order": change["order"]["status"], "payments": [p["status"] for p in change["payments"]]}


async def _wait_subscribed(feed, order_id) -> None:
    for _ in range(250):
        if feed.subscriber_count(order_id):
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the subscription never reached the feed")


async def _rest(events) -> list[dict]:
    out = []

    async def run():
        async for data in events:
            change = data["orderChanged"]
            out.append({"order": change["order"]["status"], "payments": [p["status"] for p in change["payments"]]})
    await asyncio.wait_for(run(), 10)
    return out


async def test_the_buyer_hears_payment_opened_failed_and_paid_then_the_stream_ends(app, gql, container):
    order_id, token = await _order(gql, container)
    async with serving(app) as base, httpx.AsyncClient(base_url=base) as web, \
            subscription(base, WATCH, {"orderId": order_id}, init_payload=_bearer(token)) as events:
        first = await asyncio.wait_for(anext(events), 10)
        assert first["orderChanged"]["order"]["id"] == order_id
        assert first["orderChanged"]["order"]["status"] == "PENDING_PAYMENT"
        assert first["orderChanged"]["payments"] == []

        paid = (await gql.op("PayOrder", {"orderId": order_id, "channel": "WECHAT_PAY"}))["payOrder"]
        assert await _next(events) == {"order": "PENDING_PAYMENT", "payments": ["PENDING"]}
        cashier = urlsplit(paid["payment"]["payUrl"]).path
        assert (await web.post(cashier, data={"action": "fail"})).status_code == 303
        assert await _next(events) == {"order": "PENDING_PAYMENT", "payments": ["FAILED"]}

        again = (await gql.op("PayOrder", {"orderId": order_id, "channel": "ALIPAY"}))["payOrder"]
        assert await _next(events) == {"order": "PENDING_PAYMENT", "payments": ["FAILED", "PENDING"]}
        assert (await web.post(urlsplit(again["payment"]["payUrl"]).path, data={"action": "pay"})).status_code == 303
        assert await _rest(events) == [{"order": "FULFILLED", "payments": ["FAILED", "SUCCEEDED"]}]
    await container.payment_gateway().wait_idle()
    assert container.order_feed().subscriber_count() == 0


async def test_a_cancelled_order_ends_the_stream(app, gql, container):
    order_id, token = await _order(gql, container)
    async with serving(app) as base, subscription(base, WATCH, {"orderId": order_id},
                                                   init_payload=_bearer(token)) as events:
        assert (await _next(events))["order"] == "PENDING_PAYMENT"
        assert (await gql.op("CancelOrder", {"orderId": order_id}))["cancelOrder"]["userErrors"] == []
        assert await _rest(events) == [{"order": "CANCELLED", "payments": []}]


async def test_only_the_signed_in_buyer_may_watch(app, gql, container):
    order_id, token = await _order(gql, container)
    await gql.register(OTHER)
    other = gql.token
    async with serving(app) as base:
        cases = ((_bearer(other), "NOT_FOUND"), ({}, "UNAUTHENTICATED"), (_bearer("nonsense"), "TOKEN_INVALID"),
                 (_bearer(token), "NOT_FOUND"))
        for init, code in cases:
            order = order_id if code != "NOT_FOUND" or init != _bearer(token) else "T3JkZXI6bm9uZQ"
            async with subscription(base, WATCH, {"orderId": order}, init_payload=init) as events:
                with pytest.raises(SubscriptionError) as err:
                    await asyncio.wait_for(anext(events), 10)
                assert code in str(err.value), (init, err.value)
                assert "PENDING_PAYMENT" not in str(err.value)
    assert container.order_feed().subscriber_count() == 0


async def test_a_subscriber_on_one_instance_hears_changes_made_through_another(settings, container, gql,
                                                                                database_url):
    """Two app instances (two workers, each with its own container and LISTEN connection) on one PostgreSQL."""
    if not database_url.startswith("postgresql"):
        pytest.skip("across workers needs PostgreSQL (SXQ_TEST_DATABASE_URL)")
    from adapters.bootstrap.container import build_container
    from adapters.http.app import create_app
    from application.commerce.cancel_order import CancelOrderCommand
    from application.context import Principal
    from graphql_schema.common.node import from_global_id

    other = build_container(settings, clock=container.clock())
    try:
        app_a = create_app(settings, container, run_worker=False)
        order_id, token = await _order(gql, container)
        local = from_global_id(order_id, "Order")[1]
        async with serving(app_a) as base, subscription(base, WATCH, {"orderId": order_id},
                                                        init_payload=_bearer(token)) as events:
            assert (await _next(events))["order"] == "PENDING_PAYMENT"
            await _wait_subscribed(container.order_feed(), local)
            await container.order_feed().start()
            principal = (await other.use_cases().authenticate.check(token))[0]
            assert isinstance(principal, Principal)
            await other.use_cases().commerce.cancel_order(CancelOrderCommand(principal, local))
            assert await _rest(events) == [{"order": "CANCELLED", "payments": []}]
    finally:
        await other.order_feed().close()
        await other.scan_feed().close()
        await other.engine().dispose()
