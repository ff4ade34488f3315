"""The sandbox payment gateway, playing WeChat Pay and Alipay: it registers payments, serves a cashier page at
the pay URL (/sandbox/pay/{channel}/{trade_no}, adapters/http/sandbox_cashier.py) where a tester pays or fails
the payment, and then (as after sandbox.completePayment) sends an asynchronous notification signed with HMAC-SM3
under the channel's merchant key, to the same handler as POST /payments/notify/{channel}.

For WECHAT_PAY and ALIPAY the pay URL's query also carries what the channel's app SDK takes, made by the
production adapters' own code (adapters/vendors/wechatpay.py, alipay.py) with sandbox merchant identities and
sandbox RSA keys: the PayReq fields signed as WeChat Pay documents, the Alipay order string signed RSA2. The
keys derive from the master key (the same in every worker and after a restart); their public halves are served
at /sandbox/pay/keys so an app can check the signatures."""

from __future__ import annotations

import asyncio
import functools
import hashlib
import json
import logging
import math
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode
from uuid import UUID

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import async_sessionmaker

from adapters.persistence import tables_commerce as t
from adapters.vendors import signing
from adapters.vendors.alipay import AlipayConfig, AlipayGateway
from adapters.vendors.wechatpay import WechatPayConfig, WechatPayGateway
from application.commerce.ports import InvalidPaymentNotification, PaymentNotice, PaymentRequest, RefundResult
from application.ports import Clock, ExternalServiceUnavailable, InvalidCallback
from domain.commerce.payment import PaymentChannel

log = logging.getLogger(__name__)

NotificationSink = Callable[[PaymentChannel, bytes, dict[str, str]], Awaitable[object]]

# The sandbox merchant's identities, shaped like real ones (an 18-character WeChat AppID, a 10-digit merchant
# number, a 16-digit Alipay AppID) and plainly not real.
SANDBOX_WECHAT_APP_ID = "wx0000000000sandbx"
SANDBOX_WECHAT_MCH_ID = "1900000000"
SANDBOX_ALIPAY_APP_ID = "2021000000000000"


def _stream(seed: bytes) -> Callable[[int], bytes]:
    """A deterministic byte stream (SHA-256 in counter mode) for making the sandbox keys from a seed."""
    counter = 0

    def read(n: int) -> bytes:
        nonlocal counter
        out = b""
        while len(out) < n:
            out += hashlib.sha256(seed + counter.to_bytes(8, "big")).digest()
            counter += 1
        return out[:n]
    return read


_SMALL_PRIMES = [p for p in range(3, 2000) if all(p % d for d in range(2, int(p ** 0.5) + 1))]


