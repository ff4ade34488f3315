"""Catalogue, orders, payment notifications, entitlements and invoices over HTTP (issue 4, commerce half)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from adapters.crypto.sm2 import default_backend
from adapters.crypto.sm2.keyfiles import public_key_to_pem
from adapters.persistence import tables_commerce as tc
from domain.commerce.payment import PaymentChannel
from domain.operators.operator import OperatorRole
from tests.support.links import unsigned

BUYER, OTHER = "13712345678", "13812345679"


def platform_key_pem() -> str:
    sm2 = default_backend()
    return public_key_to_pem(sm2.public_key(sm2.generate_private_key()))


async def count(container, table) -> int:
    async with container.engine().connect() as conn:
        return (await conn.execute(select(func.count()).select_from(table))).scalar_one()


async def operator_token(gql, container) -> str:
    await container.use_cases().create_operator("catalogue", "Operat0rPass", OperatorRole.ADMIN)
    op = (await gql.op("OperatorLogin", {"username": "catalogue", "password": "Operat0rPass"}))["operatorLogin"]
    return op["session"]["accessToken"]


async def catalogue(gql, container) -> dict[str, str]:
    """One platform with a personal and an enterprise plan; returns their global ids."""
    token = await operator_token(gql, container)
    r = (await gql.op("RegisterPlatform", {"platformCode": "GGZY1100001", "name": "北京市公共资源交易平台",
                                           "region": "北京市", "callbackUrl": "https://ggzy.example.cn/cb",
                                           "publicKeyPem": platform_key_pem()}, token=token))["registerPlatform"]
    assert r["userErrors"] == [], r
    assert r["callbackSigningCertificatePem"].startswith("-----BEGIN CERTIFICATE-----")
    ids = {"platform": r["platform"]["id"]}
    for key, subject, price in (("personal", "PERSONAL", 29_900), ("enterprise", "ENTERPRISE", 199_900)):
        p = (await gql.op("CreateServicePlan", {
            "platformId": ids["platform"], "subjectType": subject, "name": f"{key} 标准版",
            "operations": ["LOGIN", "SIGN"], "validityMonths": 12, "signQuota": 100, "priceFen": price},
            token=token))["createServicePlan"]
        assert p["userErrors"] == [], p
        ids[key] = p["plan"]["id"]
    return ids


async def pay(gql, container, order_id: str) -> dict:
    p = (await gql.op("PayOrder", {"orderId": order_id, "channel": "WECHAT_PAY"}))["payOrder"]
    assert p["userErrors"] == [], p
    assert (await gql.op("SandboxCompletePayment", {"paymentId": p["payment"]["id"]}))["sandbox"]["completePayment"]
    await container.payment_gateway().wait_idle()
    return p["payment"]


INVOICE_NODE = """query($id: ID!) {
  node(id: $id) { ... on Invoice { id status number pdfUrl shareUrl shareUrlExpiresAt } }
}"""


async def invoice_node(gql, invoice_id: str) -> dict:
    r = await gql.raw(INVOICE_NODE, {"id": invoice_id})
    assert not r.get("errors"), r
    return r["data"]["node"]


async def test_buy_pay_and_invoice(gql, container, client, clock):
    ids = await catalogue(gql, container)
    await gql.register(BUYER)
    cat = (await gql.op("Catalogue", {"subjectType": "PERSONAL"}))["tradingPlatforms"]["edges"]
    assert [p["id"] for p in cat[0]["node"]["servicePlans"]] == [ids["personal"]]

    placed = (await gql.op("PlaceOrder", {"planIds": [ids["personal"]]}))["placeOrder"]
    assert placed["userErrors"] == [] and placed["order"]["status"] == "PENDING_PAYMENT"
    assert placed["order"]["amountFen"] == 29_900
    order_id = placed["order"]["id"]
    payment = await pay(gql, container, order_id)
    assert payment["payUrl"].startswith("http")

    orders = (await gql.op("MyOrders"))["me"]["orders"]["edges"]
    assert orders[0]["node"]["status"] == "FULFILLED" and orders[0]["node"]["paidAt"]
    services = (await gql.op("MyServices"))["me"]
    [ent] = services["entitlements"]
    assert ent["status"] == "ACTIVE" and ent["operations"] == ["LOGIN", "SIGN"] and ent["signQuota"] == 100
    assert ent["platform"]["platformCode"] == "GGZY1100001" and ent["holder"]["__typename"] == "Account"
    assert services["serviceApplications"] == []

    # A second payment of a paid order is refused.
    again = (await gql.op("PayOrder", {"orderId": order_id, "channel": "ALIPAY"}))["payOrder"]
    assert again["userErrors"][0]["code"] == "ORDER_ALREADY_PAID"

    inv = (await gql.op("RequestInvoice", {"orderId": order_id, "invoiceType": "SPECIAL", "titleType": "COMPANY",
                                           "title": "北京某某科技有限公司", "taxNumber": "91110108MA01A2B3C9",
                                           "email": "cw@example.cn"}))["requestInvoice"]
    assert inv["userErrors"][0]["field"] == "taxNumber"  # a wrong check character
    inv = (await gql.op("RequestInvoice", {"orderId": order_id, "invoiceType": "SPECIAL", "titleType": "COMPANY",
                                           "title": "北京某某科技有限公司", "taxNumber": "91350100M000100Y43",
                                           "email": "cw@example.cn"}))["requestInvoice"]
    assert inv["userErrors"] == [], inv
    # Issued by the outbox worker, not inside the request: ISSUING first, no PDF yet.
    assert inv["invoice"]["status"] == "ISSUING" and inv["invoice"]["pdfUrl"] is None
    assert await container.dispatcher().dispatch_due() >= 1
    issued = await invoice_node(gql, inv["invoice"]["id"])
    assert issued["status"] == "ISSUED" and issued["number"]
    orders = (await gql.op("MyOrders"))["me"]["orders"]["edges"]
    listed = orders[0]["node"]["invoice"]
    assert {**listed, "pdfUrl": unsigned(listed["pdfUrl"])} == {"id": issued["id"], "status": "ISSUED",
                                                               "pdfUrl": unsigned(issued["pdfUrl"])}
    pdf = await client.get(issued["pdfUrl"].removeprefix(container.settings().base_url),
                           headers={"Authorization": f"Bearer {gql.token}"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert (await client.get(unsigned(issued["pdfUrl"]))).status_code == 404
    shared = issued["shareUrl"].removeprefix(container.settings().base_url)
    assert (await client.get(shared)).content.startswith(b"%PDF")
    tampered = shared[:-1] + ("0" if shared[-1] != "0" else "1")  # always a different signature
    assert (await client.get(tampered)).status_code == 404
    # The link works for exactly its lifetime (168 h by default), not until the next full hour after it.
    expires = datetime.fromisoformat(issued["shareUrlExpiresAt"])
    lifetime = expires - clock.now()
    assert timedelta(hours=168) - timedelta(seconds=2) < lifetime <= timedelta(hours=168)
    clock.offset = expires - timedelta(seconds=30) - datetime.now(UTC)
    assert (await client.get(shared)).status_code == 200
    clock.offset = expires - datetime.now(UTC)  # the real clock only moves it later
    assert (await client.get(shared)).status_code == 404
    clock.offset = timedelta(0)
    second = (await gql.op("RequestInvoice", {"orderId": order_id, "invoiceType": "NORMAL", "titleType": "PERSONAL",
                                              "title": "张三", "email": "z@example.cn"}))["requestInvoice"]
    assert second["userErrors"][0]["code"] == "INVOICE_NOT_ALLOWED"
    assert await count(container, tc.invoices) == 1

    # Another account sees none of it.
    mine = gql.token
    await gql.register(OTHER)
    assert (await gql.op("CancelOrder", {"orderId": order_id}))["cancelOrder"]["userErrors"][0]["code"] == "NOT_FOUND"
    r = await gql.raw("query($id: ID!) { node(id: $id) { id } }", {"id": order_id})
    assert r["data"]["node"] is None
    gql.token = mine
    r = await gql.raw("query($id: ID!) { node(id: $id) { id ... on Order { status } } }", {"id": order_id})
    assert r["data"]["node"]["status"] == "FULFILLED"


async def test_notifications_forged_replayed_duplicated_and_late(gql, container, client):
    ids = await catalogue(gql, container)
    await gql.register(BUYER)
    order_id = (await gql.op("PlaceOrder", {"planIds": [ids["personal"]]}))["placeOrder"]["order"]["id"]
    await pay(gql, container, order_id)
    channel, body, headers = container.payment_gateway().sent[-1]
    assert await count(container, tc.entitlements) == 1

    # Replayed as is: acknowledged, nothing new.
    r = await client.post("/payments/notify/wechat_pay", content=body, headers=headers)
    assert r.status_code == 200 and r.json()["code"] == "SUCCESS"
    # Forged: the amount changed under the old signature.
    forged = json.loads(body)
    forged.update(amount_fen=1, notify_id="f" * 32)
    r = await client.post("/payments/notify/wechat_pay", content=json.dumps(forged).encode(), headers=headers)
    assert r.status_code == 400
    # Signed by the gateway but for the wrong channel's key.
    r = await client.post("/payments/notify/alipay", content=body, headers=headers)
    assert r.status_code == 400
    assert await count(container, tc.entitlements) == 1
    assert await count(container, tc.payment_notifications) == 1


async def test_cancelled_order_cannot_be_paid_and_late_money_is_flagged(gql, container):
    ids = await catalogue(gql, container)
    await gql.register(BUYER)
    order_id = (await gql.op("PlaceOrder", {"planIds": [ids["personal"]]}))["placeOrder"]["order"]["id"]
    p = (await gql.op("PayOrder", {"orderId": order_id, "channel": "SANDBOX"}))["payOrder"]["payment"]
    assert (await gql.op("CancelOrder", {"orderId": order_id}))["cancelOrder"]["order"]["status"] == "CANCELLED"
    r = (await gql.op("PayOrder", {"orderId": order_id, "channel": "SANDBOX"}))["payOrder"]
    assert r["userErrors"][0]["code"] == "ORDER_NOT_PAYABLE"
    # The payer had the wallet open and pays anyway: the money is flagged for refund, nothing is fulfilled.
    await gql.op("SandboxCompletePayment", {"paymentId": p["id"]})
    await container.payment_gateway().wait_idle()
    async with container.engine().connect() as conn:
        status = (await conn.execute(select(tc.payments.c.status))).scalar_one()
    assert status == "REFUND_PENDING"
    assert await count(container, tc.entitlements) == 0
    # The refund follows through the outbox: the sandbox wallet gets the money back.
    assert await container.dispatcher().dispatch_due() == 1
    async with container.engine().connect() as conn:
        assert (await conn.execute(select(tc.payments.c.status))).scalar_one() == "REFUNDED"
        assert (await conn.execute(select(tc.sandbox_payments.c.status))).scalar_one() == "REFUND"


async def test_unpaid_order_closes_after_30_minutes(gql, container, clock):
    ids = await catalogue(gql, container)
    await gql.register(BUYER)
    order_id = (await gql.op("PlaceOrder", {"planIds": [ids["personal"]]}))["placeOrder"]["order"]["id"]
    clock.offset += timedelta(minutes=31)
    assert (await gql.op("MyOrders"))["me"]["orders"]["edges"][0]["node"]["status"] == "CLOSED"  # before the worker
    r = (await gql.op("PayOrder", {"orderId": order_id, "channel": "SANDBOX"}))["payOrder"]
    assert r["userErrors"][0]["code"] == "ORDER_NOT_PAYABLE"
    assert await container.use_cases().commerce.close_expired_orders() == 1
    async with container.engine().connect() as conn:
        assert (await conn.execute(select(tc.orders.c.status))).scalar_one() == "CLOSED"


@pytest.mark.parametrize("variables, code", [
    ({"planIds": ["enterprise"]}, "PLAN_SUBJECT_MISMATCH"),
    ({"planIds": []}, "INVALID_INPUT"),
    ({"planIds": ["bogus"]}, "NOT_FOUND"),
    ({"planIds": ["enterprise"], "enterpriseId": "RW50ZXJwcmlzZTowMDAwMDAwMC0wMDAwLTAwMDAtMDAwMC0wMDAwMDAwMDAwMDE"},
     "NOT_FOUND"),
    ({"planIds": ["personal"], "grantId": "R3JhbnQ6MDAwMDAwMDAtMDAwMC0wMDAwLTAwMDAtMDAwMDAwMDAwMDAx"},
     "NOT_FOUND"),
])
async def test_bad_orders_change_nothing(gql, container, variables, code):
    ids = await catalogue(gql, container)
    await gql.register(BUYER)
    variables = {**variables, "planIds": [ids.get(p, p) for p in variables["planIds"]]}
    r = (await gql.op("PlaceOrder", variables))["placeOrder"]
    assert r["order"] is None and r["userErrors"][0]["code"] == code
    assert await count(container, tc.orders) == 0


async def test_bad_catalogue_input(gql, container):
    token = await operator_token(gql, container)
    base = {"platformCode": "GGZY1100001", "name": "平台", "region": "北京市",
            "callbackUrl": "https://x.example.cn/cb", "publicKeyPem": platform_key_pem()}
    for bad, field in (({"platformCode": "SHORT"}, "platformCode"),
                       ({"callbackUrl": "https://user:pw@x.example.cn/cb"}, "callbackUrl"),
                       ({"callbackUrl": "ftp://x.example.cn/cb"}, "callbackUrl"),
                       ({"publicKeyPem": "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----"},
                        "publicKeyPem")):
        r = (await gql.op("RegisterPlatform", {**base, **bad}, token=token))["registerPlatform"]
        assert r["userErrors"][0]["field"] == field, (bad, r)
    assert await count(container, tc.trading_platforms) == 0
    r = (await gql.op("RegisterPlatform", base, token=token))["registerPlatform"]
    pid = r["platform"]["id"]
    for price in (0, -100):
        p = (await gql.op("CreateServicePlan", {"platformId": pid, "subjectType": "PERSONAL", "name": "免费",
                                                "operations": ["LOGIN"], "validityMonths": 12, "priceFen": price},
                          token=token))["createServicePlan"]
        assert p["userErrors"][0]["field"] == "priceFen"
    assert await count(container, tc.service_plans) == 0
    dup = (await gql.op("RegisterPlatform", base, token=token))["registerPlatform"]
    assert dup["userErrors"][0]["code"] == "CONFLICT"


async def test_invoice_for_unpaid_order_refused(gql, container):
    ids = await catalogue(gql, container)
    await gql.register(BUYER)
    order_id = (await gql.op("PlaceOrder", {"planIds": [ids["personal"]]}))["placeOrder"]["order"]["id"]
    r = (await gql.op("RequestInvoice", {"orderId": order_id, "invoiceType": "NORMAL", "titleType": "PERSONAL",
                                         "title": "张三", "email": "z@example.cn"}))["requestInvoice"]
    assert r["userErrors"][0]["code"] == "INVOICE_NOT_ALLOWED"
    assert await count(container, tc.invoices) == 0


def test_channels_are_the_contracts():
    assert {c.value for c in PaymentChannel} == {"SANDBOX", "WECHAT_PAY", "ALIPAY"}


async def test_concurrent_notification_and_cancellation_end_in_one_state(gql, container):
    """Two connections race on one order: a payment notification and the buyer's cancellation."""
    import asyncio
    from uuid import UUID

    from application.commerce.cancel_order import CancelOrderCommand
    from graphql_schema.common.node import from_global_id

    ids = await catalogue(gql, container)
    await gql.register(BUYER)
    principal = await container.use_cases().authenticate(gql.token)
    gw, commerce = container.payment_gateway(), container.use_cases().commerce
    outcomes = set()
    for _ in range(4):
        order_id = (await gql.op("PlaceOrder", {"planIds": [ids["personal"]]}))["placeOrder"]["order"]["id"]
        p = (await gql.op("PayOrder", {"orderId": order_id, "channel": "SANDBOX"}))["payOrder"]["payment"]
        order_uuid, payment_uuid = from_global_id(order_id)[1], UUID(str(from_global_id(p["id"])[1]))
        body = gw.notification_body(PaymentChannel.SANDBOX, "SA" + "0" * 24, payment_uuid, 29_900,
                                    container.clock().now())

        async def cancel(order_uuid=order_uuid):
            try:
                await commerce.cancel_order(CancelOrderCommand(principal, order_uuid))
            except Exception as exc:  # ORDER_NOT_PAYABLE or CONFLICT when the payment won
                return type(exc).__name__
            return "cancelled"

        await asyncio.gather(commerce.record_payment_notification(PaymentChannel.SANDBOX, body,
                                                                  gw.sign(PaymentChannel.SANDBOX, body)), cancel())
        async with container.engine().connect() as conn:
            order = (await conn.execute(select(tc.orders.c.status).where(tc.orders.c.id == order_uuid))).scalar_one()
            pay_status = (await conn.execute(select(tc.payments.c.status)
                                             .where(tc.payments.c.id == payment_uuid))).scalar_one()
            ents = (await conn.execute(select(func.count()).select_from(tc.entitlements)
                                       .where(tc.entitlements.c.order_id == order_uuid))).scalar_one()
        assert (order, pay_status, ents) in {("FULFILLED", "SUCCEEDED", 1), ("CANCELLED", "REFUND_PENDING", 0)}
        outcomes.add(order)
    assert outcomes


