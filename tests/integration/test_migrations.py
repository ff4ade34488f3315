"""Migrations build the schema from empty, and the tables the code maps match them exactly."""

from __future__ import annotations

import asyncio

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from adapters.persistence.schema import metadata


async def test_upgrade_from_empty_matches_metadata(container, migrated_database):
    async with container.engine().connect() as conn:
        def diff(sync_conn):
            ctx = MigrationContext.configure(sync_conn, opts={"compare_type": True})
            return compare_metadata(ctx, metadata)

        def tables(sync_conn):
            return set(inspect(sync_conn).get_table_names())

        assert await conn.run_sync(diff) == []
        assert {t.name for t in metadata.sorted_tables} <= await conn.run_sync(tables)


async def test_upgrade_is_idempotent(migrated_database):
    from adapters.persistence.migrate import upgrade

    await asyncio.to_thread(upgrade, migrated_database)  # already at head: nothing to do, no error
