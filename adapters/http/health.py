"""`GET /readyz`: may a load balancer send traffic here? The database answers, Redis answers (when configured),
the CA keys are loaded, and an outbox worker (in this process or `sxq worker`) has beaten recently. 503 names the
parts that failed, by kind of failure only (an error text may carry a URL with a password)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import text
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from adapters.observability.samplers import newest_beat

CHECK_TIMEOUT = 2.0


def readiness(container, settings):
    async def database() -> str:
        async with container.engine().connect() as conn:
            await conn.execute(text("SELECT 1"))
        return "ok"

    async def redis() -> str:
        import redis.asyncio as aioredis

        client = aioredis.Redis.from_url(settings.redis_url, socket_connect_timeout=1.0, socket_timeout=1.0)
        try:
            await client.ping()
        finally:
            await client.aclose()
        return "ok"

    async def ca_keys() -> str:
        await container.certificate_authority().ensure_ready()
        return "ok"

    async def worker() -> str:
        newest = await newest_beat(container.session_factory())
        if newest is None:
            raise _NotReady("no heartbeat")
        age = container.clock().now() - newest
        if age > settings.heartbeat_max_age:
            raise _NotReady(f"last heartbeat {int(age / timedelta(seconds=1))} s ago")
        return "ok"

    checks = {"database": database, "ca_keys": ca_keys, "worker": worker}
    if settings.redis_url:
        checks["redis"] = redis

    async def run(name: str, check) -> tuple[str, str | None]:
        try:
            return name, await asyncio.wait_for(check(), CHECK_TIMEOUT)
        except _NotReady as why:
            return name, f"failed: {why}"
        except TimeoutError:
            return name, "failed: timed out"
        except Exception as exc:
            return name, f"failed: {type(exc).__name__}"

    async def readyz(_: Request) -> Response:
        results = dict(await asyncio.gather(*(run(n, c) for n, c in checks.items())))
        failed = sorted(n for n, r in results.items() if r != "ok")
        body = {"status": "not ready" if failed else "ready", "checks": results}
        if failed:
            body["failed"] = failed
        return JSONResponse(body, status_code=503 if failed else 200, headers={"Cache-Control": "no-store"})

    return readyz


class _NotReady(Exception):
    pass
