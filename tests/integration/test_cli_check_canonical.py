"""`sxq check canonical`: the operator's rerun of migration 0012's check, decrypting the encrypted numbers with the
master key. Exit 0 when clean, 1 with one line per row (table, column, row id) when not; values never printed."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from datetime import UTC, datetime
from uuid import uuid4

import pytest

from adapters.persistence.tables import accounts, identities
from adapters.security.crypto import Sm4GcmCipher
from adapters.security.keys import KeyRing

# A subprocess on its own SQLite file, whatever the configured database: the PostgreSQL run skips it.
pytestmark = pytest.mark.own_database

MASTER_KEY = "11" * 32
ID = "11010519491231002X"
SNEAKY_ID = ID[:4] + "０５１９４９１２３１" + ID[14:]  # the masked form would look canonical


def _sxq(tmp_path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "SXQ_DATA_DIR": str(tmp_path / "data"), "SXQ_LOG_LEVEL": "WARNING",
           "SXQ_MASTER_KEY": MASTER_KEY}
    for name in ("SXQ_DATABASE_URL", "SXQ_MODE"):
        env.pop(name, None)
    return subprocess.run([sys.executable, "-m", "adapters.cli.main", *args], env=env, capture_output=True,
                          text=True, timeout=120)


def _seed(tmp_path, rows: list[tuple]) -> None:
    from sqlalchemy.ext.asyncio import create_async_engine

    cipher = Sm4GcmCipher.from_keyring(KeyRing(bytes.fromhex(MASTER_KEY)))
    now = datetime(2026, 12, 1, tzinfo=UTC)

    async def run() -> None:
        engine = create_async_engine(f"sqlite+aiosqlite:///{tmp_path / 'data' / 'shuxinqian.db'}")
        try:
            async with engine.begin() as conn:
                for account_id, phone, number in rows:
                    await conn.execute(accounts.insert().values(
                        id=account_id, phone=phone, password_hash="x", status="ACTIVE", failed_password_attempts=0,
                        created_at=now, version=1))
                    await conn.execute(identities.insert().values(
                        account_id=account_id, status="VERIFIED", document_type="ID_CARD", legal_name="张三",
                        number_ciphertext=cipher.encrypt(number.encode(), b"identity:" + account_id.bytes),
                        number_index="i-" + account_id.hex, number_masked="1101**********002X", version=1))
        finally:
            await engine.dispose()

    asyncio.run(run())


def test_check_canonical_lists_rows_by_id_and_exits_1(tmp_path):
    assert _sxq(tmp_path, "migrate").returncode == 0
    assert (tmp_path / "data" / "shuxinqian.db").exists()
    clean = _sxq(tmp_path, "check", "canonical")
    assert clean.returncode == 0, clean.stderr
    assert clean.stdout == "" and "0 non-canonical" in clean.stderr

    good, bad = uuid4(), uuid4()
    _seed(tmp_path, [(good, "13800138000", ID), (bad, "13900139000", SNEAKY_ID)])
    found = _sxq(tmp_path, "check", "canonical")
    assert found.returncode == 1, found.stderr
    assert found.stdout.splitlines() == [f"non-canonical\tidentities\tnumber_ciphertext\t{bad}"]
    assert "1 non-canonical" in found.stderr
    for value in (SNEAKY_ID, "０５１９", ID, "13900139000", "张三"):
        assert value not in found.stdout + found.stderr

    # Without decrypting, the encrypted numbers are not read (their masks are canonical): nothing to report.
    blind = _sxq(tmp_path, "check", "canonical", "--without-decrypting")
    assert blind.returncode == 0 and blind.stdout == ""