async def test_invoice_survives_a_tax_platform_outage(gql, container, clock):
    """The tax platform fails twice: the invoice stays ISSUING, the outbox retries with backoff, and it ends
    ISSUED once, with nothing lost."""
    ids = await catalogue(gql, container)
    await gql.register(BUYER)
    order_id = (await gql.op("PlaceOrder", {"planIds": [ids["personal"]]}))["placeOrder"]["order"]["id"]
    await pay(gql, container, order_id)
    container.invoice_issuer().fail_next(2)
    inv = (await gql.op("RequestInvoice", {"orderId": order_id, "invoiceType": "NORMAL", "titleType": "PERSONAL",
                                           "title": "张三", "email": "z@example.cn"}))["requestInvoice"]
    assert inv["userErrors"] == [] and inv["invoice"]["status"] == "ISSUING"
    dispatcher = container.dispatcher()
    for _ in range(2):
        await dispatcher.dispatch_due()
        assert (await invoice_node(gql, inv["invoice"]["id"]))["status"] == "ISSUING"
        clock.offset += timedelta(minutes=1)  # past the backoff
    await dispatcher.dispatch_due()
    issued = await invoice_node(gql, inv["invoice"]["id"])
    assert issued["status"] == "ISSUED" and issued["pdfUrl"]
    from adapters.persistence import tables as t

    async with container.engine().connect() as conn:
        rows = (await conn.execute(select(t.outbox_messages.c.attempts, t.outbox_messages.c.delivered_at)
                                   .where(t.outbox_messages.c.topic == "invoice.issue"))).all()
    assert len(rows) == 1 and rows[0].attempts == 2 and rows[0].delivered_at is not None


