"""The production start of the README (`make serve-production`, issue 13 item 5) on a real uvicorn: the CA made
once, migrations, serve — and then what production shows the outside: no introspection, no suggestions, no
GraphiQL, the security headers, bodies refused early on the socket, capped log lines with no values in them."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
VENDORS = ("SMS", "IDENTITY", "FACE", "ENTERPRISE", "BANK")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _sxq(*args: str) -> list[str]:
    return [sys.executable, "-m", "adapters.cli.main", *args]


def test_make_serve_production_runs_what_this_test_runs():
    dry = subprocess.run(["make", "--no-print-directory", "-n", "serve-production"], cwd=ROOT, capture_output=True, text=True,
                         env={**os.environ, "SXQ_MODE": "production"}, timeout=60)
    assert dry.returncode == 0, dry.stderr
    recipe = dry.stdout.splitlines()
    assert recipe[-1].endswith("/sxq serve --migrate") and "seed" not in dry.stdout
    refused = subprocess.run(["make", "-s", "serve-production", "STAMP=Makefile"], cwd=ROOT, capture_output=True,
                             text=True, env={**os.environ, "SXQ_MODE": "sandbox"}, timeout=60)
    assert refused.returncode != 0 and "SXQ_MODE=production" in refused.stderr


@pytest.fixture
def production(tmp_path):
    port = _free_port()
    env = {**os.environ, "SXQ_MODE": "production", "SXQ_DATA_DIR": str(tmp_path), "SXQ_PORT": str(port),
           "SXQ_MASTER_KEY": "5a" * 32, "SXQ_PASSWORD_SCRYPT_N": "1024", "SXQ_LOG_LINE_MAX_CHARS": "400",
           "PYTHONPATH": str(ROOT)}
    env.pop("SXQ_DATABASE_URL", None)
    for name in VENDORS:
        env |= {f"SXQ_{name}_API_URL": f"https://{name.lower()}.vendor.example/api",
                f"SXQ_{name}_API_KEY": "key", f"SXQ_{name}_API_SECRET": "secret"}
    # Once per installation: the CA in this database (the server refuses to start without one).
    made = subprocess.run(_sxq("migrate"), env=env, capture_output=True, timeout=120)
    assert made.returncode == 0, made.stderr
    ca = subprocess.run(_sxq("ca", "init"), env=env, capture_output=True, timeout=120)
    assert ca.returncode == 0, ca.stderr
    log = tmp_path / "server.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(_sxq("serve", "--migrate"), env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{base}/healthz", timeout=0.5).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            proc.kill()
            pytest.fail(log.read_text())
        yield base, port, log
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def _raw(port: int, head: bytes, body_chunks=(), chunk_pause: float = 0.0) -> tuple[bytes, int]:
    """Sends a request on a bare socket; returns the answer and how many body bytes went out before it came."""
    sent = 0
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(head)
        s.setblocking(False)
        answer = b""
        for chunk in body_chunks:
            try:
                answer += s.recv(65536)
            except BlockingIOError:
                pass
            if answer:
                break
            try:
                s.sendall(chunk)
                sent += len(chunk)
            except (BlockingIOError, BrokenPipeError, ConnectionResetError):
                break
            if chunk_pause:
                time.sleep(chunk_pause)
        s.setblocking(True)
        s.settimeout(10)
        try:
            while b"\r\n\r\n" not in answer:
                more = s.recv(65536)
                if not more:
                    break
                answer += more
        except (ConnectionResetError, TimeoutError):
            pass
    return answer, sent


@pytest.mark.own_database
def test_production_start_and_what_it_shows(production):
    base, port, log = production
    secret = "Z" * 5000 + "hunter2"
    with httpx.Client(base_url=base, timeout=10) as c:
        health = c.get("/healthz")
        assert health.json() == {"status": "ok", "mode": "production"}
        assert health.headers["x-content-type-options"] == "nosniff"
        assert health.headers["content-security-policy"] == "frame-ancestors 'none'"
        assert "strict-transport-security" not in health.headers
        behind_tls = c.get("/healthz", headers={"X-Forwarded-Proto": "https"})
        assert "strict-transport-security" not in behind_tls.headers  # SXQ_TRUST_PROXY is off: not believed

        intro = c.post("/graphql", json={"query": "{ __schema { types { name } } }"}).json()
        assert intro["data"] is None and "introspection" in intro["errors"][0]["message"]
        typo = c.post("/graphql", json={"query": "{ mee { id } }"}).json()
        assert "Did you mean" not in typo["errors"][0]["message"]
        assert "sandbox" not in c.post("/graphql", json={"query": "{ __typename }"}).text
        assert c.get("/graphql", headers={"Accept": "text/html"}).status_code == 404  # no GraphiQL
        # A rejected variable value and a query literal: answered, not logged.
        c.post("/graphql", json={"query": "mutation Probe($p: SmsPurpose!) { requestSmsCode(input: "
                                          "{phone: \"13900000000\", purpose: $p}) { userErrors { code } } }",
                                 "variables": {"p": secret}})
        c.post("/graphql", json={"query": f'query Lit {{ node(id: "{secret}") {{ id ... on Nope {{ x }} }} }}'})

    # 60 MB declared: 413 before a byte of the body is sent.
    answer, _ = _raw(port, b"POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\n"
                           b"Content-Length: 62914560\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 413")
    # 40 MB of JSON without a length: refused once a megabyte has arrived, the connection closed on the rest.
    chunk = b"10000\r\n" + b" " * 0x10000 + b"\r\n"
    answer, sent = _raw(port, b"POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                              b"Transfer-Encoding: chunked\r\n\r\n", (chunk for _ in range(640)), 0.002)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert sent < 16 * 1024 * 1024, sent

    time.sleep(0.5)
    text = log.read_text(errors="replace")
    assert "hunter2" not in text and "13900000000" not in text
    assert "operation=Probe" in text and "variable=$p" in text
    assert all(len(line) <= 400 for line in text.splitlines() if line[:4].isdigit()), "a log line over the cap"
