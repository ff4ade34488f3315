"""WeChat Pay API v3, app payment (APP 支付): prepay, the app-side parameters, the payment notification and
refunds.

Implemented from the documented algorithm with `cryptography` over our shared httpx client rather than through a
Python library: the maintained one (`wechatpayv3`) is synchronous (requests), so every call would block the event
loop or need a thread, and it downloads the platform certificates itself when constructed. The algorithm is
small and fully documented:

- every request carries `Authorization: WECHATPAY2-SHA256-RSA2048 mchid=..,nonce_str=..,signature=..,
  timestamp=..,serial_no=..`, the signature being base64 SHA256withRSA (PKCS#1 v1.5) by the merchant's API
  certificate key over "METHOD\\nURL-path-and-query\\ntimestamp\\nnonce\\nbody\\n";
- every answer and every notification carries `Wechatpay-Timestamp/-Nonce/-Signature/-Serial`, the signature
  over "timestamp\\nnonce\\nbody\\n" by the platform certificate named by the serial;
- the notification's resource is AEAD_AES_256_GCM under the APIv3 key (nonce and associated data given);
- the app calls the WeChat SDK's PayReq with appid, partnerid, prepayid, package=Sign=WXPay, noncestr,
  timestamp and sign = base64 SHA256withRSA over "appid\\ntimestamp\\nnoncestr\\nprepayid\\n".

The payUrl the app receives is `weixin://app/pay?` followed by those PayReq fields, form-encoded."""

from __future__ import annotations

import base64
import json
import logging
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import urlencode, urlsplit
from uuid import UUID

import httpx
from cryptography import x509
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from adapters.vendors.rsa_sha256 import rsa_sign, rsa_verify
from application.commerce.ports import InvalidPaymentNotification, PaymentNotice, PaymentRequest, RefundResult
from application.ports import ExternalServiceUnavailable
from domain.commerce.payment import PaymentChannel

log = logging.getLogger(__name__)

API_URL = "https://api.mch.weixin.qq.com"
AUTH_SCHEMA = "WECHATPAY2-SHA256-RSA2048"
MAX_SKEW_SECONDS = 300  # the documented freshness window for answers and notifications
APP_PAY_SCHEME = "weixin://app/pay?"


# ---------------------------------------------------------------- the documented signature algorithm


def request_message(method: str, url: str, timestamp: str, nonce: str, body: str) -> bytes:
    """What the merchant signs: `url` is the path with its query string, as sent."""
    return f"{method}\n{url}\n{timestamp}\n{nonce}\n{body}\n".encode()


def answer_message(timestamp: str, nonce: str, body: bytes) -> bytes:
    """What the platform signs on answers and notifications."""
    return f"{timestamp}\n{nonce}\n".encode() + body + b"\n"


def app_pay_message(app_id: str, timestamp: str, nonce: str, prepay_id: str) -> bytes:
    return f"{app_id}\n{timestamp}\n{nonce}\n{prepay_id}\n".encode()


def authorization(mch_id: str, serial_no: str, key: rsa.RSAPrivateKey, method: str, url: str, body: str,
                  timestamp: str, nonce: str) -> str:
    signature = rsa_sign(key, request_message(method, url, timestamp, nonce, body))
    return (f'{AUTH_SCHEMA} mchid="{mch_id}",nonce_str="{nonce}",signature="{signature}",'
            f'timestamp="{timestamp}",serial_no="{serial_no}"')


def decrypt_resource(api_v3_key: bytes, resource: Mapping[str, str]) -> bytes:
    """AEAD_AES_256_GCM: the ciphertext is base64 of ciphertext||tag; nonce and associated data are text."""
    if resource.get("algorithm") != "AEAD_AES_256_GCM":
        raise InvalidPaymentNotification("wechat pay: unknown resource algorithm")
    try:
        return AESGCM(api_v3_key).decrypt(resource["nonce"].encode(), base64.b64decode(resource["ciphertext"]),
                                          (resource.get("associated_data") or "").encode())
    except (InvalidTag, KeyError, ValueError, TypeError):
        raise InvalidPaymentNotification("wechat pay: resource does not decrypt under our APIv3 key") from None