REFUSED_TAX_NUMBER = "911101085000000000"  # valid, and the sandbox tax platform knows no number ending in 000000000


async def test_a_refused_invoice_fails_with_the_reason_and_is_asked_for_again(gql, container, clock):
    """The sandbox tax platform refuses a buyer tax number it has no record of: FAILED at once with its reason (not
    retried for a day); requestInvoice again, corrected, and it is issued — the same invoice row, one per order."""
    ids = await catalogue(gql, container)
    await gql.register(BUYER)
    order_id = (await gql.op("PlaceOrder", {"planIds": [ids["personal"]]}))["placeOrder"]["order"]["id"]
    await pay(gql, container, order_id)
    ask = {"orderId": order_id, "invoiceType": "NORMAL", "titleType": "COMPANY", "title": "北京某公司",
           "taxNumber": REFUSED_TAX_NUMBER, "email": "z@example.cn"}
    inv = (await gql.op("RequestInvoice", ask))["requestInvoice"]["invoice"]
    await container.dispatcher().dispatch_due()
    failed = (await gql.raw("query($id: ID!) { node(id: $id) { ... on Invoice { status failureReason failedAt } } }",
                            {"id": inv["id"]}))["data"]["node"]
    assert failed["status"] == "FAILED" and "未在税务系统登记" in failed["failureReason"] and failed["failedAt"]
    again = (await gql.op("RequestInvoice", {**ask, "titleType": "PERSONAL", "title": "张三", "taxNumber": None}))
    assert again["requestInvoice"]["userErrors"] == [] and again["requestInvoice"]["invoice"]["id"] == inv["id"]
    await container.dispatcher().dispatch_due()
    assert (await invoice_node(gql, inv["id"]))["status"] == "ISSUED"
    assert await count(container, tc.invoices) == 1
