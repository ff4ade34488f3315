"""The sandbox cashier page in headless Chromium against a real `sxq serve`: the payUrl a payment returns opens a
zh-CN page that loads nothing from elsewhere; pressing 确认支付 pays, the page shows the result after its redirect,
and the order is fulfilled through the sandbox's signed notification."""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit

import httpx

from tests.browser.test_example_qr_page import Background, background  # noqa: F401 - the fixture
from tests.e2e.test_commerce import BUYER, catalogue
from tests.support.graphql import GraphQLClient


async def _payment(bg: Background, live) -> tuple[GraphQLClient, str]:
    from adapters.bootstrap.container import build_container
    from adapters.bootstrap.settings import Settings

    container = build_container(Settings(mode="sandbox", data_dir=live.data_dir, password_scrypt_n=1024))
    bg.stack.push_async_callback(container.engine().dispose)
    gql = GraphQLClient(await bg.stack.enter_async_context(httpx.AsyncClient(base_url=live.base, timeout=30)))
    ids = await catalogue(gql, container)
    await gql.register(BUYER)
    placed = (await gql.op("PlaceOrder", {"planIds": [ids["personal"]]}))["placeOrder"]
    paid = (await gql.op("PayOrder", {"orderId": placed["order"]["id"], "channel": "WECHAT_PAY"}))["payOrder"]
    assert paid["userErrors"] == [], paid
    return gql, paid["payment"]["payUrl"]


async def _order_status(gql: GraphQLClient, wanted: str) -> str:
    status = ""
    for _ in range(100):  # the sandbox gateway notifies the server asynchronously
        status = (await gql.op("MyOrders"))["me"]["orders"]["edges"][0]["node"]["status"]
        if status == wanted:
            break
        await asyncio.sleep(0.1)
    return status


def test_the_cashier_page_pays_and_the_order_is_fulfilled(live_server, page, background):  # noqa: F811
    gql, pay_url = background.run(_payment(background, live_server))
    parts = urlsplit(pay_url)
    response = page.goto(f"{live_server.base}{parts.path}?{parts.query}")
    assert response is not None and response.status == 200
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert "沙箱收银台" in page.title()
    assert "¥299.00" in page.content() and "微信支付" in page.content()
    assert page.locator("#status").get_attribute("data-status") == "NOTPAY"
    page.click("#pay")
    page.wait_for_selector("#status[data-status='SUCCESS']", timeout=10_000)
    assert "支付成功" in page.locator("#status").inner_text()
    assert page.locator("#pay").count() == 0  # nothing left to press
    assert background.run(_order_status(gql, "FULFILLED")) == "FULFILLED"
