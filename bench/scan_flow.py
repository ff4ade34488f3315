"""Complete LOGIN flows per second against a running server with 2 uvicorn workers:
create (signed platform request) → scanQrCode → confirmScanSession, two calls with the phone co-signing in
between (SPEC §C: the first answers the signing request for the LOGIN challenge, sxq_phone checks it against the
screen and computes its half under the PIN, the second sends the co-signature; the server finishes and verifies
the SM2 signature) → callback received by the platform over HTTP and verified (SM2 signature by the
callback-signing certificate). Latency percentiles per flow.

    .venv/bin/python bench/scan_flow.py [--flows 200] [--concurrency 8] [--workers 2]
    .venv/bin/python bench/scan_flow.py --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/scratch
    .venv/bin/python bench/scan_flow.py --profile 40      # in-process cProfile of 40 flows: where time goes

Setup (not timed): a fresh SQLite database in a temp dir (or the given scratch PostgreSQL database), migrated;
the platform registered with `sxq platform register` (which also creates the sandbox CA); one holder per lane
registered and verified through the API with the tests' helpers, who enrols a phone (sxq_phone, its PIN KDF at
scrypt log2 N = 10, the library's minimum: a bench measures the server, and the phone's KDF runs on the phone),
claims a certificate pair (co-signed) and gets an entitlement on the platform. The phone's co-signing runs in
the bench's process and is part of each flow's latency, as the app's would be.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import os
import pstats
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

CODE = "BENCHPF0001"
MASTER_KEY = "5a" * 32


PIN = "135790"
PHONE_KDF_LOG_N = 10


def _env(data_dir: Path, db_url: str | None) -> dict[str, str]:
    env = {**os.environ, "SXQ_DATA_DIR": str(data_dir), "SXQ_MASTER_KEY": MASTER_KEY, "SXQ_LOG_LEVEL": "WARNING",
           "SXQ_PASSWORD_SCRYPT_N": "16384"}
    env.pop("SXQ_DATABASE_URL", None)
    if db_url:
        env["SXQ_DATABASE_URL"] = db_url
    return env


def _register(env: dict[str, str], data_dir: Path, public_pem: str, callback_url: str) -> str:
    """`sxq platform register`; returns the callback-signing certificate PEM it prints."""
    (data_dir / "platform.pub.pem").write_text(public_pem)
    reg = subprocess.run([sys.executable, "-m", "adapters.cli.main", "platform", "register", "--code", CODE,
                          "--name", "压测平台", "--region", "北京市", "--callback-url", callback_url,
                          "--public-key-file", str(data_dir / "platform.pub.pem")], env=env, capture_output=True,
                         text=True, cwd=ROOT)
    assert reg.returncode == 0, reg.stderr
    return reg.stdout


def _start_server(env: dict[str, str], port: int, workers: int) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "uvicorn", "adapters.http.asgi:app", "--host", "127.0.0.1",
                             "--port", str(port), "--workers", str(workers), "--log-level", "warning"],
                            env=env, cwd=ROOT)


def _settings(env: dict[str, str]):
    from adapters.bootstrap.settings import Settings

    return Settings.from_env(env)


@dataclass
class Holder:
    token: str
    phone: Any  # sxq_phone.Phone, enrolled under PIN


async def _holders(settings, platform_code: str, count: int) -> list[Holder]:
    """Registers, verifies and equips `count` holders (one per concurrent lane: one holder's confirms contend
    on his key's counter of failed co-signatures, by design) through an in-process app on the same database.
    Each enrols a phone (sxq_phone) and claims his pair with a co-signature."""
    from adapters.bootstrap.container import build_container
    from adapters.http.app import create_app
    from sxq_phone import Phone
    from tests.contract.test_certificates_flows import account_uuid, entitlement, verified
    from tests.support.graphql import GraphQLClient
    from tests.support.platform import entitlement_on

    container = build_container(settings)
    app = create_app(settings, container, run_worker=False)
    await container.certificate_authority().ensure_ready()
    from tests.support.data import id_number

    holders = []
    async with container.uow() as uow:
        platform = await uow.trading_platforms.by_code(platform_code)
    for i in range(count):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as http:
            gql = GraphQLClient(http)
            phone_number = f"139{i:08d}"
            account = await verified(gql, container, phone=phone_number, number=id_number(seq=f"{i:03d}"))
            d = await gql.op("RequestSmsCode", {"phone": phone_number, "purpose": "CERTIFICATE_PIN"})
            assert d["requestSmsCode"]["userErrors"] == [], d
            enrolment = Phone.start_enrolment()
            r = (await gql.op("EnrollSigningKey", {"smsCode": await gql.latest_code(phone_number),
                                                   "devicePublicShare": enrolment.device_public_share_b64}))
            r = r["enrollSigningKey"]
            assert r["userErrors"] == [], r
            phone = enrolment.finish(PIN, r["serverPublicShare"], r["signingKey"]["publicKey"],
                                     kdf_log_n=PHONE_KDF_LOG_N)
            gql.phones.keep(phone_number, phone)
            gql.adopt(phone_number)
            claimed = await gql.cosigned("ClaimPersonalCertificate",
                                         {"entitlementId": await entitlement(container, account)},
                                         "claimPersonalCertificate", "certificate.claim_personal", pin=PIN)
            assert claimed["userErrors"] == [], claimed
            await entitlement_on(container, account_uuid(account), platform.id, operations=("LOGIN",))
            holders.append(Holder(gql.token, phone))
    await container.face_verifier().wait_idle()
    await container.engine().dispose()
    return holders


SCAN = ("mutation($q: String!) { scanQrCode(input: {qrContent: $q}) { session { id tId platform { platformCode } "
        "usableCertificates { certificate { id } } } userErrors { code } } }")
CONFIRM = ("mutation($s: ID!, $c: ID!, $co: [CoSignatureInput!]) { confirmScanSession(input: {sessionId: $s, "
           "certificateId: $c, coSignatures: $co}) { signingRequests { id message serverCommitment publicKey } "
           "session { status } userErrors { code message } } }")


async def _flow(party, http: httpx.AsyncClient, base: str, holder: Holder, arrived: dict,
                phone_time: list[float] | None = None) -> float:
    from sxq_phone import OnScreen

    t0 = time.perf_counter()
    session = await party.start_login()
    t_id = session["tId"]
    done = arrived.setdefault(t_id, asyncio.Event())
    h = {"Authorization": f"Bearer {holder.token}"}
    r = (await http.post(f"{base}/graphql", json={"query": SCAN, "variables": {"q": session["qrContent"]}},
                         headers=h)).json()["data"]["scanQrCode"]
    assert not r["userErrors"], r
    view = r["session"]
    variables = {"s": view["id"], "c": view["usableCertificates"][0]["certificate"]["id"]}
    first = (await http.post(f"{base}/graphql", json={"query": CONFIRM, "variables": variables},
                             headers=h)).json()["data"]["confirmScanSession"]
    assert not first["userErrors"] and first["signingRequests"], first
    t_phone = time.perf_counter()
    co = holder.phone.co_sign_all(first["signingRequests"], PIN, OnScreen.scan(view["tId"],
                                                                               view["platform"]["platformCode"]))
    if phone_time is not None:
        phone_time.append(time.perf_counter() - t_phone)
    c = (await http.post(f"{base}/graphql", json={"query": CONFIRM, "variables": {
        **variables, "co": [x.as_input() for x in co]}}, headers=h)).json()["data"]["confirmScanSession"]
    assert not c["userErrors"] and c["session"]["status"] == "CONFIRMED", c
    await asyncio.wait_for(done.wait(), 30)
    outcome = party.outcomes[t_id]
    assert outcome.verified and outcome.error is None, outcome.error
    return time.perf_counter() - t0


def _percentile(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(q * (len(s) - 1))))]


async def _run(args, data_dir: Path, env: dict[str, str]) -> dict:
    from examples.trading_platform import gm
    from examples.trading_platform.app import create_app as platform_app
    from examples.trading_platform.platform import RelyingParty
    from tests.support.ws import free_port

    key = gm.new_private_key()
    rp_port = free_port()
    callback_pem = await asyncio.to_thread(_register, env, data_dir, gm.public_key_pem(gm.public_key(key)),
                                           f"http://127.0.0.1:{rp_port}/sxq/callback")
    holders = await _holders(_settings(env), CODE, args.concurrency)

    port = free_port()
    server = await asyncio.to_thread(_start_server, env, port, args.workers)
    base = f"http://127.0.0.1:{port}"
    http = httpx.AsyncClient(timeout=30, limits=httpx.Limits(max_connections=64))
    try:
        for _ in range(300):
            try:
                if (await http.get(f"{base}/healthz")).status_code == 200:
                    break
            except httpx.TransportError:
                await asyncio.sleep(0.1)
        party = RelyingParty(server_url=base, platform_code=CODE, private_key=key,
                             callback_certificate_pem=callback_pem, http=http)
        arrived: dict[str, asyncio.Event] = {}
        inner = party.handle_callback

        async def handle(body, headers):
            outcome = await inner(body, headers)
            # Only once the result is checked: a late SCANNED callback also returns the (already CONFIRMED) outcome
            # while the CONFIRMED one is still verifying, which woke the flow too early (its "errors" before).
            if outcome is not None and outcome.status == "CONFIRMED" and (outcome.verified or outcome.error):
                arrived.setdefault(outcome.t_id, asyncio.Event()).set()
            return outcome

        party.handle_callback = handle  # type: ignore[method-assign]
        app = platform_app(party)
        import uvicorn

        rp = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=rp_port, lifespan="off", log_level="warning"))
        rp_task = asyncio.create_task(rp.serve())
        while not rp.started:  # noqa: ASYNC110 - uvicorn's Server offers a flag, not an event
            await asyncio.sleep(0.02)

        for holder in holders:  # warm-up: connections, caches, the CA's signer keys
            await _flow(party, http, base, holder, arrived)
        latencies: list[float] = []
        phone_time: list[float] = []
        errors = 0
        per_lane = -(-args.flows // len(holders))

        async def lane(holder: Holder):
            nonlocal errors
            for _ in range(per_lane):
                try:
                    latencies.append(await _flow(party, http, base, holder, arrived, phone_time))
                except Exception as exc:  # counted, and shown once
                    if errors == 0:
                        print(f"flow failed: {type(exc).__name__}: {exc}", file=sys.stderr)
                    errors += 1

        t0 = time.perf_counter()
        await asyncio.gather(*(lane(h) for h in holders))
        wall = time.perf_counter() - t0
        rp.should_exit = True
        await rp_task
        if not latencies:
            raise SystemExit(f"no flow completed ({errors} errors)")
        return {"flows": len(latencies), "errors": errors, "seconds": wall, "flows_per_s": len(latencies) / wall,
                "phone_ms": sum(phone_time) / len(phone_time) * 1000,
                "p50_ms": _percentile(latencies, 0.50) * 1000, "p90_ms": _percentile(latencies, 0.90) * 1000,
                "p99_ms": _percentile(latencies, 0.99) * 1000, "max_ms": max(latencies) * 1000}
    finally:
        await http.aclose()
        server.terminate()
        server.wait(timeout=20)


async def _profile(args, data_dir: Path, env: dict[str, str]) -> str:
    """The same flow in one process (ASGI in-process, callbacks delivered by the dispatcher to an in-process
    platform app), under cProfile: where a flow's CPU goes, with the phone's share (sxq_phone co-signing under
    the PIN, in this process: it runs on the phone in production) apart."""
    from adapters.bootstrap.container import build_container
    from adapters.http.app import create_app
    from examples.trading_platform import gm
    from examples.trading_platform.app import create_app as platform_app
    from examples.trading_platform.platform import RelyingParty

    key = gm.new_private_key()
    callback_pem = await asyncio.to_thread(_register, env, data_dir, gm.public_key_pem(gm.public_key(key)),
                                           "http://platform.bench/sxq/callback")
    settings = _settings(env)
    (holder,) = await _holders(settings, CODE, 1)
    container = build_container(settings)
    sxq = create_app(settings, container, run_worker=False)
    sxq_http = httpx.AsyncClient(transport=httpx.ASGITransport(app=sxq), base_url="http://sxq.bench")
    party = RelyingParty(server_url="http://sxq.bench", platform_code=CODE, private_key=key,
                         callback_certificate_pem=callback_pem, http=sxq_http)
    rp_transport = httpx.ASGITransport(app=platform_app(party))
    container.http_client.override(httpx.AsyncClient(transport=rp_transport))  # callbacks reach the platform app
    dispatcher = container.dispatcher()
    arrived: dict[str, asyncio.Event] = {}
    inner = party.handle_callback

    async def handle(body, headers):
        outcome = await inner(body, headers)
        if outcome is not None and outcome.status == "CONFIRMED" and (outcome.verified or outcome.error):
            arrived.setdefault(outcome.t_id, asyncio.Event()).set()
        return outcome

    party.handle_callback = handle  # type: ignore[method-assign]

    async def flow():
        # The outbox worker's pass is run here after each step instead of on a timer, so that the profile
        # holds the flow and not a polling loop.
        task = asyncio.create_task(_flow(party, sxq_http, "http://sxq.bench", holder, arrived, phone_time))
        while not task.done():
            await asyncio.sleep(0.001)
            if await dispatcher.dispatch_due() == 0:
                await asyncio.sleep(0.005)
        return task.result()

    phone_time: list[float] = []
    for _ in range(5):
        await flow()
    phone_time.clear()
    t_plain = time.perf_counter()
    for _ in range(args.profile):
        await flow()
    plain = (time.perf_counter() - t_plain) / args.profile
    phone_per_flow = sum(phone_time) / args.profile
    prof = cProfile.Profile()
    t0 = time.perf_counter()
    prof.enable()
    for _ in range(args.profile):
        await flow()
    prof.disable()
    wall = time.perf_counter() - t0
    stats = pstats.Stats(prof)
    total = stats.total_tt

    def cum(pred) -> float:
        return sum(v[3] for k, v in stats.stats.items() if pred(k))

    groups = {
        "the phone (sxq_phone: PIN KDF, co-sign)": sum(v[2] for k, v in stats.stats.items() if "sxq_phone" in k[0]),
        "SM2 (gmalglib sign/verify/encrypt)": cum(lambda k: "gmalglib" in k[2] or "SM2" in k[2] and "built-in" in k[2]),
        "SQLAlchemy (ORM + driver)": sum(v[2] for k, v in stats.stats.items() if "sqlalchemy" in k[0] or "aiosqlite" in k[0] or "asyncpg" in k[0]),
        "GraphQL (strawberry + graphql-core)": sum(v[2] for k, v in stats.stats.items() if "strawberry" in k[0] or "/graphql/" in k[0]),
        "asn1crypto (certs, CMS, OCSP DER)": sum(v[2] for k, v in stats.stats.items() if "asn1crypto" in k[0]),
        "httpx / ASGI plumbing": sum(v[2] for k, v in stats.stats.items() if "httpx" in k[0] or "starlette" in k[0]),
    }
    out = io.StringIO()
    out.write(f"without the profiler: {plain * 1000:.1f} ms per flow, of which the phone's co-signing (sxq_phone, "
              f"PIN KDF scrypt log2 N={PHONE_KDF_LOG_N}; on the phone in production) {phone_per_flow * 1000:.1f} ms = "
              f"{phone_per_flow / plain * 100:.0f} %\n")
    out.write(f"profiled {args.profile} LOGIN flows in one process: {wall:.2f} s wall, {total:.2f} s profiled CPU, "
              f"{wall / args.profile * 1000:.1f} ms per flow (profiler overhead included)\n")
    out.write("main-thread CPU by library (own time):\n")
    for name, secs in groups.items():
        out.write(f"  {name:40s} {secs:7.2f} s  {secs / total * 100:5.1f} %\n")
    out.write("top 15 by own time:\n")
    s = io.StringIO()
    pstats.Stats(prof, stream=s).sort_stats("tottime").print_stats(15)
    out.write("\n".join(s.getvalue().splitlines()[6:24]) + "\n")
    await sxq_http.aclose()
    await container.engine().dispose()
    return out.getvalue()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--flows", type=int, default=200)
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--database-url", default=None, help="a scratch PostgreSQL database (default: fresh SQLite)")
    ap.add_argument("--profile", type=int, default=0, help="instead: cProfile this many flows in-process")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="sxq-bench-") as tmp:
        data_dir = Path(tmp)
        env = _env(data_dir, args.database_url)
        mig = subprocess.run([sys.executable, "-m", "adapters.cli.main", "migrate"], env=env, capture_output=True,
                             text=True, cwd=ROOT)
        if mig.returncode != 0:
            print(mig.stderr, file=sys.stderr)
            return 2
        os.environ.update({k: v for k, v in env.items() if k.startswith("SXQ_")})
        if args.profile:
            print(asyncio.run(_profile(args, data_dir, env)))
            return 0
        r = asyncio.run(_run(args, data_dir, env))
    engine = "PostgreSQL" if args.database_url else "SQLite"
    print(f"{engine}, {args.workers} workers, concurrency {args.concurrency}: "
          f"{r['flows']} LOGIN flows in {r['seconds']:.2f} s = {r['flows_per_s']:.1f} flows/s; latency p50 "
          f"{r['p50_ms']:.0f} ms, p90 {r['p90_ms']:.0f} ms, p99 {r['p99_ms']:.0f} ms, max {r['max_ms']:.0f} ms "
          f"(of which the phone's co-signing {r['phone_ms']:.1f} ms on average); errors {r['errors']}")
    return 0 if r["errors"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
