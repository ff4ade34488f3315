"""Alipay app payment (APP支付, alipay.trade.app.pay): the signed order string, the asynchronous notification
(RSA2 verified against the Alipay public key) and refunds (alipay.trade.refund).

Implemented from the documented algorithm with `cryptography` over our shared httpx client rather than through
an SDK: the official `alipay-sdk-python` and the common `python-alipay-sdk` are synchronous (urllib/requests) and
bring PyCryptodome for what `cryptography` already does here. The algorithm (RSA2, 公钥模式):

- the content signed is every parameter but `sign` (a notification's also without `sign_type`), empty values
  left out, sorted by name, joined as `k=v` with `&`, values not URL-encoded;
- the signature is base64 SHA256withRSA (PKCS#1 v1.5);
- an OpenAPI answer is signed over the exact text of its `<method>_response` JSON member.

The app order string involves no call: payUrl is the form-encoded signed parameters the app hands to the Alipay
SDK's `payV2`/`payOrder`."""

from __future__ import annotations

import base64
import json
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from pathlib import Path
from urllib.parse import parse_qsl, urlencode
from uuid import UUID

import httpx
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from adapters.vendors.rsa_sha256 import rsa_sign, rsa_verify
from application.commerce.ports import InvalidPaymentNotification, PaymentNotice, PaymentRequest, RefundResult
from application.ports import ExternalServiceUnavailable
from domain.commerce.payment import PaymentChannel

log = logging.getLogger(__name__)

GATEWAY_URL = "https://openapi.alipay.com/gateway.do"
CST = timezone(timedelta(hours=8))  # Alipay's times are Beijing time without an offset
SUCCESS_STATES = ("TRADE_SUCCESS", "TRADE_FINISHED")
# Gateway codes that mean "try again later" rather than "refused": 20000 service unavailable, 20001 auth
# temporarily failing, and the business sub-codes of a busy or failing system.
RETRY_SUB_CODES = ("ACQ.SYSTEM_ERROR", "ACQ.TRADE_HAS_CLOSE_PROCESSING", "aop.ACQ.SYSTEM_ERROR")


def sign_content(params: Mapping[str, str], *, exclude: tuple[str, ...] = ("sign",)) -> bytes:
    return "&".join(f"{k}={params[k]}" for k in sorted(params)
                    if k not in exclude and params[k] not in (None, "")).encode()


def yuan(amount_fen: int) -> str:
    return f"{amount_fen // 100}.{amount_fen % 100:02d}"


def fen(amount: str) -> int:
    try:
        value = Decimal(amount) * 100
    except InvalidOperation:
        raise ValueError(f"not an amount: {amount!r}") from None
    if value != value.to_integral_value() or value < 0:
        raise ValueError(f"not an amount in fen: {amount!r}")
    return int(value)


def _key_material(raw: bytes) -> bytes:
    """Alipay's key tool writes bare base64 (no PEM armour); the open platform shows the same. Both are taken."""
    text = raw.strip()
    return text if text.startswith(b"-----BEGIN") else base64.b64decode(b"".join(text.split()))


def load_app_private_key(raw: bytes) -> rsa.RSAPrivateKey:
    material = _key_material(raw)
    key = (serialization.load_pem_private_key(material, None) if material.startswith(b"-----BEGIN")
           else serialization.load_der_private_key(material, None))  # PKCS#1 or PKCS#8 DER
    if not isinstance(key, rsa.RSAPrivateKey):
        raise RuntimeError("SXQ_ALIPAY_PRIVATE_KEY_FILE is not an RSA private key")
    return key


def load_alipay_public_key(raw: bytes) -> rsa.RSAPublicKey:
    material = _key_material(raw)
    key = (serialization.load_pem_public_key(material) if material.startswith(b"-----BEGIN")
           else serialization.load_der_public_key(material))
    if not isinstance(key, rsa.RSAPublicKey):
        raise RuntimeError("SXQ_ALIPAY_PUBLIC_KEY_FILE is not an RSA public key")
    return key


@dataclass(frozen=True)
class AlipayConfig:
    app_id: str
    private_key: rsa.RSAPrivateKey  # the app's (应用私钥)
    alipay_public_key: rsa.RSAPublicKey  # Alipay's (支付宝公钥)
    notify_url: str
    gateway_url: str = GATEWAY_URL
    seller_id: str | None = None  # the merchant's PID: when set, a notification must name it

    @classmethod
    def from_env(cls, env: Mapping[str, str], notify_url: str) -> AlipayConfig:
        need = ("SXQ_ALIPAY_APP_ID", "SXQ_ALIPAY_PRIVATE_KEY_FILE", "SXQ_ALIPAY_PUBLIC_KEY_FILE")
        missing = [n for n in need if not env.get(n)]
        if missing:
            raise RuntimeError("Alipay needs " + ", ".join(missing))

        def read(name: str) -> bytes:
            try:
                return Path(env[name]).read_bytes()
            except OSError as exc:
                raise RuntimeError(f"{name}: cannot read {env[name]}: {exc.strerror}") from None

        return cls(app_id=env["SXQ_ALIPAY_APP_ID"],
                   private_key=load_app_private_key(read("SXQ_ALIPAY_PRIVATE_KEY_FILE")),
                   alipay_public_key=load_alipay_public_key(read("SXQ_ALIPAY_PUBLIC_KEY_FILE")),
                   notify_url=env.get("SXQ_ALIPAY_NOTIFY_URL") or notify_url,
                   gateway_url=env.get("SXQ_ALIPAY_GATEWAY_URL") or GATEWAY_URL,
                   seller_id=env.get("SXQ_ALIPAY_SELLER_ID") or None)


