"""How much does GraphQL cost? Requests/s of the `Me` query against a bare Starlette endpoint doing the same work.

Both servers are separate single-worker uvicorn processes on 127.0.0.1, built from the same settings, the
same database and the same master key. The bare one authenticates the bearer token and reads the account
with the same use cases (`authenticate`, `get_me`) and answers the same JSON, without GraphQL. Both get the
same HTTP request (POST, same body, same token) from the same async httpx load generator, with the same
concurrency and duration, after a warm-up. Every response is checked (status 200 and the expected body).

    .venv/bin/python bench/graphql_overhead.py --seconds 5 [--concurrency 16] [--json]

SQLite in a temp dir by default; PostgreSQL with --database-url or SXQ_DATABASE_URL (one account is
registered in it). See bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
GOAL = 0.3
# Fixed so both servers derive the same keys; only ever used for the throwaway bench database.
BENCH_MASTER_KEY = "5a" * 32
ME = "Me"
BARE_PATH = "/me"
GRAPHQL_PATH = "/graphql"
READY_SECONDS = 30


# --------------------------------------------------------------------------------------------- servers


def _settings():
    from adapters.bootstrap.settings import Settings

    return Settings.from_env()


def bare_app(settings):
    """`Me` minus GraphQL: the same use cases on the same container wiring, answering the same JSON."""
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse, Response
    from starlette.routing import Route

    from adapters.bootstrap.container import build_container
    from adapters.http.app import bearer
    from graphql_schema.common.node import to_global_id

    container = build_container(settings)
    use_cases = container.use_cases()

    def iso(value):
        return value.isoformat() if value is not None else None

    def signing_key_json(key) -> dict[str, Any] | None:
        if key is None:  # the bench's account never enrols a phone, as GraphQL answers it: null
            return None
        return {"id": to_global_id("SigningKey", key.id), "status": key.status.name,
                "pinAttemptsLeft": key.attempts_left}

    def account_json(view) -> dict[str, Any]:
        a, i = view.account, view.identity
        identity = None
        if i is not None and i.legal_name is not None:
            identity = {"legalName": i.legal_name,
                        "documentType": i.document_type.name if i.document_type else None,
                        "documentNumberMasked": i.number_masked, "verifiedAt": iso(i.verified_at)}
        return {
            "id": to_global_id("Account", a.id),
            "phoneMasked": f"{a.phone[:3]}****{a.phone[-4:]}",
            "entryMode": a.entry_mode.name if a.entry_mode else None,
            "realNameStatus": i.status.name if i else "UNVERIFIED",
            "identity": identity,
            "signingKey": signing_key_json(view.signing_key),
            "memberships": [],
        }

    async def me(request: Request) -> Response:
        await request.json()  # a JSON endpoint reads its body too; the GraphQL one parses the same bytes
        principal = await use_cases.authenticate(bearer(request))
        if principal is None:
            return JSONResponse({"data": None, "errors": [{"message": "请先登录",
                                                           "extensions": {"code": "UNAUTHENTICATED"}}]})
        return JSONResponse({"data": {"me": account_json(await use_cases.get_me(principal))}})

    async def healthz(_: Request) -> Response:
        return JSONResponse({"status": "ok"})

    @contextlib.asynccontextmanager
    async def lifespan(_app):
        try:
            yield
        finally:
            await container.engine().dispose()

    return Starlette(routes=[Route(BARE_PATH, me, methods=["POST"]), Route("/healthz", healthz)],
                     lifespan=lifespan)


def serve(kind: str, port: int) -> int:
    """Child-process entry point: one uvicorn worker, quiet, loopback only."""
    import uvicorn

    # The checkout, not only the installed packages: an editable install made before a package was added
    # (sxq_phone) does not map it.
    sys.path.insert(0, str(ROOT))
    settings = _settings()
    if kind == "graphql":
        from adapters.http.app import create_app

        app = create_app(settings)
    else:
        app = bare_app(settings)
    threading.Thread(target=_exit_with_parent, daemon=True).start()
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)
    return 0


def _exit_with_parent() -> None:
    """stdin is a pipe from the bench: end of file means the bench is gone, so stop (gracefully) too."""
    sys.stdin.buffer.read()
    os.kill(os.getpid(), signal.SIGINT)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    kind: str
    port: int
    proc: subprocess.Popen

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        """Closing its stdin makes the server stop gracefully (see _exit_with_parent); kill it if it hangs."""
        if self.proc.stdin is not None and not self.proc.stdin.closed:
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=5)


def start_server(kind: str, env: dict[str, str]) -> Server:
    port = free_port()
    proc = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "--serve", kind, "--port", str(port)],
                            cwd=ROOT, env=env, stdin=subprocess.PIPE, start_new_session=True)
    return Server(kind, port, proc)


async def wait_ready(server: Server) -> None:
    import httpx

    async def poll() -> None:
        async with httpx.AsyncClient(base_url=server.base_url, timeout=2.0) as http:
            while True:
                if server.proc.poll() is not None:
                    raise RuntimeError(f"the {server.kind} server exited with code {server.proc.returncode}")
                with contextlib.suppress(httpx.TransportError):
                    if (await http.get("/healthz")).status_code == 200:
                        return
                await asyncio.sleep(0.1)

    try:
        async with asyncio.timeout(READY_SECONDS):
            await poll()
    except TimeoutError:
        raise RuntimeError(f"the {server.kind} server did not answer /healthz within {READY_SECONDS}s") from None


# --------------------------------------------------------------------------------------------- load


@dataclass
class Target:
    name: str
    url: str
    body: bytes
    headers: dict[str, str]
    expected: bytes


@dataclass
class Result:
    name: str
    requests: int = 0
    errors: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list, repr=False)
    error_kinds: Counter = field(default_factory=Counter)
    client_cpu: float = 0.0  # load generator CPU seconds per wall second: near 1.0 means it was the bottleneck

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def pct(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        xs = sorted(self.latencies)
        return xs[min(len(xs) - 1, int(q * len(xs)))] * 1000

    def merge(self, other: Result) -> None:
        cpu = self.client_cpu * self.seconds + other.client_cpu * other.seconds
        self.requests += other.requests
        self.errors += other.errors
        self.seconds += other.seconds
        self.latencies += other.latencies
        self.error_kinds.update(other.error_kinds)
        self.client_cpu = cpu / self.seconds if self.seconds else 0.0

    def summary(self) -> dict[str, Any]:
        return {"requests": self.requests, "errors": self.errors, "seconds": round(self.seconds, 3),
                "rps": round(self.rps, 1), "p50_ms": round(self.pct(0.50), 2), "p99_ms": round(self.pct(0.99), 2),
                "client_cpu": round(self.client_cpu, 2), "error_kinds": dict(self.error_kinds)}


async def load(target: Target, concurrency: int, seconds: float) -> Result:
    """`concurrency` workers, each on its own kept-alive connection, sending until the deadline."""
    import httpx

    result = Result(target.name)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(limits=limits, timeout=10.0) as http:
        # Open the connections before the clock starts.
        await asyncio.gather(*(http.post(target.url, content=target.body, headers=target.headers)
                               for _ in range(concurrency)), return_exceptions=True)

        async def worker(deadline: float) -> None:
            while time.perf_counter() < deadline:
                t0 = time.perf_counter()
                try:
                    resp = await http.post(target.url, content=target.body, headers=target.headers)
                except httpx.HTTPError as exc:
                    result.errors += 1
                    result.error_kinds[type(exc).__name__] += 1
                    continue
                result.latencies.append(time.perf_counter() - t0)
                result.requests += 1
                if resp.status_code != 200:
                    result.errors += 1
                    result.error_kinds[f"HTTP {resp.status_code}"] += 1
                elif resp.content != target.expected:
                    result.errors += 1
                    result.error_kinds["unexpected body"] += 1

        cpu0, start = time.process_time(), time.perf_counter()
        await asyncio.gather(*(worker(start + seconds) for _ in range(concurrency)))
        result.seconds = time.perf_counter() - start
        result.client_cpu = (time.process_time() - cpu0) / result.seconds
    return result


# --------------------------------------------------------------------------------------------- setup


def me_document() -> str:
    """The contract's `Me` operation with its fragments, as the tests send it."""
    sys.path.insert(0, str(ROOT))
    from tests.support.graphql import GraphQLClient

    return GraphQLClient(None).document(ME)


