"""Authenticated `Me` requests/s of one server process, loaded by wrk (a C load generator in its own process).

    .venv/bin/python bench/load_me.py [--seconds 10] [--connections 16] [--threads 2] [--workers 1]
    .venv/bin/python bench/load_me.py --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/scratch

Needs `wrk` (apt-get install wrk). Migrates a fresh SQLite database in a temp dir (or the given scratch
PostgreSQL database: one account is registered in it), starts `uvicorn` with the real app (`create_app`,
--workers N, loopback), registers an account through the contract documents (RequestSmsCode → sandbox SMS
outbox → Register), asks `Me` once for the expected answer, then runs wrk with the same POST (the contract's
`Me` document, the bearer token). wrk's Lua script compares every response with the expected body, byte for
byte; any difference, non-200 or socket error fails the run (exit code 1) with its count. Prints requests/s and
wrk's latency percentiles. `/healthz` is loaded the same way first, as the ceiling of the HTTP stack.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import graphql_overhead as go  # noqa: E402  (its server, registration and document helpers)

LUA = r"""
wrk.method = "POST"
wrk.body = [==[{body}]==]
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer {token}"
local expected = [==[{expected}]==]
local threads = {{}}
function setup(thread) table.insert(threads, thread) end
function init(args) bad = 0; first = nil end
function response(status, headers, body)
  if status ~= 200 or body ~= expected then
    bad = bad + 1
    if first == nil then first = status .. " " .. string.sub(body, 1, 200) end
  end
end
function done(summary, latency, requests)
  local total, sample = 0, nil
  for _, t in ipairs(threads) do
    total = total + t:get("bad")
    sample = sample or t:get("first")
  end
  io.write(string.format("BAD %d\n", total))
  if sample then io.write("FIRST " .. sample .. "\n") end
end
"""
GET_LUA = """
wrk.method = "GET"
"""


def run_wrk(url: str, script: str, seconds: float, connections: int, threads: int, tmp: Path) -> dict:
    lua = tmp / "wrk.lua"
    lua.write_text(script)
    proc = subprocess.run(["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds:g}s", "--latency",
                           "-s", str(lua), url], capture_output=True, text=True, timeout=seconds + 60)
    out = proc.stdout
    if proc.returncode != 0 or "Requests/sec" not in out:
        raise RuntimeError(f"wrk failed: {proc.stdout}\n{proc.stderr}")

    def ms(label: str) -> float:
        m = re.search(rf"^\s*{label}\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        if not m:
            return float("nan")
        return float(m.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[m.group(2)]

    errors = sum(int(x) for x in re.findall(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)",
                                            out)[0]) if "Socket errors" in out else 0
    non2xx = int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", out)) else 0
    bad = int(m.group(1)) if (m := re.search(r"^BAD (\d+)", out, re.M)) else 0
    first = m.group(1) if (m := re.search(r"^FIRST (.*)$", out, re.M)) else None
    return {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
            "requests": int(re.search(r"(\d+) requests in", out).group(1)),
            "p50_ms": ms("50%"), "p90_ms": ms("90%"), "p99_ms": ms("99%"),
            "errors": errors + non2xx + bad, "first_error": first}


async def prepare(server: go.Server) -> tuple[str, bytes, bytes]:
    import httpx

    await go.wait_ready(server)
    token = await go.register(server)
    body = json.dumps({"query": go.me_document(), "variables": {}, "operationName": go.ME}).encode()
    async with httpx.AsyncClient(timeout=10.0) as http:
        resp = await http.post(server.base_url + go.GRAPHQL_PATH, content=body,
                               headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    if resp.status_code != 200 or resp.json().get("errors") or not resp.json()["data"]["me"]["id"]:
        raise RuntimeError(f"Me: unexpected answer {resp.status_code} {resp.text[:300]}")
    return token, body, resp.content


def start(env: dict[str, str], workers: int) -> go.Server:
    port = go.free_port()
    proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "adapters.http.asgi:app", "--host", "127.0.0.1",
                             "--port", str(port), "--workers", str(workers), "--log-level", "warning",
                             "--no-access-log"], cwd=ROOT, env=env, stdin=subprocess.PIPE, start_new_session=True)
    return go.Server("graphql", port, proc)


def stop(server: go.Server) -> None:
    """SIGINT to the server's own process group (uvicorn and its workers), then SIGKILL if it hangs."""
    try:
        os.killpg(server.proc.pid, signal.SIGINT)
        server.proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(server.proc.pid, signal.SIGKILL)
        server.proc.wait(timeout=5)
    except ProcessLookupError:
        pass


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--seconds", type=float, default=10.0)
    p.add_argument("--connections", type=int, default=16)
    p.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    p.add_argument("--workers", type=int, default=1, help="uvicorn worker processes (default 1)")
    p.add_argument("--database-url", default=None, help="a scratch PostgreSQL database (default: fresh SQLite)")
    p.add_argument("--json", action="store_true")
    args = p.parse_args()
    if shutil.which("wrk") is None:
        print("wrk is not installed (apt-get install wrk)", file=sys.stderr)
        return 2
    from adapters.persistence.migrate import upgrade

    tmp = Path(tempfile.mkdtemp(prefix="sxq-load-me-"))
    url = args.database_url or f"sqlite+aiosqlite:///{tmp / 'bench.db'}"
    upgrade(url)
    env = {k: v for k, v in os.environ.items() if not k.startswith("SXQ_")}
    env.update(PYTHONPATH=str(ROOT), SXQ_MODE="sandbox", SXQ_DATABASE_URL=url, SXQ_DATA_DIR=str(tmp / "data"),
               SXQ_MASTER_KEY=go.BENCH_MASTER_KEY, SXQ_LOG_LEVEL="WARNING")
    server = start(env, args.workers)
    try:
        token, body, expected = asyncio.run(prepare(server))
        health = run_wrk(server.base_url + "/healthz", GET_LUA, min(args.seconds, 5), args.connections,
                         args.threads, tmp)
        run_wrk(server.base_url + go.GRAPHQL_PATH, LUA.format(body=body.decode(), token=token,
                                                            expected=expected.decode()), 2, args.connections,
                args.threads, tmp)  # warm-up
        me = run_wrk(server.base_url + go.GRAPHQL_PATH, LUA.format(body=body.decode(), token=token,
                                                                 expected=expected.decode()),
                     args.seconds, args.connections, args.threads, tmp)
    finally:
        stop(server)
        shutil.rmtree(tmp, ignore_errors=True)
    db = "PostgreSQL" if args.database_url else "SQLite"
    report = {"database": db, "workers": args.workers, "connections": args.connections, "healthz": health, "me": me}
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(f"`Me` over HTTP, {db}, {args.workers} worker(s), wrk -t{args.threads} -c{args.connections} "
              f"-d{args.seconds:g}s")
        for name, r in (("/healthz", health), ("Me", me)):
            print(f"  {name:9} {r['rps']:9.1f} req/s  p50 {r['p50_ms']:.2f} ms  p90 {r['p90_ms']:.2f} ms  "
                  f"p99 {r['p99_ms']:.2f} ms  requests {r['requests']}  errors {r['errors']}")
        if me["first_error"]:
            print(f"  first error: {me['first_error']}")
    return 1 if me["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