def _probable_prime(n: int, read: Callable[[int], bytes], rounds: int = 40) -> bool:
    if any(n % p == 0 for p in _SMALL_PRIMES):
        return n in _SMALL_PRIMES
    d, r = n - 1, 0
    while d % 2 == 0:
        d, r = d // 2, r + 1
    for _ in range(rounds):
        a = 2 + int.from_bytes(read(len(n.to_bytes((n.bit_length() + 7) // 8, "big"))), "big") % (n - 3)
        x = pow(a, d, n)
        if x in (1, n - 1):
            continue
        for _ in range(r - 1):
            x = pow(x, 2, n)
            if x == n - 1:
                break
        else:
            return False
    return True


def _prime(bits: int, e: int, read: Callable[[int], bytes]) -> int:
    while True:
        candidate = int.from_bytes(read(bits // 8), "big") | (3 << (bits - 2)) | 1
        if (candidate - 1) % e and _probable_prime(candidate, read):
            return candidate


@functools.lru_cache(maxsize=8)
def sandbox_rsa_key(seed: bytes, bits: int = 2048) -> rsa.RSAPrivateKey:
    """An RSA key made deterministically from a secret seed (cryptography only generates from the OS's random
    source): the same key in every worker and after a restart, without storing it."""
    read, e = _stream(seed), 65537
    p = _prime(bits // 2, e, read)
    q = _prime(bits // 2, e, read)
    while q == p:  # pragma: no cover - 2^-1000
        q = _prime(bits // 2, e, read)
    p, q = max(p, q), min(p, q)
    lam = math.lcm(p - 1, q - 1)
    d = pow(e, -1, lam)
    return rsa.RSAPrivateNumbers(p, q, d, d % (p - 1), d % (q - 1), pow(q, -1, p),
                                 rsa.RSAPublicNumbers(e, p * q)).private_key()


def public_pem(key: rsa.RSAPrivateKey) -> str:
    return key.public_key().public_bytes(serialization.Encoding.PEM,
                                         serialization.PublicFormat.SubjectPublicKeyInfo).decode()


@dataclass(frozen=True)
class CashierView:
    """What the sandbox cashier page shows of one sandbox trade."""

    trade_no: str
    payment_id: UUID
    channel: PaymentChannel
    amount_fen: int
    status: str  # NOTPAY | SUCCESS | PAYERROR | REFUND


class UnknownSandboxPayment(Exception):
    pass


class SandboxPaymentGateway:
    def __init__(self, session_factory: async_sessionmaker, clock: Clock, keys: Callable[[str], bytes],
                 public_url: str, notify_delay_seconds: float = 0.05) -> None:
        self._sf, self._clock = session_factory, clock
        self._secrets = {c: keys(f"sandbox-payment-{c.value.lower()}") for c in PaymentChannel}
        self._key_seeds = {c: keys(f"sandbox-payment-{c.value.lower()}-app-rsa")
                           for c in (PaymentChannel.WECHAT_PAY, PaymentChannel.ALIPAY)}
        self._public_url = public_url.rstrip("/")
        self._delay = notify_delay_seconds
        self._sink: NotificationSink | None = None
        self._tasks: set[asyncio.Task] = set()
        self._down = False
        self.sent: list[tuple[PaymentChannel, bytes, dict[str, str]]] = []  # what went out, for replay tests

    def connect(self, sink: NotificationSink | None) -> None:
        self._sink = sink

    def outage(self, down: bool = True) -> None:
        self._down = down

    async def create(self, request: PaymentRequest) -> str:
        if self._down:
            raise ExternalServiceUnavailable("sandbox payment gateway: unavailable")
        trade_no = f"{request.channel.value[:2]}{secrets.token_hex(12)}"
        async with self._sf() as s, s.begin():
            await s.execute(t.sandbox_payments.insert().values(
                trade_no=trade_no, payment_id=request.payment_id, channel=request.channel.value,
                amount_fen=request.amount_fen, status="NOTPAY", created_at=self._clock.now()))
        url = f"{self._public_url}/sandbox/pay/{request.channel.value.lower()}/{trade_no}"
        params = self.app_parameters(request, trade_no)
        return f"{url}?{urlencode(params)}" if params else url

    # -- what the app SDKs take, made by the production adapters' code with the sandbox merchant's keys

    def app_key(self, channel: PaymentChannel) -> rsa.RSAPrivateKey:
        return sandbox_rsa_key(self._key_seeds[channel])

    def merchant(self, channel: PaymentChannel) -> dict[str, str]:
        """The sandbox merchant of a channel as an app developer needs it: identities and the public key."""
        if channel is PaymentChannel.WECHAT_PAY:
            return {"appId": SANDBOX_WECHAT_APP_ID, "mchId": SANDBOX_WECHAT_MCH_ID,
                    "publicKeyPem": public_pem(self.app_key(channel))}
        return {"appId": SANDBOX_ALIPAY_APP_ID, "publicKeyPem": public_pem(self.app_key(channel))}

    def _now(self) -> float:
        return self._clock.now().timestamp()

    def app_parameters(self, request: PaymentRequest, trade_no: str) -> dict[str, str] | None:
        notify_url = f"{self._public_url}/payments/notify/{request.channel.value.lower()}"
        if request.channel is PaymentChannel.WECHAT_PAY:
            key = self.app_key(request.channel)
            gateway = WechatPayGateway(WechatPayConfig(
                app_id=SANDBOX_WECHAT_APP_ID, mch_id=SANDBOX_WECHAT_MCH_ID, serial_no="SANDBOX", private_key=key,
                api_v3_key=bytes(32), platform_keys={}, notify_url=notify_url), http=None, now=self._now)  # type: ignore[arg-type]
            # A real prepay id: "wx", the creation time to the second, then an opaque tail.
            prepay_id = f"wx{self._clock.now().strftime('%d%H%M%S')}{trade_no[2:]}"[:64]
            return gateway.app_parameters(prepay_id)
        if request.channel is PaymentChannel.ALIPAY:
            key = self.app_key(request.channel)
            alipay = AlipayGateway(AlipayConfig(app_id=SANDBOX_ALIPAY_APP_ID, private_key=key,
                                                alipay_public_key=key.public_key(), notify_url=notify_url),
                                   http=None, now=self._now)  # type: ignore[arg-type]
            return alipay.order_parameters(request)
        return None

    # -- the payer, in the cashier page or through sandbox.completePayment

    async def cashier(self, channel: str, trade_no: str) -> CashierView | None:
        c = t.sandbox_payments.c
        async with self._sf() as s:
            row = (await s.execute(select(t.sandbox_payments).where(c.trade_no == trade_no[:64]))).first()
        if row is None or row.channel.lower() != channel.lower():
            return None
        return CashierView(row.trade_no, row.payment_id, PaymentChannel(row.channel), row.amount_fen, row.status)

    async def complete(self, payment_id: UUID) -> bool:
        """The payer confirms in the wallet; the notification follows asynchronously."""
        return await self._settle(t.sandbox_payments.c.payment_id == payment_id, succeed=True)

    async def pay_trade(self, trade_no: str, *, succeed: bool) -> bool:
        """The cashier page's 确认支付 (succeed) or 支付失败: the notification follows asynchronously."""
        return await self._settle(t.sandbox_payments.c.trade_no == trade_no[:64], succeed=succeed)

    async def _settle(self, where, *, succeed: bool) -> bool:
        now = self._clock.now()
        c = t.sandbox_payments.c
        async with self._sf() as s, s.begin():
            row = (await s.execute(select(t.sandbox_payments).where(where))).first()
            if row is None:
                return False
            status = row.status
            if status == "NOTPAY":
                status = "SUCCESS" if succeed else "PAYERROR"
                await s.execute(update(t.sandbox_payments).where(c.trade_no == row.trade_no)
                                .values(status=status, paid_at=now if succeed else None))
            at = row.paid_at or now
        if (status == "PAYERROR") == succeed:
            return False  # settled the other way: a failed payment is not paid later, nor a paid one failed
        channel = PaymentChannel(row.channel)
        # A repeat sends the notification again (a replay, as a real gateway does until it hears SUCCESS).
        body = self.notification_body(channel, row.trade_no, row.payment_id, row.amount_fen, at,
                                      "SUCCESS" if succeed else "PAYERROR")
        task = asyncio.get_running_loop().create_task(self._notify(channel, body))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return True

    async def refund(self, *, channel: PaymentChannel, payment_id: UUID, trade_no: str | None, amount_fen: int,
                     reason: str) -> RefundResult:
        """The sandbox wallet takes the money back at once (a real channel may answer PROCESSING first)."""
        if self._down:
            raise ExternalServiceUnavailable("sandbox payment gateway: unavailable")
        c = t.sandbox_payments.c
        async with self._sf() as s, s.begin():
            row = (await s.execute(select(t.sandbox_payments).where(c.payment_id == payment_id))).first()
            if row is None or row.status not in ("SUCCESS", "REFUND") or row.amount_fen != amount_fen:
                return RefundResult(refund_id=f"sbx-refund-{payment_id.hex}", status="FAILED")
            await s.execute(update(t.sandbox_payments).where(c.trade_no == row.trade_no).values(status="REFUND"))
        return RefundResult(refund_id=f"sbx-refund-{payment_id.hex}", status="SUCCEEDED")

    def notification_body(self, channel: PaymentChannel, trade_no: str, payment_id: UUID, amount_fen: int,
                          paid_at: datetime, trade_state: str = "SUCCESS") -> bytes:
        return json.dumps({"notify_id": secrets.token_hex(16), "channel": channel.value, "trade_no": trade_no,
                           "out_trade_no": str(payment_id), "amount_fen": amount_fen,
                           "paid_at": paid_at.isoformat(), "trade_state": trade_state}).encode()

    def sign(self, channel: PaymentChannel, body: bytes, timestamp: int | None = None) -> dict[str, str]:
        return signing.sign(self._secrets[channel], body, timestamp)

    async def _notify(self, channel: PaymentChannel, body: bytes) -> None:
        await asyncio.sleep(self._delay)
        headers = self.sign(channel, body)
        self.sent.append((channel, body, headers))
        if self._sink is None:
            return
        for attempt in range(3):  # the real gateways retry on anything but SUCCESS
            try:
                await self._sink(channel, body, headers)
                return
            except Exception:
                log.exception("sandbox payment notification failed (attempt %d)", attempt + 1)
                await asyncio.sleep(self._delay * (attempt + 1))

    async def wait_idle(self) -> None:
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    def verify_notification(self, channel: PaymentChannel, body: bytes, headers: dict[str, str]) -> PaymentNotice:
        try:
            signing.verify(self._secrets[channel], body, headers)
        except InvalidCallback as exc:
            raise InvalidPaymentNotification(str(exc)) from None
        return parse_notification(channel, body)


def parse_notification(channel: PaymentChannel, body: bytes) -> PaymentNotice:
    try:
        d = json.loads(body)
        # SUCCESS: paid; PAYERROR: the payer's payment failed (WeChat Pay's trade_state for it).
        if d["channel"] != channel.value or d["trade_state"] not in ("SUCCESS", "PAYERROR"):
            raise InvalidPaymentNotification("not a payment notification of this channel")
        paid_at = datetime.fromisoformat(d["paid_at"])
        if paid_at.tzinfo is None:
            raise InvalidPaymentNotification("paid_at without offset")
        return PaymentNotice(channel=channel, notify_id=str(d["notify_id"])[:64], payment_id=UUID(d["out_trade_no"]),
                             trade_no=str(d["trade_no"])[:64], amount_fen=int(d["amount_fen"]), paid_at=paid_at,
                             succeeded=d["trade_state"] == "SUCCESS")
    except (ValueError, KeyError, TypeError):
        raise InvalidPaymentNotification("malformed notification") from None
