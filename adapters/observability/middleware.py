"""One ASGI middleware around the whole app: the request id (taken from `X-Request-ID` when it is a plain token,
else made; returned in the response), the HTTP metrics by route template, and one log line per request."""

from __future__ import annotations

import logging
import time
from typing import Any

from starlette.routing import Match

from adapters.observability import metrics
from adapters.observability.context import RequestInfo, accept_request_id, bound

log = logging.getLogger("sxq.request")

# Probes are counted but not logged at INFO: a load balancer's every-few-seconds check would drown the log.
_QUIET = frozenset({"/healthz", "/readyz"})


def route_template(routes: list[Any], scope: dict) -> str:
    for route in routes:
        match, _ = route.matches(scope)
        if match is Match.FULL:
            return getattr(route, "path", "unmatched") or "unmatched"
    return "unmatched"


class ObservabilityMiddleware:
    def __init__(self, app: Any, routes: list[Any]) -> None:
        self.app, self.routes = app, routes

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        header = next((v.decode("latin-1") for k, v in scope.get("headers", []) if k == b"x-request-id"), None)
        info = RequestInfo(request_id=accept_request_id(header))
        if scope["type"] == "websocket":
            with bound(info):
                await self.app(scope, receive, send)
            return
        route, method = route_template(self.routes, scope), scope.get("method", "GET")
        status = 500
        request_id = info.request_id.encode()

        async def send_with_id(message: dict) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", request_id)]
            await send(message)

        start = time.perf_counter()
        with bound(info):
            try:
                await self.app(scope, receive, send_with_id)
            finally:
                elapsed = time.perf_counter() - start
                metrics.HTTP_REQUESTS.labels(route, method, metrics.status_class(status)).inc()
                metrics.HTTP_SECONDS.labels(route, method).observe(elapsed)
                log.log(logging.DEBUG if route in _QUIET else logging.INFO, "%s %s %s", method, route, status,
                        extra={"route": route, "method": method, "status": status,
                               "duration_ms": round(elapsed * 1000, 1)})
