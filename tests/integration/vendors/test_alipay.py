"""Alipay app payment against a local server speaking Alipay's OpenAPI wire format: it verifies the app's RSA2
signature on every request (as the gateway and the Alipay app do on the order string), signs its answers over the
`<method>_response` text and its notifications over the sorted form, with Alipay's key. OpenSSL's signature is
the known answer for the signed content."""

from __future__ import annotations

import asyncio
import base64
import json
import subprocess
from datetime import datetime
from urllib.parse import parse_qsl, urlencode
from uuid import uuid4

import httpx
import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from adapters.vendors import alipay as ali
from adapters.vendors.alipay import CST
from application.commerce.ports import InvalidPaymentNotification, PaymentRequest
from application.ports import ExternalServiceUnavailable
from domain.commerce.payment import PaymentChannel
from tests.support.vendor_server import LocalVendorServer

APP_ID, SELLER = "2021000000000001", "2088102147948060"
APP_KEY, ALIPAY_KEY, STRANGER = (rsa.generate_private_key(public_exponent=65537, key_size=2048) for _ in range(3))


def _sign(key, params: dict, exclude=("sign",)) -> str:
    content = "&".join(f"{k}={params[k]}" for k in sorted(params) if k not in exclude and params[k] != "")
    return base64.b64encode(key.sign(content.encode(), padding.PKCS1v15(), hashes.SHA256())).decode()


def _verified(key, params: dict, exclude=("sign",)) -> bool:
    content = "&".join(f"{k}={params[k]}" for k in sorted(params) if k not in exclude and params[k] != "")
    try:
        key.verify(base64.b64decode(params["sign"]), content.encode(), padding.PKCS1v15(), hashes.SHA256())
        return True
    except Exception:
        return False


class FakeAlipay:
    def __init__(self) -> None:
        self.mode = "ok"
        self.seen: list[dict] = []
        self.app = Starlette(routes=[Route("/gateway.do", self.gateway, methods=["POST"])])

    def signed(self, method: str, member: dict, key=ALIPAY_KEY) -> Response:
        raw = json.dumps(member, ensure_ascii=False)
        sign = base64.b64encode(key.sign(raw.encode(), padding.PKCS1v15(), hashes.SHA256())).decode()
        name = method.replace(".", "_") + "_response"
        # The member's text exactly as signed, inside the envelope (Alipay puts it first, `sign` after).
        return Response(f'{{"{name}":{raw},"sign":"{sign}"}}', media_type="application/json;charset=utf-8")

    async def gateway(self, request: Request) -> Response:
        params = dict(parse_qsl((await request.body()).decode()))
        if not _verified(APP_KEY.public_key(), params) or params.get("app_id") != APP_ID \
                or params.get("sign_type") != "RSA2" or params.get("charset") != "utf-8":
            return JSONResponse({params.get("method", "error").replace(".", "_") + "_response": {"code": "40002", "msg": "Invalid Arguments",
                                                    "sub_code": "isv.invalid-signature", "sub_msg": "验签出错"}})
        if params.get("method") == "alipay.unknown":
            return JSONResponse({"error_response": {"code": "40002", "msg": "Invalid Arguments",
                                                    "sub_code": "isv.invalid-method", "sub_msg": "不存在的方法名"}})
        method, biz = params["method"], json.loads(params["biz_content"])
        self.seen.append({"method": method, **biz})
        if self.mode == "slow":
            await asyncio.sleep(2)
        if self.mode == "down":
            return Response("<html>502 Bad Gateway</html>", status_code=502)
        if self.mode == "busy":
            return self.signed(method, {"code": "20000", "msg": "Service Currently Unavailable",
                                        "sub_code": "isp.unknow-error", "sub_msg": "系统繁忙"})
        if self.mode == "no_trade":
            return self.signed(method, {"code": "40004", "msg": "Business Failed",
                                        "sub_code": "ACQ.TRADE_NOT_EXIST", "sub_msg": "交易不存在"})
        key = STRANGER if self.mode == "forged" else ALIPAY_KEY
        return self.signed(method, {"code": "10000", "msg": "Success", "trade_no": biz.get("trade_no", "2026"),
                                    "out_trade_no": biz.get("out_trade_no", ""), "buyer_logon_id": "159****5620",
                                    "fund_change": "Y", "refund_fee": biz["refund_amount"]}, key=key)

    def notification(self, out_trade_no: str, total: str, *, key=ALIPAY_KEY, status="TRADE_SUCCESS",
                     app_id=APP_ID) -> bytes:
        params = {"notify_time": "2026-12-08 10:35:00", "notify_type": "trade_status_sync",
                  "notify_id": f"ac05099524730693a8b330c5ecf72da{uuid4().hex[:6]}", "app_id": app_id,
                  "charset": "utf-8", "version": "1.0", "sign_type": "RSA2", "trade_no": "2026120822001400000000000001",
                  "out_trade_no": out_trade_no, "trade_status": status, "total_amount": total,
                  "receipt_amount": total, "buyer_pay_amount": total, "seller_id": SELLER,
                  "gmt_create": "2026-12-08 10:34:50", "gmt_payment": "2026-12-08 10:34:56",
                  "subject": "数信签 个人证书服务", "fund_bill_list": json.dumps([{"amount": total, "fundChannel": "ALIPAYACCOUNT"}])}
        params["sign"] = _sign(key, params, exclude=("sign", "sign_type"))
        return urlencode(params).encode()


