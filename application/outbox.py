"""Delivers outbox messages through the ports, with retries and exponential backoff for 24 hours."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any
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


class OutboxDispatcher:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, handlers: dict[str, Handler],
                 on_give_up: dict[str, GiveUpHook] | None = None) -> None:
        self._uow, self._clock, self._handlers = uow, clock, handlers
        self._on_give_up = dict(on_give_up or {})

    async def dispatch_due(self, limit: int = 50) -> int:
        """One pass: claim what is due, deliver it, record the outcome. Returns how many were delivered."""
        async with self._uow() as uow:
            now = self._clock.now()
            batch = await uow.outbox.claim_due(now, now + LEASE, limit)
            await uow.commit()
        delivered = 0
        for message in batch:
            delivered += await self._deliver(message)
        return delivered

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
        async with self._uow() as uow:
            now = self._clock.now()
            if error is None:
                await uow.outbox.mark_delivered(message.id, now, kept)
            else:
                attempts = message.attempts + 1
                retry_at = now + backoff(attempts)
                if retry_at - message.created_at > GIVE_UP_AFTER:
                    retry_at = None
                    log.error("outbox message %s (%s) given up: %s", message.id, message.topic, error)
                    if (hook := self._on_give_up.get(message.topic)) is not None:
                        await hook(uow, message.payload, error, now)
                else:
                    log.warning("outbox message %s (%s) failed, retry at %s: %s", message.id, message.topic,
                                retry_at, error)
                await uow.outbox.mark_failed(message.id, error, retry_at)
            await uow.commit()
        return 1 if error is None else 0


