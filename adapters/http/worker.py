"""The background work: the outbox worker (wakes on new messages or every few seconds), the sweeping jobs (expired
orders and scan sessions, spent signing requests) and the housekeeping (heartbeat, gauges). `make run` runs it
inside the one server process; `sxq worker` runs it alone beside `sxq serve --http-only` processes."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from adapters.persistence.uow import OutboxSignal
from application.outbox import OutboxDispatcher

log = logging.getLogger(__name__)

HOUSEKEEPING_SECONDS = 5.0


async def run_outbox_worker(dispatcher: OutboxDispatcher, signal: OutboxSignal, poll_seconds: float,
                            loops: int = 4, batch: int = 10) -> None:
    """`loops` claim-and-deliver loops side by side: a pass waits for its slowest delivery (a platform that hangs
    until the HTTP timeout), and the other loops keep delivering meanwhile. Claims never overlap (the lease)."""

    async def loop() -> None:
        event = signal.event
        while True:
            try:
                delivered = await dispatcher.dispatch_due(limit=batch)
            except asyncio.CancelledError:
                raise
            except Exception:  # the database may be briefly away; try again on the next tick
                log.exception("outbox pass failed")
                delivered = 0
            if delivered:
                continue
            event.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), timeout=poll_seconds)

    await asyncio.gather(*(loop() for _ in range(loops)))


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


def background_tasks(container, settings) -> list[asyncio.Task]:
    from adapters.observability import samplers

    use_cases = container.use_cases()
    session_factory, clock = container.session_factory(), container.clock()

    async def housekeeping() -> int:
        now = clock.now()
        await samplers.beat(session_factory, now)
        await samplers.sample(session_factory, now)
        return 0

    return [
        asyncio.create_task(run_outbox_worker(container.dispatcher(), container.outbox_signal(),
                                              settings.outbox_poll_seconds)),
        # Orders left unpaid past their deadline close (the read side already shows them CLOSED).
        asyncio.create_task(run_periodically(use_cases.commerce.close_expired_orders,
                                             "closing expired orders", 30.0)),
        # Lapsed scan sessions are recorded and their platforms told EXPIRED.
        asyncio.create_task(run_periodically(use_cases.scans.expire_scan_sessions, "expiring scan sessions", 5.0)),
        # Spent and lapsed signing requests go (their evidence lives in the audit log).
        asyncio.create_task(run_periodically(use_cases.prune_signing_requests, "pruning signing requests", 300.0)),
        # Lock rows of keys (phones, IPs, people, transfers) nobody asked about for a day go.
        asyncio.create_task(run_periodically(use_cases.prune_serialisation_locks, "pruning serialisation locks",
                                             3600.0)),
        # The heartbeat /readyz reads, and the outbox and scan-session gauges.
        asyncio.create_task(run_periodically(housekeeping, "worker housekeeping", HOUSEKEEPING_SECONDS)),
    ]


async def stop(tasks: list[asyncio.Task]) -> None:
    for task in reversed(tasks):
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
