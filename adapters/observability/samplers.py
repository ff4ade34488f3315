"""What the worker process reads from the database every few seconds for the gauges (outbox backlog and oldest
age per topic, scan sessions by status) and its heartbeat for /readyz."""

from __future__ import annotations

import os
import socket
from datetime import datetime, timedelta

from sqlalchemy import func, select, update

from adapters.observability import metrics
from adapters.persistence import tables as t
from adapters.persistence.tables_scans import scan_sessions

WORKER_NAME = f"{socket.gethostname()}:{os.getpid()}"[:128]

_seen_topics: set[str] = set()
_seen_statuses: set[str] = set()


async def sample(session_factory, now: datetime) -> None:
    c = t.outbox_messages.c
    async with session_factory() as s:
        pending = (await s.execute(
            select(c.topic, func.count(), func.min(c.created_at))
            .where(c.delivered_at.is_(None), c.next_attempt_at.is_not(None)).group_by(c.topic))).all()
        given_up = (await s.execute(
            select(c.topic, func.count())
            .where(c.delivered_at.is_(None), c.next_attempt_at.is_(None)).group_by(c.topic))).all()
        statuses = (await s.execute(
            select(scan_sessions.c.status, func.count()).group_by(scan_sessions.c.status))).all()
    backlog = {topic: (count, oldest) for topic, count, oldest in pending}
    for topic in _seen_topics | set(backlog):
        count, oldest = backlog.get(topic, (0, None))
        metrics.OUTBOX_BACKLOG.labels(topic).set(count)
        metrics.OUTBOX_OLDEST_AGE.labels(topic).set(0 if oldest is None else (now - _aware(oldest)).total_seconds())
    _seen_topics.update(backlog)
    gave_up = dict(given_up)
    for topic in _seen_topics | set(gave_up):
        metrics.OUTBOX_GIVEN_UP.labels(topic).set(gave_up.get(topic, 0))
    _seen_topics.update(gave_up)
    counts = {getattr(status, "value", str(status)): n for status, n in statuses}
    for status in _seen_statuses | set(counts):
        metrics.SCAN_SESSIONS.labels(status).set(counts.get(status, 0))
    _seen_statuses.update(counts)


def _aware(value: datetime) -> datetime:
    from datetime import UTC

    return value if value.tzinfo else value.replace(tzinfo=UTC)


async def beat(session_factory, now: datetime, worker: str = WORKER_NAME) -> None:
    hb = t.worker_heartbeats
    async with session_factory() as s, s.begin():
        done = await s.execute(update(hb).where(hb.c.worker == worker).values(beat_at=now))
        if done.rowcount == 0:
            await s.execute(hb.insert().values(worker=worker, beat_at=now))
        # Workers that stopped a day ago are forgotten.
        await s.execute(hb.delete().where(hb.c.beat_at < now - timedelta(days=1)))
    metrics.WORKER_HEARTBEAT.set(now.timestamp())


async def newest_beat(session_factory) -> datetime | None:
    async with session_factory() as s:
        newest = (await s.execute(select(func.max(t.worker_heartbeats.c.beat_at)))).scalar()
    return None if newest is None else _aware(newest)
