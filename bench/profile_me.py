"""Where an authenticated `Me` goes: SQL statements, units of work and a cProfile, in-process (no HTTP socket).

    .venv/bin/python bench/profile_me.py --n 500 [--database-url postgresql+asyncpg://…/scratch] [--top 25]

A fresh migrated SQLite database in a temp dir by default (or the given scratch PostgreSQL database, whose
tables are emptied first); one account registered through the contract documents; then `--n` sequential `Me`
requests through the real ASGI app (httpx ASGITransport). Prints the mean time a request, the SQL statements a
request (counted by a SQLAlchemy `before_cursor_execute` listener, BEGIN/COMMIT/ROLLBACK included when the
driver sends them) and the top functions by cumulative and by library. Every answer is checked.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import cProfile
import io
import pstats
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def library_of(filename: str) -> str:
    for lib in ("sqlalchemy", "strawberry", "graphql", "starlette", "httpx", "aiosqlite", "asyncpg",
                "dependency_injector", "sqlite3", "asyncio", "pydantic"):
        if f"/{lib}/" in filename:
            return lib
    if str(ROOT) in filename:
        return "ours:" + filename.removeprefix(str(ROOT) + "/").split("/")[0]
    return "other"


async def run(args) -> None:
    import httpx
    from sqlalchemy import event, text

    from adapters.bootstrap.container import build_container
    from adapters.bootstrap.settings import Settings
    from adapters.http.app import create_app
    from adapters.persistence.schema import metadata
    from tests.support.graphql import GraphQLClient

    tmp, url = args.tmp, args.url
    settings = Settings(mode="sandbox", data_dir=tmp / "data", database_url=url, password_scrypt_n=2**10,
                        master_key="5a" * 32)
    container = build_container(settings)
    engine = container.engine()
    if args.database_url:
        async with engine.begin() as conn:
            for table in reversed(metadata.sorted_tables):
                await conn.execute(text(f"DELETE FROM {table.name}"))
    app = create_app(settings, container, run_worker=False)
    statements: list[str] = []
    checkouts = [0]
    engines = {id(e.sync_engine.pool): e for e in (engine, getattr(container, "read_engine", lambda: engine)())}
    for e in engines.values():
        event.listen(e.sync_engine, "before_cursor_execute",
                     lambda _c, _cur, stmt, *_a: statements.append(stmt[:70] + " … " + stmt[-90:].replace("\n", " ")))
        event.listen(e.sync_engine.pool, "checkout", lambda *_a: checkouts.__setitem__(0, checkouts[0] + 1))
    transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 5000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        gql = GraphQLClient(http)
        await gql.register("139" + "12345678")
        doc = gql.document("Me")
        headers = {"Authorization": f"Bearer {gql.token}"}

        async def me() -> None:
            resp = await http.post("/graphql", json={"query": doc, "variables": {}, "operationName": "Me"},
                                   headers=headers)
            body = resp.json()
            if resp.status_code != 200 or body.get("errors") or not body["data"]["me"]["id"]:
                raise RuntimeError(f"bad answer: {resp.status_code} {resp.text[:300]}")

        for _ in range(20):
            await me()
        statements.clear()
        checkouts[0] = 0
        await me()
        one = list(statements)
        n_checkouts = checkouts[0]
        t0 = time.perf_counter()
        for _ in range(args.n):
            await me()
        plain = time.perf_counter() - t0
        prof = cProfile.Profile()
        t0 = time.perf_counter()
        prof.enable()
        for _ in range(args.n):
            await me()
        prof.disable()
        dt = time.perf_counter() - t0
    await engine.dispose()  # the reader's pool closes with it

    print(f"`Me` in-process on {'PostgreSQL' if args.database_url else 'SQLite'}: {args.n} sequential requests, "
          f"{plain / args.n * 1000:.2f} ms a request ({dt / args.n * 1000:.2f} ms under cProfile)")
    print(f"SQL statements a request: {len(one)}, connection checkouts a request: {n_checkouts}")
    for s in one:
        print("   ", s)
    stats = pstats.Stats(prof)
    by_lib: collections.Counter = collections.Counter()
    total = 0.0
    for (filename, _line, _fn), (_cc, _nc, tt, _ct, _callers) in stats.stats.items():
        by_lib[library_of(filename)] += tt
        total += tt
    print("self time by library:")
    for lib, t in by_lib.most_common(14):
        print(f"   {lib:28} {t / total * 100:5.1f} %  {t / args.n * 1000:6.3f} ms a request")
    out = io.StringIO()
    pstats.Stats(prof, stream=out).sort_stats("cumulative").print_stats(args.top)
    print(out.getvalue())


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--n", type=int, default=500)
    p.add_argument("--top", type=int, default=30)
    p.add_argument("--database-url", default=None, help="a scratch PostgreSQL database (emptied first)")
    args = p.parse_args()
    from adapters.persistence.migrate import upgrade

    args.tmp = Path(tempfile.mkdtemp(prefix="sxq-profile-me-"))
    args.url = args.database_url or f"sqlite+aiosqlite:///{args.tmp / 'bench.db'}"
    upgrade(args.url)  # alembic runs its own event loop: before ours
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