async def register(graphql: Server) -> str:
    """One account through the real API (RequestSmsCode → sandbox SMS outbox → Register); its access token."""
    import httpx

    sys.path.insert(0, str(ROOT))
    from tests.support.graphql import GraphQLClient

    phone = "139" + "".join(secrets.choice("0123456789") for _ in range(8))
    async with httpx.AsyncClient(base_url=graphql.base_url, timeout=30.0) as http:
        gql = GraphQLClient(http)
        sent = await gql.op("RequestSmsCode", {"phone": phone, "purpose": "REGISTER"})
        if sent["requestSmsCode"]["userErrors"]:
            raise RuntimeError(f"RequestSmsCode refused: {sent['requestSmsCode']['userErrors']}")
        # The server's outbox worker may have claimed the message a moment before the sandbox read asks
        # for delivery; the message then shows up once the worker is done, so ask again briefly.
        code = None
        for _ in range(50):
            msgs = (await gql.op("SandboxSmsOutbox", {"phone": phone}))["sandbox"]["smsMessages"]
            if code := next((m["code"] for m in msgs if m["code"]), None):
                break
            await asyncio.sleep(0.1)
        if code is None:
            raise RuntimeError(f"no SMS code reached the sandbox outbox of {phone}")
        password = f"Bench{secrets.randbelow(10**6):06d}"
        r = (await gql.op("Register", {"phone": phone, "smsCode": code, "password": password}))["register"]
        if r["userErrors"] or not r["session"]:
            raise RuntimeError(f"Register refused: {r['userErrors']}")
        return r["session"]["accessToken"]


