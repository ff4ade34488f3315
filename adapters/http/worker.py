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


async def run_periodically(job, what: str, poll_seconds: float) -> None:
    """Runs a sweeping job until it finds nothing more, then sleeps; a failure is logged and the loop goes on.
    The job answers how many rows it handled (one batch)."""
    while True:
        try:
            while await job() > 0:
                pass
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("%s failed", what)
        await asyncio.sleep(poll_seconds)
