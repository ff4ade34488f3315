"""The sandbox payment gateway, playing WeChat Pay and Alipay: it registers payments, shows a pay URL, and
when the wallet pays (sandbox.completePayment) it sends an asynchronous notification signed with HMAC-SM3
under the channel's merchant key, to the same handler as POST /payments/notify/{channel}."""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
from collections.abc import Awaitable, Callable
from datetime import datetime
from uuid import UUID

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import async_sessionmaker

from adapters.persistence import tables_commerce as t
from adapters.vendors import signing
from application.commerce.ports import InvalidPaymentNotification, PaymentNotice, PaymentRequest, RefundResult
from application.ports import Clock, ExternalServiceUnavailable, InvalidCallback
from domain.commerce.payment import PaymentChannel

log = logging.getLogger(__name__)

NotificationSink = Callable[[PaymentChannel, bytes, dict[str, str]], Awaitable[object]]


class UnknownSandboxPayment(Exception):
    pass


class SandboxPaymentGateway:
    def __init__(self, session_factory: async_sessionmaker, clock: Clock, keys: Callable[[str], bytes],
                 public_url: str, notify_delay_seconds: float = 0.05) -> None:
        self._sf, self._clock = session_factory, clock
        self._secrets = {c: keys(f"sandbox-payment-{c.value.lower()}") for c in PaymentChannel}
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
        return f"{self._public_url}/sandbox/pay/{request.channel.value.lower()}/{trade_no}"

    async def complete(self, payment_id: UUID) -> bool:
        """The payer confirms in the wallet; the notification follows asynchronously."""
        now = self._clock.now()
        c = t.sandbox_payments.c
        async with self._sf() as s, s.begin():
            row = (await s.execute(select(t.sandbox_payments).where(c.payment_id == payment_id))).first()
            if row is None:
                return False
            if row.status == "NOTPAY":
                await s.execute(update(t.sandbox_payments).where(c.trade_no == row.trade_no)
                                .values(status="SUCCESS", paid_at=now))
                paid_at = now
            else:
                paid_at = row.paid_at
        channel = PaymentChannel(row.channel)
        body = self.notification_body(channel, row.trade_no, payment_id, row.amount_fen, paid_at)
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
                          paid_at: datetime) -> bytes:
        return json.dumps({"notify_id": secrets.token_hex(16), "channel": channel.value, "trade_no": trade_no,
                           "out_trade_no": str(payment_id), "amount_fen": amount_fen,
                           "paid_at": paid_at.isoformat(), "trade_state": "SUCCESS"}).encode()

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
        if d["channel"] != channel.value or d["trade_state"] != "SUCCESS":
            raise InvalidPaymentNotification("not a success notification of this channel")
        paid_at = datetime.fromisoformat(d["paid_at"])
        if paid_at.tzinfo is None:
            raise InvalidPaymentNotification("paid_at without offset")
        return PaymentNotice(channel=channel, notify_id=str(d["notify_id"])[:64], payment_id=UUID(d["out_trade_no"]),
                             trade_no=str(d["trade_no"])[:64], amount_fen=int(d["amount_fen"]), paid_at=paid_at)
    except (ValueError, KeyError, TypeError):
        raise InvalidPaymentNotification("malformed notification") from None
