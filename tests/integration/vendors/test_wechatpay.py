"""WeChat Pay API v3 app payment against a local server speaking WeChat Pay's wire format: it verifies the
merchant's WECHATPAY2-SHA256-RSA2048 signature on every request, signs its answers and notifications with the
platform certificate's key, and encrypts the notification's resource with AEAD_AES_256_GCM (by PyCryptodome,
not by the `cryptography` the adapter uses). Signatures are checked against OpenSSL's as known answers."""

from __future__ import annotations

import asyncio
import base64
import json
import re
import subprocess
import time
from datetime import UTC, datetime, timedelta, timezone
from urllib.parse import parse_qsl, urlsplit
from uuid import uuid4

import httpx
import pytest
from Cryptodome.Cipher import AES
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from adapters.vendors import wechatpay as wx
from adapters.vendors.payments import ProductionPaymentGateway
from application.commerce.ports import InvalidPaymentNotification, PaymentRequest
from application.ports import ExternalServiceUnavailable
from domain.commerce.payment import PaymentChannel
from tests.support.vendor_server import LocalVendorServer

MCH_ID, APP_ID, SERIAL = "1900009191", "wxd678efh567hg6787", "1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C"
API_V3_KEY = b"0123456789abcdefABCDEF0123456789"
CST = timezone(timedelta(hours=8))


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


MERCHANT, PLATFORM, STRANGER = _key(), _key(), _key()
PLATFORM_SERIAL = 0x5157F09EFDC096DE15EBE81A47057A7232F1B8E1


def _pem_key(key: rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def _certificate(key: rsa.RSAPrivateKey, serial: int) -> bytes:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Tenpay.com Root CA")])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(serial).not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=9))
            .sign(key, hashes.SHA256()))
    return cert.public_bytes(serialization.Encoding.PEM)


def _sign(key: rsa.RSAPrivateKey, message: bytes) -> str:
    return base64.b64encode(key.sign(message, padding.PKCS1v15(), hashes.SHA256())).decode()


def _verify(key: rsa.RSAPublicKey, message: bytes, signature: str) -> bool:
    try:
        key.verify(base64.b64decode(signature), message, padding.PKCS1v15(), hashes.SHA256())
        return True
    except Exception:
        return False


