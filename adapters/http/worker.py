"""The outbox worker: runs beside the server, wakes on new messages or every few seconds."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from adapters.persistence.uow import OutboxSignal
from application.outbox import OutboxDispatcher

log = logging.getLogger(__name__)


async def run_outbox_worker(dispatcher: OutboxDispatcher, signal: OutboxSignal, poll_seconds: float) -> None:
    event = signal.event
    while True:
        try:
            await dispatcher.dispatch_due()
        except asyncio.CancelledError:
            raise
        except Exception:  # the database may be briefly away; try again on the next tick
            log.exception("outbox pass failed")
        event.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), timeout=poll_seconds)


async def run_order_closer(close_expired, poll_seconds: float = 30.0) -> None:
    """Closes orders left unpaid past their deadline (the read side already shows them CLOSED)."""
    while True:
        try:
            while await close_expired() > 0:
                pass
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("closing expired orders failed")
        await asyncio.sleep(poll_seconds)


async def run_scan_expirer(expire, poll_seconds: float = 5.0) -> None:
    """Records the lapse of scan sessions past their deadline and tells their platforms EXPIRED."""
    while True:
        try:
            while await expire() > 0:
                pass
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("expiring scan sessions failed")
        await asyncio.sleep(poll_seconds)