@pytest.fixture
def vendor():
    fake = FakeAlipay()
    with LocalVendorServer(fake.app) as server:
        fake.url = server.url
        yield fake


def _bare_base64(pem_or_der: bytes) -> bytes:
    return base64.b64encode(pem_or_der)


@pytest.fixture
def config(tmp_path, vendor):
    # As Alipay's key tool writes them: bare base64, PKCS#1 for the private key, SPKI for Alipay's public key.
    (tmp_path / "app_private_key.txt").write_bytes(_bare_base64(APP_KEY.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption())))
    (tmp_path / "alipay_public_key.pem").write_bytes(ALIPAY_KEY.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    return ali.AlipayConfig.from_env({
        "SXQ_ALIPAY_APP_ID": APP_ID, "SXQ_ALIPAY_PRIVATE_KEY_FILE": str(tmp_path / "app_private_key.txt"),
        "SXQ_ALIPAY_PUBLIC_KEY_FILE": str(tmp_path / "alipay_public_key.pem"), "SXQ_ALIPAY_SELLER_ID": SELLER,
        "SXQ_ALIPAY_GATEWAY_URL": vendor.url + "/gateway.do"}, notify_url="https://ca.example/payments/notify/alipay")


def _gateway(config, timeout: float = 5.0):
    http = httpx.AsyncClient(timeout=timeout)
    return ali.AlipayGateway(config, http), http


def _request(amount_fen: int = 1990):
    return PaymentRequest(payment_id=uuid4(), order_id=uuid4(), channel=PaymentChannel.ALIPAY, amount_fen=amount_fen,
                          description="数信签 个人证书服务")


def test_signed_content_and_signature_known_answers(tmp_path):
    params = {"app_id": APP_ID, "method": "alipay.trade.app.pay", "charset": "utf-8", "sign_type": "RSA2",
              "timestamp": "2016-08-25 20:26:31", "version": "1.0", "notify_url": "",
              "biz_content": '{"out_trade_no":"70501111111S001111119","total_amount":"9.00","subject":"大乐透"}',
              "sign": "ignored"}
    content = ali.sign_content(params)
    assert content == ('app_id=2021000000000001&biz_content={"out_trade_no":"70501111111S001111119",'
                       '"total_amount":"9.00","subject":"大乐透"}&charset=utf-8&method=alipay.trade.app.pay&'
                       'sign_type=RSA2&timestamp=2016-08-25 20:26:31&version=1.0').encode()
    assert b"sign_type" not in ali.sign_content(params, exclude=("sign", "sign_type"))
    (tmp_path / "key.pem").write_bytes(APP_KEY.private_bytes(serialization.Encoding.PEM,
                                                             serialization.PrivateFormat.PKCS8,
                                                             serialization.NoEncryption()))
    (tmp_path / "content").write_bytes(content)
    openssl = subprocess.run(["openssl", "dgst", "-sha256", "-sign", str(tmp_path / "key.pem"),
                              str(tmp_path / "content")], check=True, capture_output=True).stdout
    assert ali.rsa_sign(APP_KEY, content) == base64.b64encode(openssl).decode()
    assert (ali.yuan(1990), ali.yuan(5), ali.yuan(100000)) == ("19.90", "0.05", "1000.00")
    assert (ali.fen("19.90"), ali.fen("0.05"), ali.fen("1000")) == (1990, 5, 100000)
    with pytest.raises(ValueError):
        ali.fen("0.001")


async def test_the_order_string_is_signed_as_the_alipay_app_checks_it(config):
    gateway, http = _gateway(config)
    request = _request(1990)
    order = dict(parse_qsl(await gateway.create(request), strict_parsing=True))
    assert _verified(APP_KEY.public_key(), order)  # sign_type is part of what is signed on requests
    assert order["method"] == "alipay.trade.app.pay" and order["app_id"] == APP_ID
    assert order["notify_url"] == "https://ca.example/payments/notify/alipay"
    assert json.loads(order["biz_content"]) == {"out_trade_no": request.payment_id.hex, "total_amount": "19.90",
                                                "subject": "数信签 个人证书服务", "product_code": "QUICK_MSECURITY_PAY"}
    assert datetime.strptime(order["timestamp"], "%Y-%m-%d %H:%M:%S")
    assert len(await gateway.create(request)) < 2000
    await http.aclose()


async def test_notification_is_verified(config, vendor):
    gateway, http = _gateway(config)
    request = _request(1990)
    notice = gateway.verify_notification(PaymentChannel.ALIPAY, vendor.notification(request.payment_id.hex, "19.90"),
                                         {"content-type": "application/x-www-form-urlencoded"})
    assert (notice.payment_id, notice.amount_fen, notice.channel) == (request.payment_id, 1990, PaymentChannel.ALIPAY)
    assert notice.paid_at == datetime(2026, 12, 8, 10, 34, 56, tzinfo=CST)
    assert notice.trade_no == "2026120822001400000000000001"
    finished = vendor.notification(request.payment_id.hex, "19.90", status="TRADE_FINISHED")
    assert gateway.verify_notification(PaymentChannel.ALIPAY, finished, {}).amount_fen == 1990
    await http.aclose()


@pytest.mark.parametrize("forgery", ["stranger_key", "tampered_amount", "other_app", "waiting", "closed",
                                     "garbage", "unsigned"])
async def test_forged_notifications_are_refused(config, vendor, forgery):
    gateway, http = _gateway(config)
    pid = uuid4().hex
    kwargs = {"stranger_key": {"key": STRANGER}, "other_app": {"app_id": "2021000000000002"},
              "waiting": {"status": "WAIT_BUYER_PAY"}, "closed": {"status": "TRADE_CLOSED"}}
    body = vendor.notification(pid, "19.90", **kwargs.get(forgery, {}))
    if forgery == "tampered_amount":
        body = body.replace(b"total_amount=19.90", b"total_amount=0.01")
    if forgery == "garbage":
        body = b"\xff\xfe not a form"
    if forgery == "unsigned":
        body = urlencode({k: v for k, v in parse_qsl(body.decode()) if k != "sign"}).encode()
    with pytest.raises(InvalidPaymentNotification):
        gateway.verify_notification(PaymentChannel.ALIPAY, body, {})
    await http.aclose()


async def test_refund_of_a_refund_pending_payment(config, vendor):
    gateway, http = _gateway(config)
    pid = uuid4()
    result = await gateway.refund(payment_id=pid, trade_no="2026120822001400000000000001", amount_fen=1990,
                                  reason="订单已取消")
    assert (result.refund_id, result.status) == (f"R{pid.hex}", "SUCCEEDED")
    assert vendor.seen[-1] == {"method": "alipay.trade.refund", "refund_amount": "19.90",
                               "out_request_no": f"R{pid.hex}", "refund_reason": "订单已取消",
                               "trade_no": "2026120822001400000000000001"}
    vendor.mode = "no_trade"
    assert (await gateway.refund(payment_id=pid, trade_no=None, amount_fen=1990, reason="x")).status == "FAILED"
    assert vendor.seen[-1]["out_trade_no"] == pid.hex
    await http.aclose()


@pytest.mark.parametrize("mode", ["down", "busy", "forged", "slow"])
async def test_refund_failures_are_service_unavailable(config, vendor, mode):
    vendor.mode = mode
    gateway, http = _gateway(config, timeout=0.5)
    with pytest.raises(ExternalServiceUnavailable):
        await gateway.refund(payment_id=uuid4(), trade_no=None, amount_fen=100, reason="x")
    assert len(vendor.seen) == 1
    await http.aclose()


async def test_a_request_signed_with_another_key_is_refused_by_the_gateway(config, vendor):
    from dataclasses import replace
    gateway, http = _gateway(replace(config, private_key=STRANGER))
    assert (await gateway.refund(payment_id=uuid4(), trade_no=None, amount_fen=100, reason="x")).status == "FAILED"
    assert vendor.seen == []
    unroutable, _ = _gateway(config)
    assert (await unroutable._call("alipay.unknown", {}))["sub_code"] == "isv.invalid-method"
    await http.aclose()


def test_configuration(tmp_path):
    with pytest.raises(RuntimeError, match="SXQ_ALIPAY_PRIVATE_KEY_FILE, SXQ_ALIPAY_PUBLIC_KEY_FILE"):
        ali.AlipayConfig.from_env({"SXQ_ALIPAY_APP_ID": APP_ID}, notify_url="https://x")
    (tmp_path / "k.pem").write_bytes(APP_KEY.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                           serialization.NoEncryption()))
    (tmp_path / "p.txt").write_bytes(_bare_base64(ALIPAY_KEY.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)))
    config = ali.AlipayConfig.from_env({"SXQ_ALIPAY_APP_ID": APP_ID, "SXQ_ALIPAY_PRIVATE_KEY_FILE": str(tmp_path / "k.pem"),
                                        "SXQ_ALIPAY_PUBLIC_KEY_FILE": str(tmp_path / "p.txt")}, notify_url="https://n")
    assert config.gateway_url == "https://openapi.alipay.com/gateway.do" and config.seller_id is None
    assert config.alipay_public_key.public_numbers() == ALIPAY_KEY.public_key().public_numbers()
