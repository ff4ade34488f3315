"""Engines and session factories for SQLite (embedded default) and PostgreSQL.

Two engines per database: the writer (every unit of work that may commit) and the reader, used by the request's
shared read unit of work (adapters/persistence/uow.py). On PostgreSQL the reader is the writer's pool in
AUTOCOMMIT: a pure read sends no BEGIN and no ROLLBACK. On SQLite the reader is a pool of its own whose
connections are `query_only`, beside the writer: WAL lets them read while the writer commits.
"""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine

# A server restarted, a proxy that drops idle connections: a connection older than this is replaced on checkout
# instead of being pinged on every checkout (the pre-ping was one round trip per unit of work). A connection that
# dies anyway fails its statement once; SQLAlchemy then invalidates it and every older one in the pool.
POOL_RECYCLE_SECONDS = 1800


def _sqlite_pragmas(engine: AsyncEngine, *, query_only: bool) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _pragmas(dbapi_conn, _record) -> None:  # pragma: no cover - exercised by every sqlite test
        cur = dbapi_conn.cursor()
        # WAL lets readers proceed while one writer commits; foreign keys are off by default in SQLite.
        cur.execute("PRAGMA journal_mode=WAL")
        # In WAL mode NORMAL is durable against a crash of the process (not of the OS): no fsync per commit.
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        if query_only:
            cur.execute("PRAGMA query_only=ON")
        cur.close()


def make_engine(url: str, *, echo: bool = False) -> AsyncEngine:
    if url.startswith("sqlite"):
        engine = create_async_engine(url, echo=echo, connect_args={"timeout": 30})
        _sqlite_pragmas(engine, query_only=False)
        return engine
    return create_async_engine(url, echo=echo, pool_size=10, max_overflow=20, pool_recycle=POOL_RECYCLE_SECONDS)


def make_read_engine(url: str, writer: AsyncEngine, *, echo: bool = False) -> AsyncEngine:
    """The engine of the request's shared read unit of work (see the module's docstring)."""
    if url.startswith("sqlite"):
        if ":memory:" in url or url.rstrip("/").endswith("sqlite+aiosqlite:"):
            return writer  # an in-memory database exists once per connection: nothing to read beside it
        engine = create_async_engine(url, echo=echo, connect_args={"timeout": 30}, pool_size=4, max_overflow=4)
        _sqlite_pragmas(engine, query_only=True)

        @event.listens_for(writer.sync_engine, "engine_disposed")
        def _dispose_reader(_engine) -> None:
            # Runs inside AsyncEngine.dispose()'s greenlet: the reader's connections close with the writer's.
            engine.sync_engine.dispose()

        return engine
    return writer.execution_options(isolation_level="AUTOCOMMIT")


def make_session_factory(engine: AsyncEngine, *, reads_only: bool = False) -> async_sessionmaker:
    # Domain objects are read after the transaction closes (to build the response): no expiry on commit.
    # A read session never flushes: on PostgreSQL it is in AUTOCOMMIT, where a flush would be a committed write.
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=not reads_only)
