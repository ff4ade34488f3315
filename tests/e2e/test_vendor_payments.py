"""The whole payment path with the real WeChat Pay and Alipay adapters: GraphQL payOrder → the adapter's signed
prepay or order string → the local vendor's signed notification posted to POST /payments/notify/{channel} → the
order fulfilled. Amounts, idempotency and the pay/cancel race behave exactly as on the sandbox path (the same use
cases run; only the gateway differs), and the late money of a cancelled order is refunded through the adapter."""

from __future__ import annotations

import json
from urllib.parse import parse_qsl, urlsplit
from uuid import UUID

import httpx
import pytest

from adapters.vendors.alipay import AlipayConfig, AlipayGateway
from adapters.vendors.payments import ProductionPaymentGateway
from adapters.vendors.wechatpay import WechatPayConfig, WechatPayGateway
from tests.e2e.test_commerce import BUYER, catalogue
from tests.integration.vendors import test_alipay as ali_t
from tests.integration.vendors import test_wechatpay as wx_t
from tests.support.graphql import GraphQLClient
from tests.support.vendor_server import LocalVendorServer

pytestmark = pytest.mark.db


@pytest.fixture
def vendors():
    wechat, alipay = wx_t.FakeWechatPay(), ali_t.FakeAlipay()
    with LocalVendorServer(wechat.app) as w, LocalVendorServer(alipay.app) as a:
        wechat.url, alipay.url = w.url, a.url
        yield wechat, alipay


@pytest.fixture
async def real_channels(settings, clock, container, vendors, tmp_path):
    """A second composition root on the same database, with the production gateway over both channels."""
    from adapters.bootstrap.container import build_container
    from adapters.http.app import create_app

    wechat, alipay = vendors
    (tmp_path / "wx_key.pem").write_bytes(wx_t._pem_key(wx_t.MERCHANT))
    (tmp_path / "wx_platform.pem").write_bytes(wx_t._certificate(wx_t.PLATFORM, wx_t.PLATFORM_SERIAL))
    (tmp_path / "ali_key.pem").write_bytes(wx_t._pem_key(ali_t.APP_KEY))
    (tmp_path / "ali_public.pem").write_bytes(ali_t.ALIPAY_KEY.public_key().public_bytes(
        wx_t.serialization.Encoding.PEM, wx_t.serialization.PublicFormat.SubjectPublicKeyInfo))
    env = {"SXQ_WECHATPAY_APP_ID": wx_t.APP_ID, "SXQ_WECHATPAY_MCH_ID": wx_t.MCH_ID,
           "SXQ_WECHATPAY_CERT_SERIAL": wx_t.SERIAL, "SXQ_WECHATPAY_API_V3_KEY": wx_t.API_V3_KEY.decode(),
           "SXQ_WECHATPAY_PRIVATE_KEY_FILE": str(tmp_path / "wx_key.pem"),
           "SXQ_WECHATPAY_PLATFORM_CERT_FILE": str(tmp_path / "wx_platform.pem"), "SXQ_WECHATPAY_API_URL": wechat.url,
           "SXQ_ALIPAY_APP_ID": ali_t.APP_ID, "SXQ_ALIPAY_PRIVATE_KEY_FILE": str(tmp_path / "ali_key.pem"),
           "SXQ_ALIPAY_PUBLIC_KEY_FILE": str(tmp_path / "ali_public.pem"),
           "SXQ_ALIPAY_GATEWAY_URL": alipay.url + "/gateway.do"}
    http = httpx.AsyncClient(timeout=5)
    gateway = ProductionPaymentGateway([
        WechatPayGateway(WechatPayConfig.from_env(env, "https://ca.example/payments/notify/wechat_pay"), http),
        AlipayGateway(AlipayConfig.from_env(env, "https://ca.example/payments/notify/alipay"), http)])
    c = build_container(settings, clock=clock, payment_gateway=gateway)
    app = create_app(settings, c, run_worker=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=("203.0.113.9", 5000)),
                                 base_url="http://testserver") as client:
        yield c, client, GraphQLClient(client), gateway
    await http.aclose()
    await c.engine().dispose()


APP_PAY_PARAMS = """query($id: ID!) { node(id: $id) { ... on Payment { appPayParams {
  __typename
  ... on WeChatPayAppParams { appId partnerId prepayId package nonceStr timestamp sign }
  ... on AlipayAppParams { orderString } } } } }"""


async def _app_pay_params(gql, payment_id: str) -> dict:
    r = await gql.raw(APP_PAY_PARAMS, {"id": payment_id})
    assert not r.get("errors"), r
    return r["data"]["node"]["appPayParams"]


async def _order_status(gql, order_id: str) -> str:
    r = await gql.raw("query($id: ID!) { node(id: $id) { ... on Order { status } } }", {"id": order_id})
    return r["data"]["node"]["status"]


