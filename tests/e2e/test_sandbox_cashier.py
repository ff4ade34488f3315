"""The sandbox payUrl opens a cashier page (no longer a 404): paying there fulfils the order through the
sandbox's signed notification, failing there leaves a FAILED payment and the order payable; the app gets the
channel SDK's parameter set (appPayParams) and can check its signature against /sandbox/pay/keys."""

from __future__ import annotations

from urllib.parse import urlsplit

from cryptography.hazmat.primitives import serialization

from adapters.vendors.rsa_sha256 import rsa_verify
from adapters.vendors.wechatpay import app_pay_message
from tests.e2e.test_commerce import BUYER, OTHER, catalogue

PAYMENT = """query($id: ID!) {
  node(id: $id) {
    ... on Payment {
      status paidAt payUrl
      appPayParams {
        __typename
        ... on WeChatPayAppParams { appId partnerId prepayId package nonceStr timestamp sign }
        ... on AlipayAppParams { orderString }
      }
    }
  }
}"""


async def _order(gql, container) -> str:
    ids = await catalogue(gql, container)
    await gql.register(BUYER)
    placed = (await gql.op("PlaceOrder", {"planIds": [ids["personal"]]}))["placeOrder"]
    assert placed["userErrors"] == []
    return placed["order"]["id"]


async def _pay_order(gql, order_id: str, channel: str) -> dict:
    paid = (await gql.op("PayOrder", {"orderId": order_id, "channel": channel}))["payOrder"]
    assert paid["userErrors"] == [], paid
    return paid["payment"]


async def _payment(gql, payment_id: str) -> dict:
    r = await gql.raw(PAYMENT, {"id": payment_id})
    assert not r.get("errors"), r
    return r["data"]["node"]


def _path(url: str) -> str:
    return urlsplit(url).path


async def _order_status(gql) -> str:
    return (await gql.op("MyOrders"))["me"]["orders"]["edges"][0]["node"]["status"]


async def test_paying_at_the_cashier_fulfils_the_order(gql, container, client):
    order_id = await _order(gql, container)
    payment = await _pay_order(gql, order_id, "WECHAT_PAY")
    page = await client.get(_path(payment["payUrl"]))
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "<html lang='zh-CN'>" in page.text and "¥299.00" in page.text and "微信支付" in page.text
    assert "data-status='NOTPAY'" in page.text and "确认支付" in page.text
    assert "<script" not in page.text and "src=" not in page.text and "<link" not in page.text  # self-contained

    # The typed parameter set, signed with the sandbox merchant's key the keys page publishes.
    found = await _payment(gql, payment["id"])
    params = found["appPayParams"]
    assert params["__typename"] == "WeChatPayAppParams" and params["package"] == "Sign=WXPay"
    keys = (await client.get("/sandbox/pay/keys")).json()
    assert keys["WECHAT_PAY"]["appId"] == params["appId"] and keys["WECHAT_PAY"]["mchId"] == params["partnerId"]
    key = serialization.load_pem_public_key(keys["WECHAT_PAY"]["publicKeyPem"].encode())
    assert rsa_verify(key, app_pay_message(params["appId"], params["timestamp"], params["nonceStr"],
                                           params["prepayId"]), params["sign"])

    done = await client.post(_path(payment["payUrl"]), data={"action": "pay"})
    assert done.status_code == 303 and done.headers["location"] == _path(payment["payUrl"])
    await container.payment_gateway().wait_idle()
    assert await _order_status(gql) == "FULFILLED"
    found = await _payment(gql, payment["id"])
    assert found["status"] == "SUCCEEDED" and found["paidAt"]
    after = await client.get(_path(payment["payUrl"]))
    assert "data-status='SUCCESS'" in after.text and "确认支付" not in after.text
    # A second press (a resent form) does not fail a paid payment.
    await client.post(_path(payment["payUrl"]), data={"action": "fail"})
    await container.payment_gateway().wait_idle()
    assert (await _payment(gql, payment["id"]))["status"] == "SUCCEEDED"


async def test_failing_at_the_cashier_fails_the_payment_and_the_order_stays_payable(gql, container, client):
    order_id = await _order(gql, container)
    payment = await _pay_order(gql, order_id, "ALIPAY")
    assert (await _payment(gql, payment["id"]))["appPayParams"]["__typename"] == "AlipayAppParams"
    assert "支付宝" in (await client.get(_path(payment["payUrl"]))).text
    assert (await client.post(_path(payment["payUrl"]), data={"action": "fail"})).status_code == 303
    await container.payment_gateway().wait_idle()
    assert (await _payment(gql, payment["id"]))["status"] == "FAILED"
    assert await _order_status(gql) == "PENDING_PAYMENT"
    page = await client.get(_path(payment["payUrl"]))
    assert "data-status='PAYERROR'" in page.text and "确认支付" not in page.text
    # Paying the failed trade later is refused; the buyer opens a new payment and pays that.
    await client.post(_path(payment["payUrl"]), data={"action": "pay"})
    await container.payment_gateway().wait_idle()
    assert (await _payment(gql, payment["id"]))["status"] == "FAILED"
    again = await _pay_order(gql, order_id, "ALIPAY")
    assert again["id"] != payment["id"]
    await client.post(_path(again["payUrl"]), data={"action": "pay"})
    await container.payment_gateway().wait_idle()
    assert await _order_status(gql) == "FULFILLED"
    assert (await _payment(gql, payment["id"]))["status"] == "FAILED"


async def test_the_simulated_channel_and_unknown_trades(gql, container, client):
    order_id = await _order(gql, container)
    payment = await _pay_order(gql, order_id, "SANDBOX")
    assert (await _payment(gql, payment["id"]))["appPayParams"] is None
    path = _path(payment["payUrl"])
    assert "沙箱支付" in (await client.get(path)).text
    assert (await client.get(path[:-1] + ("0" if path[-1] != "0" else "1"))).status_code == 404
    # The channel in the path must be the trade's.
    assert (await client.get(path.replace("/sandbox/pay/sandbox/", "/sandbox/pay/alipay/"))).status_code == 404
    assert (await client.post(path.replace("/sandbox/pay/sandbox/", "/sandbox/pay/alipay/"),
                              data={"action": "pay"})).status_code == 404
    await container.payment_gateway().wait_idle()
    assert await _order_status(gql) == "PENDING_PAYMENT"
    # Nobody else reads the payment through the API (the page itself is the payer's, like a wallet link).
    await gql.register(OTHER)
    assert (await gql.raw(PAYMENT, {"id": payment["id"]}))["data"]["node"] is None
