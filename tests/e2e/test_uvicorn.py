"""A few requests against a real uvicorn process started by `sxq serve`, as an operator would run it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import httpx
import pytest


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path, database_url):
    port = _free_port()
    env = {**os.environ, "SXQ_DATA_DIR": str(tmp_path), "SXQ_PORT": str(port), "SXQ_LOG_LEVEL": "WARNING",
           "SXQ_PASSWORD_SCRYPT_N": "1024"}
    if database_url.startswith("postgresql"):
        env["SXQ_DATABASE_URL"] = database_url
        env["SXQ_MASTER_KEY"] = "00" * 32  # the test settings' key: the CA it leaves in the shared database stays readable
    proc = subprocess.Popen([sys.executable, "-m", "adapters.cli.main", "serve", "--migrate"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if httpx.get(f"{base}/healthz", timeout=0.5).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            proc.kill()
            pytest.fail(proc.stdout.read().decode())
        yield base, tmp_path
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_real_server_registers_and_serves_graphiql(server):
    base, data_dir = server
    with httpx.Client(base_url=base, timeout=5) as c:
        q = "mutation { requestSmsCode(input: {phone: \"13400000000\", purpose: REGISTER}) { userErrors { code } } }"
        assert c.post("/graphql", json={"query": q}).json()["data"]["requestSmsCode"]["userErrors"] == []
        # The worker delivers by itself: poll the sandbox outbox without asking it to flush... it flushes anyway.
        code = None
        for _ in range(50):
            msgs = c.post("/graphql", json={"query": '{ sandbox { smsMessages(phone: "13400000000") { code } } }'}).json()
            if msgs["data"]["sandbox"]["smsMessages"]:
                code = msgs["data"]["sandbox"]["smsMessages"][0]["code"]
                break
            time.sleep(0.1)
        reg = c.post("/graphql", json={"query": "mutation($c: String!) { register(input: {phone: \"13400000000\", "
                                                 "smsCode: $c, password: \"Passw0rdX\"}) { session { accessToken } } }",
                                        "variables": {"c": code}}).json()
        token = reg["data"]["register"]["session"]["accessToken"]
        me = c.post("/graphql", json={"query": "{ me { phoneMasked } }"}, headers={"Authorization": f"Bearer {token}"})
        assert me.json()["data"]["me"]["phoneMasked"] == "134****0000"
        assert "graphiql" in c.get("/graphql", headers={"Accept": "text/html"}).text.lower()
    if not os.environ.get("SXQ_TEST_DATABASE_URL"):
        assert (data_dir / "master.key").exists(), "sandbox mode generates its master key into the data dir"
        assert (data_dir / "shuxinqian.db").exists()


@pytest.mark.own_database  # refused before any database is opened
def test_production_refuses_to_start_without_master_key(tmp_path):
    env = {**os.environ, "SXQ_DATA_DIR": str(tmp_path), "SXQ_MODE": "production", "SXQ_PORT": str(_free_port())}
    env.pop("SXQ_MASTER_KEY", None)
    proc = subprocess.run([sys.executable, "-m", "adapters.cli.main", "serve"], env=env, capture_output=True,
                          timeout=60)
    assert proc.returncode != 0
    assert b"SXQ_MASTER_KEY" in proc.stdout + proc.stderr


@pytest.mark.own_database  # the server on its default SQLite file
def test_production_refuses_to_start_without_a_ca(tmp_path):
    env = {**os.environ, "SXQ_DATA_DIR": str(tmp_path), "SXQ_MODE": "production", "SXQ_PORT": str(_free_port()),
           "SXQ_MASTER_KEY": "33" * 32}
    env.pop("SXQ_DATABASE_URL", None)
    for name in ("SMS", "IDENTITY", "FACE", "ENTERPRISE", "BANK"):
        env |= {f"SXQ_{name}_API_URL": "https://vendor.invalid", f"SXQ_{name}_API_KEY": "k",
                f"SXQ_{name}_API_SECRET": "s"}
    proc = subprocess.run([sys.executable, "-m", "adapters.cli.main", "serve", "--migrate"], env=env,
                          capture_output=True, timeout=60)
    assert proc.returncode != 0
    assert b"sxq ca init" in proc.stdout + proc.stderr


@pytest.mark.own_database  # the server on its default SQLite file
def test_a_missing_cjk_font_stops_the_start(tmp_path):
    env = {**os.environ, "SXQ_DATA_DIR": str(tmp_path), "SXQ_PORT": str(_free_port()),
           "SXQ_CJK_FONT": str(tmp_path / "no-such-font.ttc")}
    env.pop("SXQ_DATABASE_URL", None)
    proc = subprocess.run([sys.executable, "-m", "adapters.cli.main", "serve"], env=env, capture_output=True,
                          timeout=60)
    assert proc.returncode != 0
    assert b"no-such-font.ttc" in proc.stdout + proc.stderr