def response_member(text: str, method: str) -> tuple[dict, str] | None:
    """The `<method>_response` member of an OpenAPI answer, parsed and as the exact text Alipay signed."""
    name = '"' + method.replace(".", "_") + '_response"'
    at = text.find(name)
    if at < 0:
        return None
    start = text.index(":", at + len(name)) + 1
    while text[start] in " \t\r\n":
        start += 1
    value, end = json.JSONDecoder().raw_decode(text, start)
    return value, text[start:end]


class AlipayGateway:
    channel = PaymentChannel.ALIPAY

    def __init__(self, config: AlipayConfig, http: httpx.AsyncClient,
                 now: Callable[[], float] = time.time) -> None:
        self._c, self._http, self._now = config, http, now

    def _common(self, method: str, biz: dict, **extra: str) -> dict[str, str]:
        params = {"app_id": self._c.app_id, "method": method, "format": "JSON", "charset": "utf-8",
                  "sign_type": "RSA2", "version": "1.0",
                  "timestamp": datetime.fromtimestamp(self._now(), CST).strftime("%Y-%m-%d %H:%M:%S"),
                  "biz_content": json.dumps(biz, ensure_ascii=False, separators=(",", ":")), **extra}
        params["sign"] = rsa_sign(self._c.private_key, sign_content(params))
        return params

    async def create(self, request: PaymentRequest) -> str:
        return urlencode(self.order_parameters(request))

    def order_parameters(self, request: PaymentRequest) -> dict[str, str]:
        return self._common("alipay.trade.app.pay", {
            "out_trade_no": request.payment_id.hex, "total_amount": yuan(request.amount_fen),
            "subject": request.description[:256], "product_code": "QUICK_MSECURITY_PAY"},
            notify_url=self._c.notify_url)

    def verify_notification(self, channel: PaymentChannel, body: bytes, headers: dict[str, str]) -> PaymentNotice:
        try:
            params = dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=True))
        except (UnicodeDecodeError, ValueError):
            raise InvalidPaymentNotification("alipay: not a form") from None
        if params.get("sign_type", "RSA2") != "RSA2" or not rsa_verify(
                self._c.alipay_public_key, sign_content(params, exclude=("sign", "sign_type")), params.get("sign", "")):
            raise InvalidPaymentNotification("alipay: bad signature")
        if params.get("app_id") != self._c.app_id:
            raise InvalidPaymentNotification("alipay: notification for another app")
        if self._c.seller_id and params.get("seller_id") != self._c.seller_id:
            raise InvalidPaymentNotification("alipay: notification for another seller")
        if params.get("trade_status") not in SUCCESS_STATES:
            raise InvalidPaymentNotification(f"alipay: not a payment success ({params.get('trade_status')})")
        try:
            paid_at = datetime.strptime(params["gmt_payment"], "%Y-%m-%d %H:%M:%S").replace(tzinfo=CST)
            return PaymentNotice(channel=PaymentChannel.ALIPAY, notify_id=params["notify_id"][:64],
                                 payment_id=UUID(hex=params["out_trade_no"]), trade_no=params["trade_no"][:64],
                                 amount_fen=fen(params["total_amount"]), paid_at=paid_at)
        except (KeyError, ValueError):
            raise InvalidPaymentNotification("alipay: malformed notification") from None

    async def refund(self, *, payment_id: UUID, trade_no: str | None, amount_fen: int, reason: str) -> RefundResult:
        """Refunds the whole payment; out_request_no derives from the payment, so asking again refunds once."""
        request_no = f"R{payment_id.hex}"
        biz = {"refund_amount": yuan(amount_fen), "out_request_no": request_no, "refund_reason": reason[:256]}
        biz |= {"trade_no": trade_no} if trade_no else {"out_trade_no": payment_id.hex}
        answer = await self._call("alipay.trade.refund", biz)
        code, sub_code = str(answer.get("code")), str(answer.get("sub_code", ""))
        if code == "10000":
            return RefundResult(refund_id=request_no, status="SUCCEEDED")
        if code in ("20000", "20001") or sub_code in RETRY_SUB_CODES:
            raise ExternalServiceUnavailable(f"alipay refund: {code} {sub_code}")
        log.error("alipay refused the refund of %s: %s %s %s", payment_id, code, sub_code, answer.get("sub_msg"))
        return RefundResult(refund_id=request_no, status="FAILED")

    async def _call(self, method: str, biz: dict) -> dict:
        params = self._common(method, biz)
        try:
            resp = await self._http.post(self._c.gateway_url, data=params,
                                         headers={"Accept": "application/json"})
        except httpx.HTTPError as exc:
            raise ExternalServiceUnavailable(f"alipay {method}: {type(exc).__name__}") from exc
        if resp.status_code != 200:
            raise ExternalServiceUnavailable(f"alipay {method}: HTTP {resp.status_code}")
        try:
            # A request the gateway could not even route (unknown method, missing app id) answers `error_response`.
            member = response_member(resp.text, method) or response_member(resp.text, "error")
            signature = resp.json().get("sign")
        except (ValueError, AttributeError):
            member, signature = None, None
        if member is None:
            raise ExternalServiceUnavailable(f"alipay {method}: unexpected answer")
        answer, raw = member
        if signature is None and str(answer.get("code")) != "10000":
            return answer  # a gateway error (bad signature of ours, bad app id) comes unsigned; nothing is acted on
        if not signature or not rsa_verify(self._c.alipay_public_key, raw.encode(), signature):
            raise ExternalServiceUnavailable(f"alipay {method}: unverified answer")
        return answer
