"""Which change feed a deployment uses: Redis when SXQ_REDIS_URL is set, else PostgreSQL LISTEN/NOTIFY when the
database is PostgreSQL, else in-process (SQLite runs one worker)."""

from __future__ import annotations

from application.scans.feed import ScanSessionFeed


def make_scan_feed(database_url: str, redis_url: str | None) -> ScanSessionFeed:
    if redis_url:
        from adapters.realtime.redis_pubsub import RedisScanSessionFeed

        return RedisScanSessionFeed(redis_url)
    if database_url.startswith(("postgresql", "postgres")):
        from adapters.realtime.postgres import PostgresScanSessionFeed

        return PostgresScanSessionFeed(database_url)
    from adapters.realtime.inprocess import InProcessScanSessionFeed

    return InProcessScanSessionFeed()
