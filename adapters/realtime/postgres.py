"""The change feed across workers over PostgreSQL LISTEN/NOTIFY (when the database is PostgreSQL).

Each worker keeps one asyncpg connection of its own that LISTENs on one channel; a change is NOTIFYed with a
JSON payload {"tId", "status"} and every worker hands it to its local subscribers of that tId."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging

import asyncpg

from adapters.realtime.inprocess import InProcessScanSessionFeed
from adapters.realtime.relay import RelayedFeed
from application.scans.feed import ScanSessionChange

log = logging.getLogger(__name__)

CHANNEL = "scan_session_changed"


def asyncpg_dsn(sqlalchemy_url: str) -> str:
    """postgresql+asyncpg://… (SQLAlchemy) → postgresql://… (libpq/asyncpg)."""
    scheme, sep, rest = sqlalchemy_url.partition("://")
    if not sep or not scheme.startswith(("postgresql", "postgres")):
        raise ValueError("not a PostgreSQL URL")
    return f"postgresql://{rest}"


def encode(change: ScanSessionChange) -> str:
    return json.dumps({"tId": change.t_id, "status": change.status}, separators=(",", ":"))


def decode(payload: str) -> ScanSessionChange | None:
    try:
        data = json.loads(payload)
        return ScanSessionChange(t_id=str(data["tId"]), status=str(data["status"]))
    except (ValueError, KeyError, TypeError):
        return None


class PostgresScanSessionFeed(RelayedFeed):
    def __init__(self, database_url: str, *, channel: str = CHANNEL, reconnect_seconds: float = 1.0) -> None:
        self._dsn = asyncpg_dsn(database_url)
        self._channel = channel
        self._reconnect_seconds = reconnect_seconds
        self._local = InProcessScanSessionFeed()
        self._conn: asyncpg.Connection | None = None
        self._lock = asyncio.Lock()  # one query at a time on the connection (NOTIFY, LISTEN)
        self._started = False
        self._closed = False
        self._reconnecting: asyncio.Task | None = None

    async def start(self) -> None:
        """Opens the LISTEN connection; subscribers hear changes from every worker from then on."""
        async with self._lock:
            if self._conn is None and not self._closed:
                await self._connect()
            self._started = True

    async def _connect(self) -> None:
        conn = await asyncpg.connect(self._dsn)
        await conn.add_listener(self._channel, self._on_notify)
        conn.add_termination_listener(self._on_lost)
        self._conn = conn

    def _on_notify(self, _conn, _pid, _channel, payload: str) -> None:
        change = decode(payload)
        if change is None:
            log.warning("ignored a malformed %s payload", self._channel)
            return
        self._local.deliver(change)

    def _on_lost(self, _conn) -> None:
        self._conn = None
        if not self._closed and self._reconnecting is None:
            log.warning("scan feed lost its LISTEN connection; reconnecting")
            self._reconnecting = asyncio.get_running_loop().create_task(self._reconnect())

    async def _reconnect(self) -> None:
        delay = self._reconnect_seconds
        try:
            while not self._closed:
                try:
                    async with self._lock:
                        if self._conn is None:
                            await self._connect()
                    return
                except (OSError, asyncpg.PostgresError) as exc:
                    log.warning("scan feed reconnect failed (%s); retrying in %.0f s", exc, delay)
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, 30.0)
        finally:
            self._reconnecting = None

    async def publish(self, change: ScanSessionChange) -> None:
        if not self._started:
            await self.start()
        async with self._lock:
            if self._conn is None:  # away: connect for this one NOTIFY (the listener reconnects by itself)
                conn = await asyncpg.connect(self._dsn)
                try:
                    await conn.execute("SELECT pg_notify($1, $2)", self._channel, encode(change))
                finally:
                    await conn.close()
                return
            await self._conn.execute("SELECT pg_notify($1, $2)", self._channel, encode(change))

    def _listening(self) -> bool:
        return self._started

    async def close(self) -> None:
        self._closed = True
        if self._reconnecting is not None:
            self._reconnecting.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reconnecting
        async with self._lock:
            conn, self._conn = self._conn, None
            if conn is not None:
                conn.remove_termination_listener(self._on_lost)
                with contextlib.suppress(Exception):
                    await conn.close(timeout=5)
