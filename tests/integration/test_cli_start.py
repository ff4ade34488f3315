"""What `make run` shows (`sxq migrate`, `sxq serve`): one line for the migrations instead of Alembic's own, a
banner with the mode, the URLs and the sandbox warning, and no deprecation warning from a dependency."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import httpx
import pytest

from adapters.bootstrap.settings import Settings
from adapters.cli.banner import banner

pytestmark = pytest.mark.own_database  # subprocesses on their own SQLite file


def _env(tmp_path, **extra: str) -> dict[str, str]:
    env = {**os.environ, "SXQ_DATA_DIR": str(tmp_path / "data"), "SXQ_PASSWORD_SCRYPT_N": "1024", **extra}
    for name in ("SXQ_DATABASE_URL", "SXQ_MODE", "SXQ_MASTER_KEY", "SXQ_LOG_LEVEL", "PYTHONWARNINGS"):
        if name not in extra:
            env.pop(name, None)
    return env


def _sxq(tmp_path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "adapters.cli.main", *args], env=_env(tmp_path),
                          capture_output=True, text=True, timeout=120)


def test_migrate_says_one_line(tmp_path):
    first = _sxq(tmp_path, "migrate")
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("database: migrated empty → 00") and first.stdout.count("\n") == 1
    assert first.stderr == ""  # no "Running upgrade …" per migration, no "setup plugin …"
    again = _sxq(tmp_path, "migrate")
    assert (again.returncode, again.stdout, again.stderr) == (0, "database: up to date\n", "")


def test_serve_starts_with_the_banner_and_no_dependency_warning(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    out, err = tmp_path / "out.log", tmp_path / "err.log"
    with out.open("w") as stdout, err.open("w") as stderr:
        proc = subprocess.Popen([sys.executable, "-m", "adapters.cli.main", "serve", "--migrate", "--port", str(port)],
                                env=_env(tmp_path), stdout=stdout, stderr=stderr, text=True)
        try:
            for _ in range(300):
                try:
                    if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=0.5).status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.1)
            else:
                pytest.fail(err.read_text())
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    shown = out.read_text()
    base = f"http://127.0.0.1:{port}"
    assert "sandbox mode" in shown
    for url in (f"{base}/graphql", f"{base}/console", f"ws://127.0.0.1:{port}/graphql"):
        assert url in shown
    assert "GraphiQL     " + f"{base}/graphql" in shown
    assert "SANDBOX: SMS" in shown and "沙箱模式" in shown
    logged = err.read_text()
    assert "Deprecat" not in logged and "DSA" not in logged, logged
    assert "Running upgrade" not in logged


def test_the_production_banner_has_no_sandbox_warning_and_no_graphiql():
    settings = Settings(mode="production", public_url="https://sxq.example/",
                        database_url="postgresql+asyncpg://sxq:s3cret@db.internal:5432/sxq")
    shown = banner(settings, "0.0.0.0", 8000)
    assert "production mode, listening on 0.0.0.0:8000" in shown
    assert "https://sxq.example/graphql" in shown and "wss://sxq.example/graphql" in shown
    assert "GraphiQL     off in production" in shown
    assert "SANDBOX" not in shown and "沙箱" not in shown
    assert "s3cret" not in shown and "db.internal" in shown  # the password is masked
    assert "Cross-origin none" in shown
