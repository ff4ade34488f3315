"""Delivers outbox messages through the ports, with retries and exponential backoff for 24 hours."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Collection
from contextlib import AbstractContextManager
from datetime import datetime, timedelta
from typing import Any, Protocol
from uuid import UUID

from application.ports import BlobStore, Clock, OutboxMessage, SmsSender, UnitOfWork, UnitOfWorkFactory

log = logging.getLogger(__name__)

Handler = Callable[[dict[str, Any]], Awaitable[dict[str, Any] | None]]
"""Delivers one payload; returns what to keep of it afterwards (secrets removed), or None to keep it."""
GiveUpHook = Callable[[UnitOfWork, dict[str, Any], str, datetime], Awaitable[None]]
"""Runs in the transaction that gives a message up (payload, last error, now): what waited for it learns it will
not happen (an invoice waiting to be issued becomes FAILED)."""

GIVE_UP_AFTER = timedelta(hours=24)
LEASE = timedelta(seconds=60)
"""How long a claimed message is the claiming worker's alone (its next_attempt_at is pushed to now + LEASE): longer
than any delivery can take (the HTTP client gives up after 10 s), so two workers never deliver one message at once;
a worker that dies mid-delivery leaves it to another after the lease."""


class DeliveryObserver(Protocol):
    """Watches deliveries (adapters/observability/outbox.py: the writing request's id in the logs, a span, metrics)."""

    def delivering(self, message: OutboxMessage) -> AbstractContextManager[object]: ...

    def finished(self, message: OutboxMessage, outcome: str, seconds: float) -> None:
        """outcome: delivered, failed (will retry) or given_up."""


class _Unobserved:
    def delivering(self, message: OutboxMessage) -> AbstractContextManager[object]:
        return contextlib.nullcontext()

    def finished(self, message: OutboxMessage, outcome: str, seconds: float) -> None:
        return None


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(5 * 2 ** max(attempts - 1, 0), 3600))


def sms_handler(sender: SmsSender) -> Handler:
    async def deliver(payload: dict[str, Any]) -> dict[str, Any]:
        await sender.send(payload["phone"], payload["text"], purpose=payload.get("purpose"), code=payload.get("code"))
        # The code has done its job once handed to the carrier; it does not stay in our database.
        kept = {k: v for k, v in payload.items() if k not in ("code", "text")}
        kept["text"] = "[redacted]" if payload.get("code") else payload["text"]
        return kept
    return deliver


BLOB_DELETE_TOPIC = "blob.delete"


def blob_delete_handler(blobs: BlobStore) -> Handler:
    """Deleting personal files after the transaction that let go of them commits: never before, never lost."""
    async def delete(payload: dict[str, Any]) -> None:
        await blobs.delete(payload["blobId"])
        return None
    return delete


def payment_refund_handler(refund: Callable[[UUID], Awaitable[str]]) -> Handler:
    """Returns a REFUND_PENDING payment's money through its gateway (PAYMENT_REFUND_TOPIC of
    application/commerce/refund_payment.py); unreachable or still processing raises, so it is asked again."""
    async def deliver(payload: dict[str, Any]) -> dict[str, Any]:
        return {**payload, "outcome": await refund(UUID(payload["paymentId"]))}
    return deliver


def invoice_issue_handler(issue: Callable[[UUID], Awaitable[object]]) -> Handler:
    """Has the tax platform issue a requested invoice (INVOICE_ISSUE_TOPIC of application/commerce/invoices.py);
    a failure raises, so the message is retried with backoff."""
    async def deliver(payload: dict[str, Any]) -> None:
        await issue(UUID(payload["invoiceId"]))
        return None
    return deliver


def _subject(message: OutboxMessage) -> str:
    payload = message.payload if isinstance(message.payload, dict) else {}
    key = payload.get("tId") or payload.get("invoiceId") or payload.get("phone") or str(message.id)
    return f"{message.topic}:{key}"


class OutboxDispatcher:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, handlers: dict[str, Handler],
                 on_give_up: dict[str, GiveUpHook] | None = None, observer: DeliveryObserver | None = None,
                 lease: timedelta = LEASE, concurrency: int = 8) -> None:
        self._uow, self._clock, self._handlers = uow, clock, handlers
        self._on_give_up = dict(on_give_up or {})
        self.observer: DeliveryObserver = observer or _Unobserved()
        self._lease = lease
        self._concurrency = concurrency

    async def dispatch_due(self, limit: int = 50, topics: Collection[str] | None = None) -> int:
        """One pass: claim what is due (of `topics`, or all), deliver it, record the outcome. Returns how many
        were delivered."""
        async with self._uow() as uow:
            now = self._clock.now()
            batch = await uow.outbox.claim_due(now, now + self._lease, limit, topics)
            await uow.commit()
        # Messages of one subject (a scan session's callbacks, in the order written) go one after another; different
        # subjects at once, so one receiver that hangs until the client's timeout does not hold up everyone else.
        lanes: dict[str, list[OutboxMessage]] = {}
        for message in batch:
            lanes.setdefault(_subject(message), []).append(message)
        gate = asyncio.Semaphore(self._concurrency)

        async def run(lane: list[OutboxMessage]) -> int:
            async with gate:
                return sum([await self._deliver(m) for m in lane])

        return sum(await asyncio.gather(*(run(lane) for lane in lanes.values())))

    async def give_up(self, message_id: UUID, reason: str) -> bool:
        """Stops retrying an undelivered message now (an operator's decision), running the topic's give-up hook
        as the 24-hour limit would; False when there is no such undelivered message."""
        async with self._uow() as uow:
            message = await uow.outbox.get(message_id)
            if message is None or message.delivered_at is not None or message.next_attempt_at is None:
                return False
            now = self._clock.now()
            if (hook := self._on_give_up.get(message.topic)) is not None:
                await hook(uow, message.payload, reason, now)
            await uow.outbox.mark_failed(message.id, reason, None)
            await uow.commit()
        return True

    async def _deliver(self, message: OutboxMessage) -> int:
        with self.observer.delivering(message):
            start = time.perf_counter()
            outcome = await self._attempt(message)
            self.observer.finished(message, outcome, time.perf_counter() - start)
        return 1 if outcome == "delivered" else 0

    async def _attempt(self, message: OutboxMessage) -> str:
        handler = self._handlers.get(message.topic)
        error: str | None = None
        kept: dict[str, Any] | None = None
        if handler is None:
            error = f"no handler for {message.topic}"
        else:
            try:
                kept = await handler(message.payload)
            except Exception as exc:  # a failed delivery is data, not a crash of the worker
                error = f"{type(exc).__name__}: {exc}"[:500]
        outcome = "delivered" if error is None else "failed"
        async with self._uow() as uow:
            now = self._clock.now()
            if error is None:
                await uow.outbox.mark_delivered(message.id, now, kept)
            else:
                attempts = message.attempts + 1
                retry_at = now + backoff(attempts)
                if retry_at - message.created_at > GIVE_UP_AFTER:
                    retry_at = None
                    outcome = "given_up"
                    log.error("outbox message %s (%s) given up: %s", message.id, message.topic, error)
                    if (hook := self._on_give_up.get(message.topic)) is not None:
                        await hook(uow, message.payload, error, now)
                else:
                    log.warning("outbox message %s (%s) failed, retry at %s: %s", message.id, message.topic,
                                retry_at, error)
                await uow.outbox.mark_failed(message.id, error, retry_at)
            await uow.commit()
        return outcome


