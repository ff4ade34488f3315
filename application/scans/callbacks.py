"""Callbacks to a platform: one outbox message per state change, written in the transaction that made the
change, delivered (signed) by the outbox worker with backoff for 24 h. The eventId is fixed when the message
is written, so a retry is the same event and no two events share an id."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from application.outbox import Handler
from application.ports import UnitOfWork
from application.scans.ports import PlatformCallbackSender
from domain.commerce.catalogue import TradingPlatform
from domain.scans.session import ScanSession, ScanStatus

CALLBACK_TOPIC = "platform.callback"


def event_id(session: ScanSession, status: ScanStatus) -> str:
    """Stable: one session has each status at most once."""
    return f"{session.t_id}-{status.value}"


def callback_body(session: ScanSession, status: ScanStatus, occurred_at: datetime) -> str:
    return json.dumps({"eventId": event_id(session, status), "type": status.value, "tId": session.t_id,
                       "occurredAt": occurred_at.isoformat(),
                       "result": session.result if status is ScanStatus.CONFIRMED else None},
                      ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def enqueue_callback(uow: UnitOfWork, platform: TradingPlatform, session: ScanSession, status: ScanStatus,
                     now: datetime) -> None:
    # The body is fixed now: every retry sends the same bytes under the same eventId.
    uow.outbox.put(CALLBACK_TOPIC, {"platformId": str(platform.id), "url": platform.callback_url,
                                    "eventId": event_id(session, status), "tId": session.t_id,
                                    "type": status.value, "body": callback_body(session, status, now)})


def platform_callback_handler(sender: PlatformCallbackSender) -> Handler:
    async def deliver(payload: dict[str, Any]) -> None:
        await sender.send(payload["url"], payload["eventId"], payload["body"].encode())
        return None
    return deliver
