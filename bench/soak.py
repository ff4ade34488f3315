"""Soak test with faults (issue 16), against the production topology on this machine (bench/topology.py: two
`sxq serve` processes and one `sxq worker` on PostgreSQL and Redis, behind a round-robin proxy).

Mixed traffic for a fixed time — registrations, purchases (order, pay, sandbox completion), and scans of all four
kinds (LOGIN, SIGN, ENCRYPT, DECRYPT: the app's two co-signed calls, by sxq_phone) with signed callbacks to the
example platform, whose receiver sometimes answers 500 or hangs past our 10 s timeout — while it kills and
restarts one serve process, the worker and Redis, and drops every PostgreSQL connection (pg_terminate_backend).

Afterwards it proves: every confirmed scan's callback was delivered at least once and processed once (by eventId);
no order paid or fulfilled twice; the counters exact (what the clients saw succeed = what the database holds = what
the receiver processed); no 5xx or connection error outside the fault windows; p99 latency outside them. A
one-screen report, and a PNG chart of throughput and latency over time (matplotlib).

    .venv/bin/python bench/soak.py --seconds 60            # the short one (.ci/run)
    .venv/bin/python bench/soak.py --seconds 900 --lanes 6 --chart var/soak.png   # the long one (README)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from bench.scan_flow import CODE  # noqa: E402  (the platform `_register` registers)
from bench.topology import Topology, free_port  # noqa: E402

FAULT_RECOVERY = 8.0  # seconds after a restart still counted inside the fault window


@dataclass
class Call:
    at: float  # seconds since the start
    seconds: float
    status: int  # 0: connection error


@dataclass
class Flow:
    kind: str
    at: float
    seconds: float
    ok: bool
    error: str | None = None


@dataclass
class Record:
    t0: float = field(default_factory=time.monotonic)
    calls: list[Call] = field(default_factory=list)
    flows: list[Flow] = field(default_factory=list)
    windows: list[tuple[str, float, float]] = field(default_factory=list)
    confirmed: set[str] = field(default_factory=set)  # tIds the app saw CONFIRMED
    registered: set[str] = field(default_factory=set)  # phones whose registration answered success
    paid_orders: set[str] = field(default_factory=set)

    def now(self) -> float:
        return time.monotonic() - self.t0

    def in_window(self, at: float, seconds: float = 0.0) -> bool:
        """Whether [at, at + seconds] overlaps a fault window (a request begun just before a kill fails in it)."""
        return any(at <= end and at + seconds >= start for _, start, end in self.windows)


class FaultyReceiver:
    """The platform's callback endpoint (examples/trading_platform) behind faults: 10 % answer 500, 3 % hang past
    our client's timeout — on an event's first two attempts only, as a receiver that stumbles but recovers; an event
    failed three times in a row would wait 20 s, 40 s, … of backoff and outlast the drain window by chance alone
    (seen in a 60 s run at 96 requests/s). Counts every POST that reached the platform per eventId, and what it
    processed."""

    def __init__(self, inner, party, rng: random.Random) -> None:
        self.inner, self.party, self.rng = inner, party, rng
        self.received: Counter = Counter()
        self.processed: Counter = Counter()
        self.answered_500 = self.hung = 0
        self.faulted: Counter = Counter()

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope["path"] != "/sxq/callback":
            await self.inner(scope, receive, send)
            return
        event_id = next((v.decode() for k, v in scope["headers"] if k == b"x-event-id"), "?")
        roll = self.rng.random() if self.faulted[event_id] < 2 else 1.0
        if roll < 0.13:
            self.faulted[event_id] += 1
        if roll < 0.03:
            self.hung += 1
            await asyncio.sleep(12)  # our HTTP client gives up after 10 s: a failed attempt, retried later
        elif roll < 0.13:
            self.answered_500 += 1
            await send({"type": "http.response.start", "status": 500, "headers": []})
            await send({"type": "http.response.body", "body": b"busy"})
            return
        self.received[event_id] += 1
        seen_before = event_id in self.party.events_seen
        status = {}

        async def watch(message):
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        await self.inner(scope, receive, watch)
        if status.get("code") == 200 and not seen_before and event_id in self.party.events_seen:
            self.processed[event_id] += 1


async def setup(topo: Topology, lanes: int, rp_url: str):
    """In-process against the same database (not timed): the platform registered, the CA made, one verified holder
    per lane with a phone (sxq_phone), a certificate pair and an entitlement for all four operations, and a plan."""
    import os

    from adapters.bootstrap.container import build_container
    from adapters.bootstrap.settings import Settings
    from adapters.http.app import create_app
    from bench.scan_flow import _register
    from examples.trading_platform import gm
    from tests.contract.test_certificates_flows import account_uuid, entitlement, verified
    from tests.contract.test_scan_flows import claim_with_phone
    from tests.e2e.test_commerce import catalogue
    from tests.support.data import id_number
    from tests.support.graphql import GraphQLClient
    from tests.support.platform import entitlement_on

    key = gm.new_private_key()
    env = topo.env()
    callback_pem = await asyncio.to_thread(_register, env, topo.data_dir, gm.public_key_pem(gm.public_key(key)),
                                           f"{rp_url}/sxq/callback")
    os.environ.update({k: v for k, v in env.items() if k.startswith("SXQ_")})
    settings = Settings.from_env(env)
    container = build_container(settings)
    app = create_app(settings, container, run_worker=False)
    await container.certificate_authority().ensure_ready()
    async with container.uow() as uow:
        platform = await uow.trading_platforms.by_code(CODE)
    holders = []
    plan_id = None
    for i in range(lanes):
        http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://setup")
        gql = GraphQLClient(http)
        phone = f"137{i:08d}"
        account = await verified(gql, container, phone=phone, number=id_number(seq=f"{i:03d}"))
        r = await claim_with_phone(gql, phone, await entitlement(container, account))
        assert r["userErrors"] == [], r
        await entitlement_on(container, account_uuid(account), platform.id)
        if plan_id is None:
            operator = GraphQLClient(http)
            plan_id = (await catalogue(operator, container))["personal"]
        certs = (await gql.op("MyCertificates"))["me"]["certificates"]
        holders.append((gql, certs, http))
    await container.face_verifier().wait_idle()
    await container.payment_gateway().wait_idle()
    await container.engine().dispose()
    return key, callback_pem, holders, plan_id


async def run(args) -> dict[str, Any]:
    import uvicorn

    from examples.trading_platform.app import create_app as platform_app
    from examples.trading_platform.app import sample_pdf
    from examples.trading_platform.platform import RelyingParty
    from tests.contract.test_scan_flows import confirm

    rng = random.Random(args.seed)
    topo = Topology()
    rp_port = free_port()
    rp_url = f"http://127.0.0.1:{rp_port}"
    topo.create_database()
    rec = Record()
    try:
        key, callback_pem, holders, plan_id = await setup(topo, args.lanes, rp_url)
        await topo.start_all()

        async def on_response(response: httpx.Response) -> None:
            started = response.request.extensions.get("soak_t")
            if started is not None:
                rec.calls.append(Call(started - rec.t0, time.monotonic() - started, response.status_code))

        async def on_request(request: httpx.Request) -> None:
            request.extensions["soak_t"] = time.monotonic()

        http = httpx.AsyncClient(base_url=topo.base_url, timeout=30, limits=httpx.Limits(max_connections=64),
                                 event_hooks={"request": [on_request], "response": [on_response]})
        party = RelyingParty(server_url=topo.base_url, platform_code=CODE, private_key=key,
                             callback_certificate_pem=callback_pem, http=http)
        receiver = FaultyReceiver(platform_app(party), party, rng)
        rp = uvicorn.Server(uvicorn.Config(receiver, host="127.0.0.1", port=rp_port, lifespan="off",
                                           log_level="critical"))
        rp_task = asyncio.create_task(rp.serve())
        while not rp.started:  # noqa: ASYNC110 - uvicorn's Server offers a flag, not an event
            await asyncio.sleep(0.02)
        for gql, _certs, setup_http in holders:
            await setup_http.aclose()
            gql.http = http
        encryption_pem: dict[int, str] = {}
        counter = iter(range(10**9))

        async def scan(lane: int, kind: str) -> None:
            gql, certs, _ = holders[lane]
            if kind == "LOGIN":
                session = await party.start_login()
            elif kind == "SIGN":
                session = await party.start_sign({"doc-1": ("投标文件.pdf", sample_pdf())})
            elif kind == "ENCRYPT":
                session = await party.start("ENCRYPT")
            else:
                bid = party.seal_bid(encryption_pem[lane], f"报价 {next(counter)} 元".encode())
                session = await party.start_decrypt([bid])
            seen = (await gql.op("ScanQrCode", {"qrContent": session["qrContent"]}))["scanQrCode"]
            assert seen["userErrors"] == [], seen["userErrors"]
            view = seen["session"]
            seal_id = view["usableSeals"][0]["id"] if kind == "SIGN" and view.get("usableSeals") else None
            done = await confirm(gql, view, view["usableCertificates"][0]["certificate"]["id"], seal_id=seal_id)
            assert done["userErrors"] == [] and done["session"]["status"] == "CONFIRMED", done["userErrors"]
            rec.confirmed.add(session["tId"])
            if kind == "LOGIN" and lane not in encryption_pem:
                result = (await party.api.session(session["tId"]))["result"]
                encryption_pem[lane] = result["encryptionCertificatePem"]

        async def register() -> None:
            from tests.support.graphql import GraphQLClient

            phone = f"135{next(counter):08d}"
            gql = GraphQLClient(http)
            r = await gql.op("RequestSmsCode", {"phone": phone, "purpose": "REGISTER"})
            assert r["requestSmsCode"]["userErrors"] == [], r
            code = await gql.latest_code(phone)
            r = (await gql.op("Register", {"phone": phone, "smsCode": code, "password": "Soak!Passw0rd"}))["register"]
            assert r["userErrors"] == [], r["userErrors"]
            rec.registered.add(phone)

        async def purchase(lane: int) -> None:
            gql = holders[lane][0]
            placed = (await gql.op("PlaceOrder", {"planIds": [plan_id]}))["placeOrder"]
            assert placed["userErrors"] == [], placed["userErrors"]
            order_id = placed["order"]["id"]
            p = (await gql.op("PayOrder", {"orderId": order_id, "channel": "WECHAT_PAY"}))["payOrder"]
            assert p["userErrors"] == [], p["userErrors"]
            assert (await gql.op("SandboxCompletePayment", {"paymentId": p["payment"]["id"]}))[
                "sandbox"]["completePayment"]
            for _ in range(50):
                orders = (await gql.op("MyOrders"))["me"]["orders"]["edges"]
                if any(o["node"]["id"] == order_id and o["node"]["status"] in ("PAID", "FULFILLED", "COMPLETED")
                       for o in orders):
                    rec.paid_orders.add(order_id)
                    return
                await asyncio.sleep(0.2)
            raise AssertionError("order not paid in 10 s")

        kinds = ["LOGIN"] * 3 + ["SIGN"] * 2 + ["ENCRYPT"] * 2 + ["DECRYPT"] * 2 + ["PURCHASE"] * 2 + ["REGISTER"]

        async def lane(i: int) -> None:
            while rec.now() < end:
                kind = rng.choice(kinds)
                if kind == "DECRYPT" and i not in encryption_pem:
                    kind = "LOGIN"
                start = rec.now()
                try:
                    if kind == "REGISTER":
                        await register()
                    elif kind == "PURCHASE":
                        await purchase(i)
                    else:
                        await scan(i, kind)
                    rec.flows.append(Flow(kind, start, rec.now() - start, True))
                except Exception as exc:  # noqa: BLE001 - a failed flow is data
                    rec.flows.append(Flow(kind, start, rec.now() - start, False, f"{type(exc).__name__}: {exc}"[:300]))
                    await asyncio.sleep(0.5)

        async def faults() -> None:
            plan = [("kill serve1", 0.15), ("kill worker", 0.35), ("kill redis", 0.55), ("drop PG connections", 0.75)]
            for name, frac in plan:
                await asyncio.sleep(max(0.0, rec.t0 + frac * args.seconds - time.monotonic()))
                start = rec.now()
                if name == "kill redis" and not topo.redis:
                    rec.windows.append(("redis: skipped (no redis-server)", start, start))
                    continue
                if name == "drop PG connections":
                    await topo.drop_connections()
                    rec.windows.append((name, start, rec.now() + FAULT_RECOVERY))
                    continue
                target = name.split()[1]
                topo.kill(target)
                await asyncio.sleep(args.down_seconds)
                topo.start(target)
                if target.startswith("serve"):
                    await topo.wait_serving(target)
                else:
                    await asyncio.sleep(2)
                rec.windows.append((name, start, rec.now() + FAULT_RECOVERY))

        rec.t0 = time.monotonic()  # the clock of the report starts with the traffic (setup is not timed)
        end = args.seconds
        await asyncio.gather(faults(), *(lane(i) for i in range(len(holders))))
        traffic_end = rec.now()
        drained = await drain(topo, args.drain_seconds)
        checks = await check(topo, rec, receiver, party)
        rp.should_exit = True
        await rp_task
        await http.aclose()
        metrics = scrape_worker(topo)
        return {"rec": rec, "receiver": receiver, "checks": checks, "drained": drained,
                "traffic_seconds": traffic_end, "metrics": metrics, "redis": topo.redis, "data_dir": topo.data_dir}
    finally:
        topo.stop_all()
        if not args.keep:
            topo.drop_database()


async def drain(topo: Topology, seconds: float) -> float:
    """Waits until the outbox has delivered everything (leases of a killed worker expire first)."""
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine(topo.database_url)
    t0 = time.monotonic()
    try:
        while time.monotonic() - t0 < seconds:
            async with engine.connect() as conn:
                left = (await conn.execute(text("SELECT count(*) FROM outbox_messages WHERE delivered_at IS NULL "
                                                "AND next_attempt_at IS NOT NULL"))).scalar_one()
            if left == 0:
                return time.monotonic() - t0
            await asyncio.sleep(1)
        return -1.0
    finally:
        await engine.dispose()


async def check(topo: Topology, rec: Record, receiver: FaultyReceiver, party) -> dict[str, tuple[bool, str]]:
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine(topo.database_url)
    out: dict[str, tuple[bool, str]] = {}
    try:
        async with engine.connect() as conn:
            async def q(sql: str):
                return (await conn.execute(text(sql))).all()

            confirmed_db = {r[0] for r in await q("SELECT t_id FROM scan_sessions WHERE status = 'CONFIRMED'")}
            paid_twice = await q("SELECT order_id FROM payments WHERE status = 'SUCCEEDED' GROUP BY order_id "
                                 "HAVING count(*) > 1")
            fulfilled_twice = await q("SELECT order_id FROM entitlements WHERE order_id IS NOT NULL "
                                      "GROUP BY order_id HAVING count(*) > 1")
            paid_db = {str(r[0]) for r in await q("SELECT id FROM orders WHERE status IN ('PAID', 'FULFILLED')")}
            accounts = {r[0] for r in await q("SELECT phone FROM accounts WHERE phone LIKE '135%'")}
            given_up = (await q("SELECT count(*) FROM outbox_messages WHERE delivered_at IS NULL "
                                "AND next_attempt_at IS NULL"))[0][0]
    finally:
        await engine.dispose()
    missing = [t for t in confirmed_db if receiver.received[f"{t}-CONFIRMED"] < 1]
    twice = [e for e, n in receiver.processed.items() if n != 1]
    out["every confirmed scan's callback delivered ≥ 1"] = (not missing, f"{len(confirmed_db)} confirmed, "
                                                              f"{len(missing)} without a delivery")
    out["each event processed once (by eventId)"] = (not twice and all(
        f"{t}-CONFIRMED" in party.events_seen for t in confirmed_db), f"{sum(receiver.processed.values())} "
                                                                       f"processed, {len(twice)} more than once")
    out["confirmed: app = database"] = (rec.confirmed <= confirmed_db,
                                         f"app saw {len(rec.confirmed)}, database {len(confirmed_db)}"
                                         " (a confirm whose answer was lost in a fault counts only in the database)")
    out["no order paid or fulfilled twice"] = (not paid_twice and not fulfilled_twice,
                                               f"{len(paid_twice)} paid twice, {len(fulfilled_twice)} fulfilled twice")
    out["paid: app = database"] = (rec.paid_orders <= paid_db_ids(paid_db, rec.paid_orders),
                                   f"app saw {len(rec.paid_orders)} paid, database {len(paid_db)}")
    lost = sum(1 for f in rec.flows if f.kind == "REGISTER" and not f.ok)
    out["registrations: app = database"] = (rec.registered <= accounts <= rec.registered | accounts
                                            and len(accounts) <= len(rec.registered) + lost,
                                            f"app saw {len(rec.registered)}, database {len(accounts)}, "
                                            f"{lost} answers lost in faults")
    out["outbox: nothing given up"] = (given_up == 0, f"{given_up} given up")
    bad = [c for c in rec.calls if (c.status >= 500 or c.status == 0) and not rec.in_window(c.at, c.seconds)]
    out["no 5xx outside the fault windows"] = (not bad, f"{len(bad)} outside, "
                                               f"{sum(1 for c in rec.calls if c.status >= 500)} in all")
    failed = [f for f in rec.flows if not f.ok and not rec.in_window(f.at, f.seconds)]
    out["no failed flow outside the fault windows"] = (not failed, f"{len(failed)} outside" + (
        f"; first: {failed[0].kind}: {failed[0].error}" if failed else ""))
    return out


def paid_db_ids(paid_db: set[str], app_ids: set[str]) -> set[str]:
    """The app knows orders by global id; the database by uuid."""
    from graphql_schema.common.node import from_global_id

    known = set()
    for gid in app_ids:
        ref = from_global_id(gid)
        if ref is not None and str(ref[1]) in paid_db:
            known.add(gid)
    return known


def scrape_worker(topo: Topology) -> dict[str, float]:
    from prometheus_client.parser import text_string_to_metric_families

    try:
        text = httpx.get(topo.metrics_url("metrics_worker"), timeout=5).text
    except httpx.HTTPError:
        return {}
    out: dict[str, float] = defaultdict(float)
    for fam in text_string_to_metric_families(text):
        for s in fam.samples:
            if s.name == "sxq_outbox_deliveries_total" and s.labels.get("topic") == "platform.callback":
                out[f"callbacks {s.labels['outcome']}"] += s.value
    return dict(out)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    return s[min(len(s) - 1, int(round(q * (len(s) - 1))))]


def report(r: dict[str, Any], args) -> tuple[str, bool]:
    rec: Record = r["rec"]
    calls_out = [c for c in rec.calls if not rec.in_window(c.at, c.seconds)]
    kinds = Counter(f.kind for f in rec.flows if f.ok)
    failed = Counter(f.kind for f in rec.flows if not f.ok)
    lat = [c.seconds for c in calls_out if c.status and c.status < 500]
    lines = [
        f"soak: {r['traffic_seconds']:.0f} s, {args.lanes} lanes, 2 serve + 1 worker on PostgreSQL"
        + (" + Redis" if r["redis"] else " (no redis-server: Redis fault skipped)") + ", behind bench/proxy.py",
        "flows ok: " + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items()))
        + ("; failed: " + ", ".join(f"{k} {n}" for k, n in sorted(failed.items())) if failed else ""),
        f"requests: {len(rec.calls)} ({len(rec.calls) / max(r['traffic_seconds'], 1):.1f}/s); outside the fault "
        f"windows p50 {percentile(lat, .5) * 1000:.0f} ms, p99 {percentile(lat, .99) * 1000:.0f} ms, "
        f"max {max(lat, default=0) * 1000:.0f} ms",
        "faults: " + "; ".join(f"{n} at {a:.0f}–{b:.0f} s" for n, a, b in rec.windows),
        f"receiver: {r['receiver'].answered_500} answered 500, {r['receiver'].hung} hung; worker metrics: "
        + ", ".join(f"{k} {v:.0f}" for k, v in sorted(r["metrics"].items())),
        f"outbox drained {r['drained']:.0f} s after the traffic" if r["drained"] >= 0 else "outbox NOT drained",
    ]
    ok = r["drained"] >= 0
    for name, (passed, detail) in r["checks"].items():
        lines.append(f"  [{'ok' if passed else 'FAIL'}] {name}: {detail}")
        ok = ok and passed
    if args.max_p99_ms and percentile(lat, .99) * 1000 > args.max_p99_ms:
        lines.append(f"  [FAIL] p99 outside the windows above {args.max_p99_ms} ms")
        ok = False
    lines.append("PASS" if ok else "FAIL")
    return "\n".join(lines), ok


def chart(r: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rec: Record = r["rec"]
    width = 5.0
    buckets: dict[int, list[Call]] = defaultdict(list)
    for c in rec.calls:
        buckets[int(c.at // width)].append(c)
    xs = sorted(buckets)
    t = [x * width for x in xs]
    rate = [len(buckets[x]) / width for x in xs]
    errors = [sum(1 for c in buckets[x] if c.status >= 500) / width for x in xs]
    failed: dict[int, int] = defaultdict(int)
    for f in rec.flows:
        if not f.ok:
            failed[int((f.at + f.seconds) // width)] += 1
    p50 = [percentile([c.seconds for c in buckets[x]], .5) * 1000 for x in xs]
    p99 = [percentile([c.seconds for c in buckets[x]], .99) * 1000 for x in xs]
    fig, (a, b) = plt.subplots(2, 1, figsize=(10, 6), sharex=True)
    a.plot(t, rate, label="requests/s")
    a.plot(t, errors, label="5xx answers/s", color="tab:red")
    a.plot(t, [failed.get(x, 0) / width for x in xs], label="failed flows/s (5xx, lost connections)",
           color="tab:orange", linestyle="--")
    a.set_ylabel("per second")
    a.legend(loc="upper right")
    b.plot(t, p50, label="p50")
    b.plot(t, p99, label="p99")
    b.set_ylabel("latency (ms)")
    b.set_xlabel("seconds")
    b.set_yscale("log")
    b.legend(loc="upper right")
    for name, start, end in rec.windows:
        for ax in (a, b):
            ax.axvspan(start, max(end, start + 0.5), color="grey", alpha=0.2)
        a.annotate(name, (start, max(rate, default=1)), fontsize=7, rotation=90, va="top")
    fig.suptitle("soak: 2 serve + 1 worker on PostgreSQL + Redis behind a proxy; fault windows shaded")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=90)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--lanes", type=int, default=4, help="concurrent users (each a holder with a phone)")
    ap.add_argument("--down-seconds", type=float, default=3, help="how long a killed process stays down")
    ap.add_argument("--drain-seconds", type=float, default=120)
    ap.add_argument("--max-p99-ms", type=float, default=0, help="fail when p99 outside the windows exceeds this")
    ap.add_argument("--chart", type=Path, default=ROOT / "var" / "soak.png")
    ap.add_argument("--json", type=Path, default=None, help="also write the figures as JSON")
    ap.add_argument("--seed", type=int, default=16)
    ap.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = ap.parse_args()
    r = asyncio.run(run(args))
    text, ok = report(r, args)
    print(text)
    chart(r, args.chart)
    print(f"chart: {args.chart}; process logs (JSON lines): {r['data_dir']}")
    if args.json:
        args.json.write_text(json.dumps({"report": text, "ok": ok}, ensure_ascii=False, indent=1))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