# ---------------------------------------------------------------- configuration


def _read(path: str | None, name: str) -> bytes:
    if not path:
        raise RuntimeError(f"WeChat Pay needs {name}")
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise RuntimeError(f"{name}: cannot read {path}: {exc.strerror}") from None


def load_private_key(pem: bytes, name: str) -> rsa.RSAPrivateKey:
    key = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise RuntimeError(f"{name} is not an RSA private key")
    return key


def platform_keys(pem: bytes) -> dict[str, rsa.RSAPublicKey]:
    """The platform certificates of a PEM bundle by serial number (upper-case hex, as in Wechatpay-Serial)."""
    keys: dict[str, rsa.RSAPublicKey] = {}
    for cert in x509.load_pem_x509_certificates(pem):
        key = cert.public_key()
        if isinstance(key, rsa.RSAPublicKey):
            keys[format(cert.serial_number, "X")] = key
    if not keys:
        raise RuntimeError("SXQ_WECHATPAY_PLATFORM_CERT_FILE holds no RSA certificate")
    return keys


@dataclass(frozen=True)
class WechatPayConfig:
    app_id: str
    mch_id: str
    serial_no: str  # the merchant API certificate's serial number
    private_key: rsa.RSAPrivateKey
    api_v3_key: bytes
    platform_keys: dict[str, rsa.RSAPublicKey]  # by Wechatpay-Serial: certificate serial or public key ID
    notify_url: str
    api_url: str = API_URL

    @classmethod
    def from_env(cls, env: Mapping[str, str], notify_url: str) -> WechatPayConfig:
        need = ["SXQ_WECHATPAY_APP_ID", "SXQ_WECHATPAY_MCH_ID", "SXQ_WECHATPAY_CERT_SERIAL",
                "SXQ_WECHATPAY_PRIVATE_KEY_FILE", "SXQ_WECHATPAY_API_V3_KEY"]
        # Merchants verify WeChat Pay either with platform certificates or (newer merchants) with the WeChat Pay
        # public key and its ID: one of the two is needed, both may be given during a switch-over.
        public_key_mode = bool(env.get("SXQ_WECHATPAY_PUBLIC_KEY_FILE") or env.get("SXQ_WECHATPAY_PUBLIC_KEY_ID"))
        if public_key_mode:
            need += ["SXQ_WECHATPAY_PUBLIC_KEY_FILE", "SXQ_WECHATPAY_PUBLIC_KEY_ID"]
        if not public_key_mode or env.get("SXQ_WECHATPAY_PLATFORM_CERT_FILE"):
            need.append("SXQ_WECHATPAY_PLATFORM_CERT_FILE")
        missing = [n for n in need if not env.get(n)]
        if missing:
            raise RuntimeError("WeChat Pay needs " + ", ".join(missing))
        keys: dict[str, rsa.RSAPublicKey] = {}
        if env.get("SXQ_WECHATPAY_PLATFORM_CERT_FILE"):
            keys |= platform_keys(_read(env["SXQ_WECHATPAY_PLATFORM_CERT_FILE"], "the platform certificate"))
        if public_key_mode:
            public = serialization.load_pem_public_key(_read(env["SXQ_WECHATPAY_PUBLIC_KEY_FILE"],
                                                             "the WeChat Pay public key"))
            if not isinstance(public, rsa.RSAPublicKey):
                raise RuntimeError("SXQ_WECHATPAY_PUBLIC_KEY_FILE is not an RSA public key")
            keys[env["SXQ_WECHATPAY_PUBLIC_KEY_ID"].upper()] = public
        api_v3_key = env["SXQ_WECHATPAY_API_V3_KEY"].encode()
        if len(api_v3_key) != 32:
            raise RuntimeError("SXQ_WECHATPAY_API_V3_KEY must be the 32-character APIv3 key")
        return cls(
            app_id=env["SXQ_WECHATPAY_APP_ID"], mch_id=env["SXQ_WECHATPAY_MCH_ID"],
            serial_no=env["SXQ_WECHATPAY_CERT_SERIAL"].upper(),
            private_key=load_private_key(_read(env["SXQ_WECHATPAY_PRIVATE_KEY_FILE"], "the merchant key"),
                                         "SXQ_WECHATPAY_PRIVATE_KEY_FILE"),
            api_v3_key=api_v3_key,
            platform_keys=keys,
            notify_url=env.get("SXQ_WECHATPAY_NOTIFY_URL") or notify_url,
            api_url=(env.get("SXQ_WECHATPAY_API_URL") or API_URL).rstrip("/"))