async def expected_bodies(graphql: Server, bare: Server, token: str) -> tuple[Target, Target]:
    """One request to each; both must answer 200 with the same `data`, which becomes the expected body."""
    import httpx

    body = json.dumps({"query": me_document(), "variables": {}, "operationName": ME}).encode()
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    targets = []
    async with httpx.AsyncClient(timeout=10.0) as http:
        for name, server, path in (("graphql", graphql, GRAPHQL_PATH), ("bare", bare, BARE_PATH)):
            url = server.base_url + path
            resp = await http.post(url, content=body, headers=headers)
            if resp.status_code != 200 or resp.json().get("errors") or not resp.json().get("data"):
                raise RuntimeError(f"{name}: unexpected answer {resp.status_code} {resp.text[:300]}")
            targets.append(Target(name, url, body, headers, resp.content))
    g, b = targets
    if json.loads(g.expected)["data"] != json.loads(b.expected)["data"]:
        raise RuntimeError(f"the two servers disagree:\n graphql {g.expected!r}\n bare    {b.expected!r}")
    return g, b


# --------------------------------------------------------------------------------------------- main


@dataclass
class Report:
    database: str
    concurrency: int
    seconds: float
    rounds: int
    graphql: dict[str, Any]
    bare: dict[str, Any]
    ratio: float
    goal: float
    passed: bool
    errors: int
    note: str | None = None


async def bench(args: argparse.Namespace, env: dict[str, str], db_label: str, servers: list[Server]) -> Report:
    graphql = start_server("graphql", env)
    servers.append(graphql)
    bare = start_server("bare", env)
    servers.append(bare)
    await asyncio.gather(wait_ready(graphql), wait_ready(bare))
    token = await register(graphql)
    g_target, b_target = await expected_bodies(graphql, bare, token)

    for t in (g_target, b_target):
        await load(t, args.concurrency, args.warmup)
    totals = {"graphql": Result("graphql"), "bare": Result("bare")}
    for rnd in range(args.rounds):
        # Alternate who goes first, so drift (caches, WAL, turbo) does not favour one side.
        order = (b_target, g_target) if rnd % 2 == 0 else (g_target, b_target)
        for t in order:
            totals[t.name].merge(await load(t, args.concurrency, args.seconds))

    g, b = totals["graphql"], totals["bare"]
    ratio = g.rps / b.rps if b.rps else 0.0
    errors = g.errors + b.errors
    note = None
    if max(g.client_cpu, b.client_cpu) > 0.9:
        note = ("the load generator used ~a full core: the bare figure may be capped by the client, "
                "so the ratio is an upper bound")
    return Report(database=db_label, concurrency=args.concurrency, seconds=args.seconds, rounds=args.rounds,
                  graphql=g.summary(), bare=b.summary(), ratio=round(ratio, 3), goal=GOAL,
                  passed=ratio >= GOAL and errors == 0, errors=errors, note=note)