async def test_wechat_pay_end_to_end(real_channels, vendors):
    c, client, gql, _ = real_channels
    wechat, _ = vendors
    ids = await catalogue(gql, c)
    await gql.register(BUYER)
    order = (await gql.op("PlaceOrder", {"planIds": [ids["personal"]]}))["placeOrder"]["order"]
    paid = (await gql.op("PayOrder", {"orderId": order["id"], "channel": "WECHAT_PAY"}))["payOrder"]
    assert paid["userErrors"] == [] and paid["payment"]["payUrl"].startswith("weixin://app/pay?")
    payreq = dict(parse_qsl(urlsplit(paid["payment"]["payUrl"]).query))
    assert payreq["prepayid"].startswith("wx")
    # The same PayReq, typed, signed by the merchant key over appId, timestamp, nonce and prepay id.
    params = await _app_pay_params(gql, paid["payment"]["id"])
    assert params == {"__typename": "WeChatPayAppParams", "appId": wx_t.APP_ID, "partnerId": wx_t.MCH_ID,
                      "prepayId": payreq["prepayid"], "package": "Sign=WXPay", "nonceStr": payreq["noncestr"],
                      "timestamp": payreq["timestamp"], "sign": payreq["sign"]}
    from adapters.vendors.rsa_sha256 import rsa_verify
    from adapters.vendors.wechatpay import app_pay_message

    assert rsa_verify(wx_t.MERCHANT.public_key(), app_pay_message(params["appId"], params["timestamp"],
                                                                   params["nonceStr"], params["prepayId"]),
                      params["sign"])
    [(path, prepay)] = wechat.seen
    assert prepay["amount"] == {"total": order["amountFen"], "currency": "CNY"}
    out_trade_no = prepay["out_trade_no"]

    # A notification with the wrong amount (signed by the platform) is refused; nothing changes.
    body, headers = wechat.notification(out_trade_no, order["amountFen"] - 1)
    assert (await client.post("/payments/notify/wechat_pay", content=body, headers=headers)).status_code == 400
    # A forged one (another key) is refused.
    body, headers = wechat.notification(out_trade_no, order["amountFen"], key=wx_t.STRANGER)
    assert (await client.post("/payments/notify/wechat_pay", content=body, headers=headers)).status_code == 400
    assert await _order_status(gql, order["id"]) == "PENDING_PAYMENT"

    body, headers = wechat.notification(out_trade_no, order["amountFen"])
    r = await client.post("/payments/notify/wechat_pay", content=body, headers=headers)
    assert r.status_code == 200 and r.json()["code"] == "SUCCESS"
    assert await _order_status(gql, order["id"]) == "FULFILLED"
    # WeChat Pay delivers again: acknowledged, nothing new.
    r = await client.post("/payments/notify/wechat_pay", content=body, headers=headers)
    assert r.status_code == 200 and r.json()["code"] == "SUCCESS"


async def test_alipay_end_to_end(real_channels, vendors):
    c, client, gql, _ = real_channels
    _, alipay = vendors
    ids = await catalogue(gql, c)
    await gql.register(BUYER)
    order = (await gql.op("PlaceOrder", {"planIds": [ids["personal"]]}))["placeOrder"]["order"]
    paid = (await gql.op("PayOrder", {"orderId": order["id"], "channel": "ALIPAY"}))["payOrder"]
    assert paid["userErrors"] == [], paid
    order_string = dict(parse_qsl(paid["payment"]["payUrl"]))
    assert ali_t._verified(ali_t.APP_KEY.public_key(), order_string)
    assert await _app_pay_params(gql, paid["payment"]["id"]) == {"__typename": "AlipayAppParams",
                                                                   "orderString": paid["payment"]["payUrl"]}
    biz = json.loads(order_string["biz_content"])
    yuan = f"{order['amountFen'] // 100}.{order['amountFen'] % 100:02d}"
    assert biz["total_amount"] == yuan

    headers = {"content-type": "application/x-www-form-urlencoded; charset=utf-8"}
    forged = alipay.notification(biz["out_trade_no"], yuan, key=ali_t.STRANGER)
    r = await client.post("/payments/notify/alipay", content=forged, headers=headers)
    assert (r.status_code, r.text) == (400, "fail")
    body = alipay.notification(biz["out_trade_no"], yuan)
    r = await client.post("/payments/notify/alipay", content=body, headers=headers)
    assert (r.status_code, r.text) == (200, "success")
    assert await _order_status(gql, order["id"]) == "FULFILLED"
    r = await client.post("/payments/notify/alipay", content=body, headers=headers)
    assert (r.status_code, r.text) == (200, "success")


async def test_money_for_a_cancelled_order_is_flagged_and_refunded(real_channels, vendors):
    c, client, gql, _ = real_channels
    wechat, _ = vendors
    ids = await catalogue(gql, c)
    await gql.register(BUYER)
    order = (await gql.op("PlaceOrder", {"planIds": [ids["personal"]]}))["placeOrder"]["order"]
    payment = (await gql.op("PayOrder", {"orderId": order["id"], "channel": "WECHAT_PAY"}))["payOrder"]["payment"]
    assert (await gql.op("CancelOrder", {"orderId": order["id"]}))["cancelOrder"]["order"]["status"] == "CANCELLED"
    out_trade_no = wechat.seen[-1][1]["out_trade_no"]
    # The payer had the wallet open and paid anyway.
    body, headers = wechat.notification(out_trade_no, order["amountFen"])
    assert (await client.post("/payments/notify/wechat_pay", content=body, headers=headers)).status_code == 200
    assert await _order_status(gql, order["id"]) == "CANCELLED"
    r = await gql.raw("query($id: ID!) { node(id: $id) { ... on Payment { status } } }", {"id": payment["id"]})
    assert r["data"]["node"]["status"] == "REFUND_PENDING"
    async with c.uow() as uow:
        flagged = await uow.payments.get(UUID(hex=out_trade_no))
    # The outbox returns the money through WeChat Pay; the payment ends REFUNDED.
    assert await c.dispatcher().dispatch_due() == 1
    assert wechat.seen[-1] == ("/v3/refund/domestic/refunds", {
        "out_refund_no": f"R{out_trade_no}", "reason": flagged.refund_reason,
        "transaction_id": "4200000000000000000000000001",
        "amount": {"refund": order["amountFen"], "total": order["amountFen"], "currency": "CNY"}})
    r = await gql.raw("query($id: ID!) { node(id: $id) { ... on Payment { status } } }", {"id": payment["id"]})
    assert r["data"]["node"]["status"] == "REFUNDED"