# ---------------------------------------------------------------- the gateway


def _offset_time(value: str) -> datetime:
    at = datetime.fromisoformat(value)
    if at.tzinfo is None:
        raise ValueError("time without offset")
    return at


class WechatPayGateway:
    channel = PaymentChannel.WECHAT_PAY

    def __init__(self, config: WechatPayConfig, http: httpx.AsyncClient,
                 now: Callable[[], float] = time.time) -> None:
        self._c, self._http, self._now = config, http, now

    # -- outgoing calls

    async def _call(self, method: str, path: str, payload: dict | None = None) -> dict:
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")) if payload is not None else ""
        ts, nonce = str(int(self._now())), secrets.token_hex(16).upper()
        url = self._c.api_url + path
        signed_path = urlsplit(url).path + (f"?{urlsplit(url).query}" if urlsplit(url).query else "")
        headers = {"Authorization": authorization(self._c.mch_id, self._c.serial_no, self._c.private_key, method,
                                                  signed_path, body, ts, nonce),
                   "Accept": "application/json", "Content-Type": "application/json",
                   "User-Agent": "shuxinqian-wechatpay/1"}
        try:
            resp = await self._http.request(method, url, content=body.encode(), headers=headers)
        except httpx.HTTPError as exc:
            raise ExternalServiceUnavailable(f"wechat pay {path}: {type(exc).__name__}") from exc
        if resp.status_code >= 500 or resp.status_code == 429:
            raise ExternalServiceUnavailable(f"wechat pay {path}: HTTP {resp.status_code} {_code(resp)}")
        if resp.status_code >= 400:
            # PARAM_ERROR, SIGN_ERROR, ORDER_CLOSED, NOT_ENOUGH…: nothing the user can fix by retrying soon,
            # but nothing of theirs changed either; the operator reads the log.
            log.error("wechat pay %s refused: HTTP %s %s", path, resp.status_code, resp.text[:300])
            raise ExternalServiceUnavailable(f"wechat pay {path}: refused {_code(resp)}")
        try:
            self._check_platform_signature(resp.content, resp.headers)
        except InvalidPaymentNotification as exc:
            # An answer we cannot attribute to WeChat Pay is not acted on.
            raise ExternalServiceUnavailable(f"wechat pay {path}: unverified answer ({exc})") from None
        try:
            return resp.json() if resp.content else {}
        except ValueError as exc:
            raise ExternalServiceUnavailable(f"wechat pay {path}: not JSON") from exc

    def _check_platform_signature(self, body: bytes, headers: Mapping[str, str]) -> None:
        h = {k.lower(): v for k, v in headers.items()}
        try:
            ts, nonce = h["wechatpay-timestamp"], h["wechatpay-nonce"]
            signature, serial = h["wechatpay-signature"], h["wechatpay-serial"].upper()
            stamp = int(ts)
        except (KeyError, ValueError):
            raise InvalidPaymentNotification("wechat pay: unsigned") from None
        if abs(self._now() - stamp) > MAX_SKEW_SECONDS:
            raise InvalidPaymentNotification("wechat pay: stale signature")
        key = self._c.platform_keys.get(serial)
        if key is None:
            raise InvalidPaymentNotification(f"wechat pay: unknown platform certificate {serial}")
        if not rsa_verify(key, answer_message(ts, nonce, body), signature):
            raise InvalidPaymentNotification("wechat pay: bad signature")

    # -- the port

    async def create(self, request: PaymentRequest) -> str:
        answer = await self._call("POST", "/v3/pay/transactions/app", {
            "appid": self._c.app_id, "mchid": self._c.mch_id, "description": request.description[:127],
            "out_trade_no": out_trade_no(request.payment_id), "notify_url": self._c.notify_url,
            "amount": {"total": request.amount_fen, "currency": "CNY"}})
        prepay_id = answer.get("prepay_id")
        if not isinstance(prepay_id, str) or not prepay_id:
            raise ExternalServiceUnavailable("wechat pay: no prepay_id")
        return APP_PAY_SCHEME + urlencode(self.app_parameters(prepay_id))

    def app_parameters(self, prepay_id: str, *, timestamp: str | None = None,
                       nonce: str | None = None) -> dict[str, str]:
        """The fields of the app's PayReq, signed with the merchant key."""
        ts = timestamp or str(int(self._now()))
        nonce = nonce or secrets.token_hex(16)
        return {"appid": self._c.app_id, "partnerid": self._c.mch_id, "prepayid": prepay_id,
                "package": "Sign=WXPay", "noncestr": nonce, "timestamp": ts,
                "sign": rsa_sign(self._c.private_key, app_pay_message(self._c.app_id, ts, nonce, prepay_id))}

    def verify_notification(self, channel: PaymentChannel, body: bytes, headers: dict[str, str]) -> PaymentNotice:
        self._check_platform_signature(body, headers)
        try:
            envelope = json.loads(body)
            event_id, event_type, resource = envelope["id"], envelope["event_type"], envelope["resource"]
        except (ValueError, KeyError, TypeError):
            raise InvalidPaymentNotification("wechat pay: malformed notification") from None
        if event_type != "TRANSACTION.SUCCESS":
            raise InvalidPaymentNotification(f"wechat pay: not a payment success ({event_type})")
        try:
            tx = json.loads(decrypt_resource(self._c.api_v3_key, resource))
            if tx["mchid"] != self._c.mch_id or tx["appid"] != self._c.app_id:
                raise InvalidPaymentNotification("wechat pay: notification for another merchant or app")
            if tx["trade_state"] != "SUCCESS" or tx["amount"].get("currency", "CNY") != "CNY":
                raise InvalidPaymentNotification("wechat pay: not a CNY success")
            return PaymentNotice(channel=PaymentChannel.WECHAT_PAY, notify_id=str(event_id)[:64],
                                 payment_id=UUID(hex=tx["out_trade_no"]), trade_no=str(tx["transaction_id"])[:64],
                                 amount_fen=int(tx["amount"]["total"]), paid_at=_offset_time(tx["success_time"]))
        except InvalidPaymentNotification:
            raise
        except (ValueError, KeyError, TypeError, AttributeError):
            raise InvalidPaymentNotification("wechat pay: malformed transaction") from None

    async def refund(self, *, payment_id: UUID, trade_no: str | None, amount_fen: int, reason: str) -> RefundResult:
        """Refunds the whole payment (the REFUND_PENDING case). The refund number is derived from the payment,
        so asking again refunds once."""
        payload: dict = {"out_refund_no": f"R{payment_id.hex}"[:64], "reason": reason[:80],
                         "amount": {"refund": amount_fen, "total": amount_fen, "currency": "CNY"}}
        if trade_no:
            payload["transaction_id"] = trade_no
        else:
            payload["out_trade_no"] = out_trade_no(payment_id)
        answer = await self._call("POST", "/v3/refund/domestic/refunds", payload)
        try:
            return RefundResult(refund_id=str(answer["refund_id"]), status=_REFUND_STATUS[answer["status"]])
        except KeyError:
            raise ExternalServiceUnavailable("wechat pay: unexpected refund answer") from None


_REFUND_STATUS = {"SUCCESS": "SUCCEEDED", "PROCESSING": "PROCESSING", "CLOSED": "FAILED", "ABNORMAL": "FAILED"}


def out_trade_no(payment_id: UUID) -> str:
    return payment_id.hex  # 32 characters of [0-9a-f]: inside the documented 6-32 of [0-9A-Za-z_-|*]


def _code(resp: httpx.Response) -> str:
    try:
        return str(resp.json().get("code", ""))
    except (ValueError, AttributeError):
        return ""