class FakeWechatPay:
    """The vendor: verifies our requests as WeChat Pay does and answers in its documented shapes."""

    def __init__(self) -> None:
        self.mode = "ok"
        self.seen: list[tuple[str, dict]] = []
        self.app = Starlette(routes=[Route("/v3/pay/transactions/app", self.prepay, methods=["POST"]),
                                     Route("/v3/refund/domestic/refunds", self.refund, methods=["POST"])])

    def answer(self, status: int, payload: dict, *, key: rsa.RSAPrivateKey = PLATFORM,
               timestamp: int | None = None) -> Response:
        body = json.dumps(payload).encode()
        ts, nonce = str(int(time.time()) if timestamp is None else timestamp), uuid4().hex
        headers = {"Wechatpay-Timestamp": ts, "Wechatpay-Nonce": nonce, "Wechatpay-Serial": format(PLATFORM_SERIAL, "X"),
                   "Wechatpay-Signature": _sign(key, f"{ts}\n{nonce}\n".encode() + body + b"\n"),
                   "Request-ID": uuid4().hex}
        return Response(body, status_code=status, headers=headers, media_type="application/json")

    async def _checked(self, request: Request) -> tuple[dict | None, Response | None]:
        body = await request.body()
        auth = request.headers.get("authorization", "")
        schema, _, rest = auth.partition(" ")
        fields = dict(re.findall(r'(\w+)="([^"]*)"', rest))
        message = (f"{request.method}\n{request.url.path}{'?' + request.url.query if request.url.query else ''}\n"
                   f"{fields.get('timestamp')}\n{fields.get('nonce_str')}\n{body.decode()}\n").encode()
        if (schema != "WECHATPAY2-SHA256-RSA2048" or fields.get("mchid") != MCH_ID or fields.get("serial_no") != SERIAL
                or abs(time.time() - int(fields.get("timestamp", "0"))) > 300
                or not _verify(MERCHANT.public_key(), message, fields.get("signature", ""))):
            return None, JSONResponse({"code": "SIGN_ERROR", "message": "签名错误"}, status_code=401)
        payload = json.loads(body)
        self.seen.append((request.url.path, payload))
        if self.mode == "slow":
            await asyncio.sleep(2)
        if self.mode == "down":
            return None, JSONResponse({"code": "SYSTEM_ERROR", "message": "系统错误"}, status_code=500)
        if self.mode == "rate":
            return None, JSONResponse({"code": "FREQUENCY_LIMITED", "message": "频率超限"}, status_code=429)
        if self.mode == "refuse":
            return None, JSONResponse({"code": "PARAM_ERROR", "message": "参数错误"}, status_code=400)
        if self.mode == "unsigned":
            return None, JSONResponse({"prepay_id": "wx-unsigned", "refund_id": "x", "status": "SUCCESS"})
        return payload, None

    async def prepay(self, request: Request) -> Response:
        payload, refused = await self._checked(request)
        if refused:
            return refused
        assert payload["appid"] == APP_ID and payload["mchid"] == MCH_ID
        assert isinstance(payload["amount"]["total"], int) and payload["amount"]["currency"] == "CNY"
        assert re.fullmatch(r"[0-9A-Za-z_\-|*]{6,32}", payload["out_trade_no"])
        key = STRANGER if self.mode == "forged" else PLATFORM
        return self.answer(200, {"prepay_id": "wx26112221580621e9b071c00d9e093b0000"}, key=key)

    async def refund(self, request: Request) -> Response:
        payload, refused = await self._checked(request)
        if refused:
            return refused
        status = "PROCESSING" if self.mode == "processing" else "SUCCESS"
        return self.answer(200, {"refund_id": "50000000382019052709732678859", "out_refund_no": payload["out_refund_no"],
                                 "transaction_id": payload.get("transaction_id", ""), "status": status,
                                 "amount": payload["amount"], "create_time": "2018-06-08T10:34:56+08:00"})

    def notification(self, out_trade_no: str, total: int, *, key: rsa.RSAPrivateKey = PLATFORM,
                     api_v3_key: bytes = API_V3_KEY, mch_id: str = MCH_ID, timestamp: int | None = None,
                     event_type: str = "TRANSACTION.SUCCESS", serial: int = PLATFORM_SERIAL) -> tuple[bytes, dict]:
        transaction = {"appid": APP_ID, "mchid": mch_id, "out_trade_no": out_trade_no,
                       "transaction_id": "4200000000000000000000000001", "trade_type": "APP",
                       "trade_state": "SUCCESS", "trade_state_desc": "支付成功", "bank_type": "CMC",
                       "success_time": "2026-12-08T10:34:56+08:00", "payer": {"openid": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"},
                       "amount": {"total": total, "payer_total": total, "currency": "CNY", "payer_currency": "CNY"}}
        nonce = uuid4().hex[:12]
        cipher = AES.new(api_v3_key, AES.MODE_GCM, nonce=nonce.encode())
        cipher.update(b"transaction")
        ciphertext, tag = cipher.encrypt_and_digest(json.dumps(transaction, ensure_ascii=False).encode())
        body = json.dumps({
            "id": f"EV-{uuid4().hex[:20]}", "create_time": "2026-12-08T10:34:57+08:00",
            "resource_type": "encrypt-resource", "event_type": event_type, "summary": "支付成功",
            "resource": {"original_type": "transaction", "algorithm": "AEAD_AES_256_GCM",
                         "ciphertext": base64.b64encode(ciphertext + tag).decode(),
                         "associated_data": "transaction", "nonce": nonce}}, ensure_ascii=False).encode()
        ts, n = str(int(time.time()) if timestamp is None else timestamp), uuid4().hex
        return body, {"Wechatpay-Timestamp": ts, "Wechatpay-Nonce": n, "Wechatpay-Serial": format(serial, "X"),
                      "Wechatpay-Signature": _sign(key, f"{ts}\n{n}\n".encode() + body + b"\n"),
                      "Wechatpay-Signature-Type": "WECHATPAY2-SHA256-RSA2048"}


@pytest.fixture
def vendor():
    fake = FakeWechatPay()
    with LocalVendorServer(fake.app) as server:
        fake.url = server.url
        yield fake


@pytest.fixture
def config(tmp_path, vendor):
    (tmp_path / "apiclient_key.pem").write_bytes(_pem_key(MERCHANT))
    (tmp_path / "platform.pem").write_bytes(_certificate(PLATFORM, PLATFORM_SERIAL))
    return wx.WechatPayConfig.from_env({
        "SXQ_WECHATPAY_APP_ID": APP_ID, "SXQ_WECHATPAY_MCH_ID": MCH_ID, "SXQ_WECHATPAY_CERT_SERIAL": SERIAL,
        "SXQ_WECHATPAY_PRIVATE_KEY_FILE": str(tmp_path / "apiclient_key.pem"),
        "SXQ_WECHATPAY_API_V3_KEY": API_V3_KEY.decode(),
        "SXQ_WECHATPAY_PLATFORM_CERT_FILE": str(tmp_path / "platform.pem"),
        "SXQ_WECHATPAY_API_URL": vendor.url}, notify_url="https://ca.example/payments/notify/wechat_pay")


def _gateway(config, timeout: float = 5.0):
    http = httpx.AsyncClient(timeout=timeout)
    return wx.WechatPayGateway(config, http), http


def _request(amount_fen: int = 1990):
    return PaymentRequest(payment_id=uuid4(), order_id=uuid4(), channel=PaymentChannel.WECHAT_PAY,
                          amount_fen=amount_fen, description="数信签 个人证书服务")


def test_signature_known_answers(tmp_path):
    # The message layout of the documentation's example (GET /v3/certificates, its timestamp and nonce) …
    message = wx.request_message("GET", "/v3/certificates", "1554208460", "593BEC0C930BF1AFEB40B4A08C8FB242", "")
    assert message == b"GET\n/v3/certificates\n1554208460\n593BEC0C930BF1AFEB40B4A08C8FB242\n\n"
    header = wx.authorization(MCH_ID, SERIAL, MERCHANT, "GET", "/v3/certificates", "", "1554208460",
                              "593BEC0C930BF1AFEB40B4A08C8FB242")
    assert re.fullmatch(r'WECHATPAY2-SHA256-RSA2048 mchid="1900009191",nonce_str="593BEC0C930BF1AFEB40B4A08C8FB242",'
                        r'signature="[A-Za-z0-9+/=]{344}",timestamp="1554208460",'
                        r'serial_no="1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C"', header)
    # … and the signature is exactly OpenSSL's SHA256withRSA (PKCS#1 v1.5 is deterministic).
    (tmp_path / "key.pem").write_bytes(_pem_key(MERCHANT))
    (tmp_path / "msg").write_bytes(message)
    openssl = subprocess.run(["openssl", "dgst", "-sha256", "-sign", str(tmp_path / "key.pem"), str(tmp_path / "msg")],
                             check=True, capture_output=True).stdout
    assert wx.rsa_sign(MERCHANT, message) == base64.b64encode(openssl).decode()
    assert f'signature="{base64.b64encode(openssl).decode()}"' in header
    assert wx.app_pay_message(APP_ID, "1414561699", "5K8264ILTKCH16CQ2502SI8ZNMTM67VS", "WX1217752501201407033233368018") \
        == f"{APP_ID}\n1414561699\n5K8264ILTKCH16CQ2502SI8ZNMTM67VS\nWX1217752501201407033233368018\n".encode()


async def test_prepay_is_signed_and_the_app_gets_signed_parameters(config, vendor):
    gateway, http = _gateway(config)
    request = _request()
    url = await gateway.create(request)
    assert vendor.seen == [("/v3/pay/transactions/app", {
        "appid": APP_ID, "mchid": MCH_ID, "description": "数信签 个人证书服务", "out_trade_no": request.payment_id.hex,
        "notify_url": "https://ca.example/payments/notify/wechat_pay", "amount": {"total": 1990, "currency": "CNY"}})]
    assert url.startswith("weixin://app/pay?")
    params = dict(parse_qsl(urlsplit(url).query))
    assert params["prepayid"] == "wx26112221580621e9b071c00d9e093b0000" and params["package"] == "Sign=WXPay"
    assert params["appid"] == APP_ID and params["partnerid"] == MCH_ID
    signed = f"{APP_ID}\n{params['timestamp']}\n{params['noncestr']}\n{params['prepayid']}\n".encode()
    assert _verify(MERCHANT.public_key(), signed, params["sign"])
    assert len(url) < 2000
    await http.aclose()


async def test_notification_is_verified_and_decrypted(config, vendor):
    gateway, http = _gateway(config)
    request = _request(2500)
    body, headers = vendor.notification(request.payment_id.hex, 2500)
    notice = gateway.verify_notification(PaymentChannel.WECHAT_PAY, body, headers)
    assert notice.payment_id == request.payment_id and notice.amount_fen == 2500
    assert notice.trade_no == "4200000000000000000000000001" and notice.channel is PaymentChannel.WECHAT_PAY
    assert notice.paid_at == datetime(2026, 12, 8, 10, 34, 56, tzinfo=CST)
    assert notice.notify_id == json.loads(body)["id"]
    await http.aclose()


@pytest.mark.parametrize("forgery", ["stranger_key", "unknown_serial", "tampered", "stale", "other_v3_key",
                                     "other_merchant", "refund_event", "unsigned"])
async def test_forged_notifications_are_refused(config, vendor, forgery):
    gateway, http = _gateway(config)
    pid = uuid4().hex
    kwargs = {"stranger_key": {"key": STRANGER}, "unknown_serial": {"serial": 0xABCDEF},
              "stale": {"timestamp": int(time.time()) - 3600}, "other_v3_key": {"api_v3_key": b"x" * 32},
              "other_merchant": {"mch_id": "1230000109"}, "refund_event": {"event_type": "REFUND.SUCCESS"}}
    body, headers = vendor.notification(pid, 100, **kwargs.get(forgery, {}))
    if forgery == "tampered":
        body = body.replace(b"\xe6\x94\xaf\xe4\xbb\x98\xe6\x88\x90\xe5\x8a\x9f", "退款成功".encode())
    if forgery == "unsigned":
        headers = {}
    with pytest.raises(InvalidPaymentNotification):
        gateway.verify_notification(PaymentChannel.WECHAT_PAY, body, headers)
    await http.aclose()


@pytest.mark.parametrize("mode", ["down", "rate", "refuse", "unsigned", "forged", "slow"])
async def test_vendor_failures_are_service_unavailable(config, vendor, mode):
    vendor.mode = mode
    gateway, http = _gateway(config, timeout=0.5)
    with pytest.raises(ExternalServiceUnavailable):
        await gateway.create(_request())
    assert len(vendor.seen) == 1  # the request did reach the vendor, signed
    await http.aclose()


async def test_a_request_signed_with_another_key_is_refused_by_the_vendor(config, vendor):
    from dataclasses import replace
    gateway, http = _gateway(replace(config, private_key=STRANGER))
    with pytest.raises(ExternalServiceUnavailable, match="refused"):
        await gateway.create(_request())
    assert vendor.seen == []
    await http.aclose()


async def test_refund_of_a_refund_pending_payment(config, vendor):
    gateway, http = _gateway(config)
    pid = uuid4()
    result = await gateway.refund(payment_id=pid, trade_no="4200000000000000000000000001", amount_fen=1990,
                                  reason="订单已取消")
    assert (result.refund_id, result.status) == ("50000000382019052709732678859", "SUCCEEDED")
    assert vendor.seen[-1] == ("/v3/refund/domestic/refunds", {
        "out_refund_no": f"R{pid.hex}", "reason": "订单已取消", "transaction_id": "4200000000000000000000000001",
        "amount": {"refund": 1990, "total": 1990, "currency": "CNY"}})
    vendor.mode = "processing"
    assert (await gateway.refund(payment_id=pid, trade_no=None, amount_fen=1990, reason="x")).status == "PROCESSING"
    assert vendor.seen[-1][1]["out_trade_no"] == pid.hex and vendor.seen[-1][1]["out_refund_no"] == f"R{pid.hex}"
    vendor.mode = "down"
    with pytest.raises(ExternalServiceUnavailable):
        await gateway.refund(payment_id=pid, trade_no=None, amount_fen=1990, reason="x")
    await http.aclose()


async def test_channels_without_configuration_refuse(config, vendor):
    gateway, http = _gateway(config)
    production = ProductionPaymentGateway([gateway])
    assert (await production.create(_request())).startswith("weixin://app/pay?")
    alipay = PaymentRequest(uuid4(), uuid4(), PaymentChannel.ALIPAY, 100, "x")
    with pytest.raises(ExternalServiceUnavailable):
        await production.create(alipay)
    body, headers = vendor.notification(uuid4().hex, 100)
    with pytest.raises(InvalidPaymentNotification):
        production.verify_notification(PaymentChannel.ALIPAY, body, headers)
    assert production.verify_notification(PaymentChannel.WECHAT_PAY, body, headers).amount_fen == 100
    await http.aclose()


def test_configuration_names_what_is_missing(tmp_path):
    with pytest.raises(RuntimeError, match="SXQ_WECHATPAY_MCH_ID.*SXQ_WECHATPAY_API_V3_KEY"):
        wx.WechatPayConfig.from_env({"SXQ_WECHATPAY_APP_ID": APP_ID}, notify_url="https://x")
    (tmp_path / "k.pem").write_bytes(_pem_key(MERCHANT))
    (tmp_path / "p.pem").write_bytes(_certificate(PLATFORM, PLATFORM_SERIAL))
    env = {"SXQ_WECHATPAY_APP_ID": APP_ID, "SXQ_WECHATPAY_MCH_ID": MCH_ID, "SXQ_WECHATPAY_CERT_SERIAL": SERIAL,
           "SXQ_WECHATPAY_PRIVATE_KEY_FILE": str(tmp_path / "k.pem"), "SXQ_WECHATPAY_API_V3_KEY": "short",
           "SXQ_WECHATPAY_PLATFORM_CERT_FILE": str(tmp_path / "p.pem")}
    with pytest.raises(RuntimeError, match="32-character"):
        wx.WechatPayConfig.from_env(env, notify_url="https://x")
    config = wx.WechatPayConfig.from_env({**env, "SXQ_WECHATPAY_API_V3_KEY": API_V3_KEY.decode()},
                                         notify_url="https://ca.example/payments/notify/wechat_pay")
    assert config.api_url == "https://api.mch.weixin.qq.com"
    assert list(config.platform_keys) == [format(PLATFORM_SERIAL, "X")]


async def test_the_wechat_pay_public_key_mode(tmp_path):
    """Newer merchants get a WeChat Pay public key (PUB_KEY_ID_…) instead of platform certificates: answers and
    notifications then name that ID in Wechatpay-Serial."""
    (tmp_path / "k.pem").write_bytes(_pem_key(MERCHANT))
    (tmp_path / "pub.pem").write_bytes(PLATFORM.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    env = {"SXQ_WECHATPAY_APP_ID": APP_ID, "SXQ_WECHATPAY_MCH_ID": MCH_ID, "SXQ_WECHATPAY_CERT_SERIAL": SERIAL,
           "SXQ_WECHATPAY_PRIVATE_KEY_FILE": str(tmp_path / "k.pem"), "SXQ_WECHATPAY_API_V3_KEY": API_V3_KEY.decode(),
           "SXQ_WECHATPAY_PUBLIC_KEY_ID": "PUB_KEY_ID_0114232134912410000000000000000"}
    with pytest.raises(RuntimeError, match="SXQ_WECHATPAY_PUBLIC_KEY_FILE"):
        wx.WechatPayConfig.from_env(env, notify_url="https://x")
    config = wx.WechatPayConfig.from_env({**env, "SXQ_WECHATPAY_PUBLIC_KEY_FILE": str(tmp_path / "pub.pem")},
                                         notify_url="https://x")
    assert list(config.platform_keys) == ["PUB_KEY_ID_0114232134912410000000000000000"]
    gateway = wx.WechatPayGateway(config, httpx.AsyncClient())
    body, headers = FakeWechatPay().notification(uuid4().hex, 100)
    with pytest.raises(InvalidPaymentNotification, match="unknown platform certificate"):
        gateway.verify_notification(PaymentChannel.WECHAT_PAY, body, headers)
    headers["Wechatpay-Serial"] = "PUB_KEY_ID_0114232134912410000000000000000"
    assert gateway.verify_notification(PaymentChannel.WECHAT_PAY, body, headers).amount_fen == 100
