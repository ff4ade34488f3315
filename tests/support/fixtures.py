"""Fixtures for tests that use the real adapters: a migrated database (SQLite by default, PostgreSQL when
SXQ_TEST_DATABASE_URL is set), the real container with a movable clock, and the ASGI app over httpx."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> Iterator[str]:
    url = os.environ.get("SXQ_TEST_DATABASE_URL")
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if url and worker:
        # Parallel workers each wipe tables between tests: each gets a database of its own beside the given one.
        yield from _worker_database(url, worker)
    elif url:
        yield url
    else:
        yield f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


def _worker_database(url: str, worker: str) -> Iterator[str]:
    import asyncio

    import asyncpg
    from sqlalchemy.engine import make_url

    base = make_url(url)
    name = f"{base.database}_{worker}"
    dsn = base.set(drivername="postgresql").render_as_string(hide_password=False)

    async def admin(sql: str) -> None:
        conn = await asyncpg.connect(dsn)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def migrated_database(database_url: str) -> str:
    from adapters.persistence.migrate import upgrade

    upgrade(database_url)
    return database_url


@pytest.fixture(scope="session")
def settings(migrated_database: str, tmp_path_factory):
    from adapters.bootstrap.settings import Settings

    return Settings(mode="sandbox", data_dir=Path(tmp_path_factory.mktemp("data")),
                    database_url=migrated_database, password_scrypt_n=2**10,
                    master_key="00" * 32)


@pytest.fixture(scope="session")
def clock():
    from adapters.clock import MovableClock

    return MovableClock()


@pytest.fixture(scope="session")
async def container(settings, clock):
    from adapters.bootstrap.container import build_container

    c = build_container(settings, clock=clock)
    yield c
    await c.face_verifier().wait_idle()
    await c.engine().dispose()


@pytest.fixture(autouse=True)
async def clean_state(request, clock):
    """Every test starts from empty tables, real time and a registry that knows nobody."""
    yield
    # Always: a test that moved the session's clock without the container (a unit test with the real clock) must
    # not leave the next test years ahead (a certificate's UTCTime then fails past 2049).
    clock.offset = clock.offset.__class__(0)
    if "container" not in request.fixturenames:
        return
    from sqlalchemy import text

    from adapters.persistence.schema import metadata

    c = request.getfixturevalue("container")
    await c.face_verifier().wait_idle()
    c.identity_verifier().reset()
    c.enterprise_verifier().reset()
    # The CA's tables are wiped below; its keys in memory (made at whatever time a test had moved the
    # clock to) must go with them, or a later test's certificates start before their issuer's.
    c.certificate_authority().forget_loaded_keys()
    c.face_verifier().outage(False)
    c.sms_gateway().fail_next(0)
    async with c.engine().begin() as conn:
        for table in reversed(metadata.sorted_tables):
            await conn.execute(text(f"DELETE FROM {table.name}"))
    import shutil

    shutil.rmtree(request.getfixturevalue("settings").data_dir / "blobs", ignore_errors=True)


@pytest.fixture(scope="session")
def app(container, settings):
    from adapters.http.app import create_app

    return create_app(settings, container, run_worker=False)


@pytest.fixture
async def client(app):
    import httpx

    transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 5000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


@pytest.fixture
def gql(client):
    from tests.support.graphql import GraphQLClient

    return GraphQLClient(client)
