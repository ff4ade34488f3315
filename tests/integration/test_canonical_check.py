"""The check for stored non-canonical identifiers and names (adapters/persistence/canonical_check.py), on SQLite and
PostgreSQL: migration 0012 runs it while upgrading, `sxq check canonical` reruns it (tests/integration/
test_cli_check_canonical.py). It names table, column and row id, never the value, and changes nothing."""

from __future__ import annotations

import asyncio
import logging
import os
from datetime import UTC, datetime
from uuid import uuid4

import pytest
import sqlalchemy as sa

from adapters.persistence.canonical_check import CURRENT_COLUMNS, log_report, scan
from adapters.persistence.tables import accounts, identities
from adapters.persistence.tables_enterprises import enterprises

ID = "11010519491231002X"
FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")
NOW = datetime(2026, 12, 1, tzinfo=UTC)


def _account(account_id, phone: str) -> dict:
    return dict(id=account_id, phone=phone, password_hash="x", status="ACTIVE", failed_password_attempts=0,
                created_at=NOW, version=1)


async def _seed(conn, cipher) -> dict:
    ids = {k: uuid4() for k in ("good", "phone", "id_number", "deleted", "enterprise")}
    await conn.execute(accounts.insert(), [
        _account(ids["good"], "13800138000"),
        _account(ids["phone"], "１３９００１３９０００"),  # the full-width spelling the old `\d` let through
        _account(ids["id_number"], "13700137000"),
        _account(ids["deleted"], f"deleted:{ids['deleted']}"),
        _account(ids["enterprise"], "13600136000"),
    ])
    # Only the middle is full-width: the masked column looks canonical, only decrypting finds it.
    sneaky = ID[:4] + ID[4:14].translate(FULL_WIDTH) + ID[14:]

    def identity(account_id, number: str, name: str) -> dict:
        return dict(account_id=account_id, status="VERIFIED", document_type="ID_CARD", legal_name=name,
                    number_ciphertext=cipher.encrypt(number.encode(), b"identity:" + account_id.bytes),
                    number_index="i-" + account_id.hex, number_masked=ID[:4] + "*" * 10 + ID[-4:], version=1)

    await conn.execute(identities.insert(), [identity(ids["good"], ID, "张三"),
                                             identity(ids["id_number"], sneaky, "李四")])
    enterprise_id = uuid4()
    ids["enterprise_row"] = enterprise_id
    await conn.execute(enterprises.insert(), [dict(
        id=enterprise_id, name="北京数信(海淀)有限公司", credit_code="91110108MA01ABCD1E", legal_rep_name="张\u200b三",
        legal_rep_id_ciphertext=cipher.encrypt(ID.encode(), b"enterprise:" + enterprise_id.bytes),
        legal_rep_id_index="e-1", legal_rep_id_masked="1101**********002X", licence_blob_id="b",
        licence_content_type="image/png", created_by=ids["enterprise"], created_at=NOW, status="DRAFT", version=1)])
    return ids


async def test_the_check_names_rows_never_values(container, caplog):
    cipher = container.cipher()
    async with container.engine().begin() as conn:
        ids = await _seed(conn, cipher)
    async with container.engine().connect() as conn:
        report = await conn.run_sync(lambda c: scan(c, CURRENT_COLUMNS, cipher.decrypt))
        blind = await conn.run_sync(lambda c: scan(c, CURRENT_COLUMNS))
        count = (await conn.execute(sa.select(sa.func.count()).select_from(accounts))).scalar_one()
    expected = {("accounts", "phone", str(ids["phone"])),
                ("identities", "number_ciphertext", str(ids["id_number"])),
                ("enterprises", "name", str(ids["enterprise_row"])),
                ("enterprises", "legal_rep_name", str(ids["enterprise_row"]))}
    assert {(f.table, f.column, f.row_id) for f in report.findings} == expected
    assert report.checked["accounts.phone"] == 5 and report.checked["identities.number_ciphertext"] == 2
    assert not report.unreadable and not report.skipped
    # Without the key the encrypted columns are skipped (and said to be), the rest found all the same.
    assert {(f.table, f.column, f.row_id) for f in blind.findings} == expected - {
        ("identities", "number_ciphertext", str(ids["id_number"]))}
    assert "identities.number_ciphertext" in blind.skipped
    assert count == 5  # nothing changed

    with caplog.at_level(logging.INFO, logger="sxq.canonical"):
        log_report(report)
    text = caplog.text
    assert f"table=accounts column=phone row={ids['phone']}" in text
    assert f"table=identities column=number_ciphertext row={ids['id_number']}" in text
    assert "non-canonical values in accounts.phone: 1" in text
    for value in ("１３９", "13900139000", "０５１９", "北京数信", "张", "13800138000"):
        assert value not in text