def print_report(r: Report) -> None:
    print(f"数信签 GraphQL overhead — `Me` over HTTP, {r.database}")
    print(f"  concurrency {r.concurrency}, {r.seconds:g}s per target x {r.rounds} round(s), single uvicorn worker each")
    print(f"  {'':8} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'requests':>9} {'errors':>7} {'client cpu':>10}")
    for name, s in (("bare", r.bare), ("graphql", r.graphql)):
        print(f"  {name:8} {s['rps']:9.1f} {s['p50_ms']:8.2f} {s['p99_ms']:8.2f} {s['requests']:9d} "
              f"{s['errors']:7d} {s['client_cpu']:10.2f}")
        if s["error_kinds"]:
            print(f"  {'':8} errors: {s['error_kinds']}")
    print(f"  ratio graphql/bare = {r.ratio:.3f} (goal >= {r.goal})")
    if r.note:
        print(f"  note: {r.note}")
    if r.errors:
        print(f"  FAIL: {r.errors} request(s) failed or answered something unexpected; figures are not valid")
    else:
        print(f"  {'PASS' if r.passed else 'FAIL'}: ratio {r.ratio:.3f} {'>=' if r.passed else '<'} {r.goal}")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seconds", type=float, default=5.0, help="measured seconds per target per round (default 5)")
    p.add_argument("--warmup", type=float, default=1.0, help="warm-up seconds per target (default 1)")
    p.add_argument("--concurrency", type=int, default=16, help="requests in flight (default 16)")
    p.add_argument("--rounds", type=int, default=1, help="rounds, alternating which target goes first (default 1)")
    p.add_argument("--database-url", default=os.environ.get("SXQ_DATABASE_URL"),
                   help="PostgreSQL URL (default: SXQ_DATABASE_URL, else SQLite in a temp dir)")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--serve", choices=["graphql", "bare"], help=argparse.SUPPRESS)
    p.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.serve is None:
        for name, lo, hi in (("seconds", 0.5, 300), ("warmup", 0, 60), ("concurrency", 1, 256), ("rounds", 1, 20)):
            if not lo <= getattr(args, name) <= hi:
                p.error(f"--{name} must be between {lo} and {hi}")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.serve:
        return serve(args.serve, args.port)

    # SIGTERM unwinds like Ctrl-C, so the finally below still stops the servers and removes the temp dir.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    tmp = Path(tempfile.mkdtemp(prefix="sxq-bench-"))
    servers: list[Server] = []
    try:
        url = args.database_url or f"sqlite+aiosqlite:///{tmp / 'shuxinqian.db'}"
        db_label = "SQLite (temp)" if not args.database_url else url.split("://", 1)[0] + " (--database-url)"
        env = {k: v for k, v in os.environ.items() if not k.startswith("SXQ_")}
        env.update(SXQ_MODE="sandbox", SXQ_DATA_DIR=str(tmp / "data"), SXQ_DATABASE_URL=url,
                   SXQ_MASTER_KEY=os.environ.get("SXQ_MASTER_KEY") or BENCH_MASTER_KEY, SXQ_LOG_LEVEL="WARNING")
        (tmp / "data").mkdir()

        from adapters.persistence.migrate import upgrade

        upgrade(url)
        report = asyncio.run(bench(args, env, db_label, servers))
    except (RuntimeError, AssertionError) as exc:  # setup went wrong: no figures to show
        print(f"benchmark aborted: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("benchmark interrupted", file=sys.stderr)
        return 130
    finally:
        for server in servers:
            server.stop()
        shutil.rmtree(tmp, ignore_errors=True)

    if args.json:
        print(json.dumps(asdict(report), ensure_ascii=False, indent=2))
    else:
        print_report(report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
