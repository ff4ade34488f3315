"""A real uvicorn serving an app inside the test's event loop, and a minimal graphql-transport-ws client."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
from collections.abc import AsyncIterator
from typing import Any

import uvicorn
from websockets.asyncio.client import connect


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.asynccontextmanager
async def serving(app, *, lifespan: str = "off", port: int | None = None) -> AsyncIterator[str]:
    """Serves `app` on `port` (default: a free one) in this event loop; yields its http:// base URL."""
    port = port or free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, lifespan=lifespan,
                                           log_level="warning", ws="websockets-sansio"))
    task = asyncio.create_task(server.serve())
    for _ in range(200):
        if server.started:
            break
        if task.done():
            task.result()
        await asyncio.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 10)


class SubscriptionError(AssertionError):
    pass


@contextlib.asynccontextmanager
async def subscription(base_url: str, query: str, variables: dict[str, Any], *,
                       init_payload: dict[str, Any] | None = None) -> AsyncIterator[AsyncIterator[dict]]:
    """Opens /graphql over graphql-transport-ws and subscribes (`init_payload` as connection_init's payload, e.g.
    {"Authorization": "Bearer …"}); yields an iterator of `data` payloads that raises SubscriptionError on an
    `error` message and stops on `complete`."""
    url = base_url.replace("http", "ws", 1) + "/graphql"
    async with connect(url, subprotocols=["graphql-transport-ws"], open_timeout=5) as ws:  # type: ignore[list-item]
        await ws.send(json.dumps({"type": "connection_init", "payload": init_payload or {}}))
        ack = json.loads(await asyncio.wait_for(ws.recv(), 5))
        assert ack["type"] == "connection_ack", ack
        await ws.send(json.dumps({"id": "1", "type": "subscribe",
                                  "payload": {"query": query, "variables": variables}}))

        async def events() -> AsyncIterator[dict]:
            while True:
                msg = json.loads(await ws.recv())
                if msg["type"] == "ping":
                    await ws.send(json.dumps({"type": "pong"}))
                elif msg["type"] == "next":
                    if msg["payload"].get("errors"):
                        raise SubscriptionError(json.dumps(msg["payload"]["errors"], ensure_ascii=False))
                    yield msg["payload"]["data"]
                elif msg["type"] == "error":
                    raise SubscriptionError(json.dumps(msg["payload"], ensure_ascii=False))
                elif msg["type"] == "complete":
                    return

        yield events()


async def collect(events: AsyncIterator[dict], field: str, *, seconds: float = 10.0) -> list[str]:
    """Every status until the stream completes."""
    out: list[str] = []

    async def run() -> None:
        async for data in events:
            out.append(data[field]["status"])

    await asyncio.wait_for(run(), seconds)
    return out