async def test_a_ciphertext_under_the_wrong_row_is_reported_as_unreadable(container):
    cipher = container.cipher()
    account_id, other = uuid4(), uuid4()
    async with container.engine().begin() as conn:
        await conn.execute(accounts.insert(), [_account(account_id, "13800138000")])
        await conn.execute(identities.insert(), [dict(
            account_id=account_id, status="VERIFIED", document_type="ID_CARD", legal_name="张三",
            number_ciphertext=cipher.encrypt(ID.encode(), b"identity:" + other.bytes), number_index="i",
            number_masked="1101**********002X", version=1)])
    async with container.engine().connect() as conn:
        report = await conn.run_sync(lambda c: scan(c, CURRENT_COLUMNS, cipher.decrypt))
    assert [(f.table, f.row_id) for f in report.unreadable] == [("identities", str(account_id))]
    assert not report.findings and not report.clean


def _scratch_database(tmp_path):
    """A database of this test's own (it migrates step by step): a SQLite file, or a PostgreSQL database made
    beside the configured one."""
    url = os.environ.get("SXQ_TEST_DATABASE_URL")
    if not url:
        return f"sqlite+aiosqlite:///{tmp_path / 'canonical.db'}", None
    import asyncpg
    from sqlalchemy.engine import make_url

    base = make_url(url)
    name = f"{base.database}_canonical_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"
    dsn = base.set(drivername="postgresql").render_as_string(hide_password=False)

    async def admin(sql: str) -> None:
        conn = await asyncpg.connect(dsn)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    return base.set(database=name).render_as_string(hide_password=False), \
        lambda: asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def scratch_database(tmp_path):
    url, drop = _scratch_database(tmp_path)
    yield url
    if drop:
        drop()


def test_migration_0012_reports_what_it_finds_and_changes_nothing(scratch_database, caplog):
    from alembic.script import ScriptDirectory
    from sqlalchemy.ext.asyncio import create_async_engine

    from adapters.persistence.migrate import alembic_config, upgrade

    before = ScriptDirectory.from_config(alembic_config(scratch_database)).get_revision("0012").down_revision
    upgrade(scratch_database, before)
    bad, good = uuid4(), uuid4()

    async def seed_and_read(rows: list[dict] | None):
        engine = create_async_engine(scratch_database)
        try:
            async with engine.begin() as conn:
                if rows:
                    await conn.execute(accounts.insert(), rows)
                return (await conn.execute(sa.select(accounts.c.id, accounts.c.phone))).all()
        finally:
            await engine.dispose()

    asyncio.run(seed_and_read([_account(good, "13800138000"), _account(bad, "1٣800138000")]))
    with caplog.at_level(logging.INFO):
        upgrade(scratch_database, "0012")
    text = caplog.text
    assert f"table=accounts column=phone row={bad}" in text
    assert str(good) not in text
    assert "non-canonical values in accounts.phone: 1" in text
    assert "1٣800138000" not in text and "13800138000" not in text
    assert sorted(asyncio.run(seed_and_read(None)), key=lambda r: r.phone) == sorted(
        [(good, "13800138000"), (bad, "1٣800138000")], key=lambda r: r[1])
