"""The scaled-out topology as real processes (issue 16): `sxq serve --workers 2 --http-only` and `sxq worker` on one
database. The scrape of the two web workers adds both up; /readyz waits for the worker's heartbeat; the worker
(not the web processes) delivers the outbox; log lines are JSON."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.e2e.test_uvicorn import _free_port


def _wait(url: str, proc: subprocess.Popen, ok=lambda r: r.status_code == 200, seconds: float = 40) -> httpx.Response:
    deadline = time.monotonic() + seconds
    last = None
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"process exited: {proc.stdout.read().decode()[-3000:]}")
        try:
            last = httpx.get(url, timeout=2)
            if ok(last):
                return last
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    proc.terminate()
    output = proc.communicate(timeout=15)[0] if proc.stdout is not None else b""
    pytest.fail(f"{url} not as expected: {last and last.text}\n{(output or b'').decode()[-3000:]}")


def _metric(url: str, name: str, **labels) -> float:
    text = httpx.get(url, timeout=5).text
    return sum(s.value for fam in text_string_to_metric_families(text) for s in fam.samples
               if s.name == name and all(s.labels.get(k) == v for k, v in labels.items()))


@pytest.fixture
def topology(tmp_path, database_url, container):
    """`container` (unused here) has the shared clean-up wipe what the processes wrote, on PostgreSQL the test
    database itself, and they use the tests' master key, so what they leave is readable until then."""
    web, web_metrics, worker_metrics = _free_port(), _free_port(), _free_port()
    env = {**os.environ, "SXQ_DATA_DIR": str(tmp_path), "SXQ_PORT": str(web), "SXQ_PASSWORD_SCRYPT_N": "1024",
           "SXQ_LOG_FORMAT": "json", "SXQ_OUTBOX_POLL_SECONDS": "1", "SXQ_MASTER_KEY": "00" * 32}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    if database_url.startswith("postgresql"):
        env["SXQ_DATABASE_URL"] = database_url
    subprocess.run([sys.executable, "-m", "adapters.cli.main", "migrate"], env=env, check=True, capture_output=True)
    procs = []
    try:
        serve = subprocess.Popen(
            [sys.executable, "-m", "adapters.cli.main", "serve", "--workers", "2", "--http-only"],
            env={**env, "SXQ_METRICS_ADDR": f"127.0.0.1:{web_metrics}"},
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        procs.append(serve)
        base = f"http://127.0.0.1:{web}"
        _wait(f"{base}/healthz", serve)
        yield {"base": base, "serve": serve, "env": env, "procs": procs,
               "web_metrics": f"http://127.0.0.1:{web_metrics}/metrics",
               "worker_metrics": f"http://127.0.0.1:{worker_metrics}/metrics"}
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                p.kill()


def test_two_web_workers_and_a_worker(topology):
    base, env = topology["base"], topology["env"]
    # No worker yet: the web processes are alive but not ready.
    r = httpx.get(f"{base}/readyz")
    assert r.status_code == 503 and r.json()["failed"] == ["worker"]

    before = _metric(topology["web_metrics"], "sxq_http_requests_total", route="/healthz", status="2xx")
    for _ in range(20):
        assert httpx.get(f"{base}/healthz").status_code == 200
    # Both web workers' counts are in the one scrape (multiprocess mode), and the public port has no /metrics.
    after = _metric(topology["web_metrics"], "sxq_http_requests_total", route="/healthz", status="2xx")
    assert after - before == 20
    assert httpx.get(f"{base}/metrics").status_code == 404

    phone = "13700001111"
    sms = httpx.post(f"{base}/graphql", headers={"X-Request-ID": "proc-test-1"}, json={
        "query": "mutation($p: String!) { requestSmsCode(input: {phone: $p, purpose: REGISTER}) "
                 "{ userErrors { code } } }", "variables": {"p": phone}})
    assert sms.status_code == 200 and sms.json()["data"]["requestSmsCode"]["userErrors"] == []
    assert sms.headers["x-request-id"] == "proc-test-1"
    time.sleep(2.5)  # the web processes never deliver it themselves (--http-only)
    assert _metric(topology["web_metrics"], "sxq_outbox_deliveries_total") == 0

    worker = subprocess.Popen([sys.executable, "-m", "adapters.cli.main", "worker"],
                              env={**env, "SXQ_METRICS_ADDR": topology["worker_metrics"][7:-8]},
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    topology["procs"].append(worker)
    # Ready once the worker has started (imports, the CA's keys) and written its first heartbeat: generous, as a loaded
    # CI machine runs this beside the rest of the suite.
    _wait(f"{base}/readyz", worker, seconds=90)
    deadline = time.monotonic() + 20
    while _metric(topology["worker_metrics"], "sxq_sms_sent_total") < 1:
        assert time.monotonic() < deadline, "the worker did not deliver the SMS"
        time.sleep(0.3)
    assert _metric(topology["worker_metrics"], "sxq_outbox_deliveries_total", topic="sms.send",
                   outcome="delivered") == 1
    sent = "query($p: String!) { sandbox { smsMessages(phone: $p) { code } } }"
    assert len(httpx.post(f"{base}/graphql", json={"query": sent, "variables": {"p": phone}}).json()[
        "data"]["sandbox"]["smsMessages"]) == 1

    worker.terminate()
    worker.wait(timeout=15)
    serve = topology["serve"]
    serve.terminate()
    serve.wait(timeout=15)
    serve_lines = serve.stdout.read().decode().splitlines()
    worker_lines = worker.stdout.read().decode().splitlines()
    records = [json.loads(line) for line in serve_lines + worker_lines if line.startswith("{")]
    assert any(r.get("request_id") == "proc-test-1" and r.get("route") == "/graphql" for r in records)
    assert any(r.get("logger") == "sxq.worker" for r in records)
    assert phone not in "\n".join(serve_lines + worker_lines)
