"""The GraphQL view's part: each operation timed and counted by name, its userErrors counted by code, and the
operation and principal recorded for the request's log lines. A mixin for the strawberry view (adapters/http/app.py)."""

from __future__ import annotations

import time
from typing import Any

from adapters.observability import metrics
from adapters.observability.context import current


class ObservedGraphQL:
    async def execute_single(self, *args: Any, **kwargs: Any) -> Any:
        data = kwargs.get("request_data")
        name = metrics.operation_label(getattr(data, "operation_name", None), getattr(data, "query", None))
        info = current()
        if info is not None:
            info.operation = name
        start = time.perf_counter()
        outcome, kind = "error", _operation_type(getattr(data, "query", None))
        try:
            result = await super().execute_single(*args, **kwargs)  # type: ignore[misc]
            codes = metrics.user_error_codes(result.data) if result.data else []
            metrics.count_user_errors(codes)
            outcome = "error" if result.errors else ("user_error" if codes else "ok")
            return result
        finally:
            metrics.GRAPHQL_REQUESTS.labels(name, kind, outcome).inc()
            metrics.GRAPHQL_SECONDS.labels(name).observe(time.perf_counter() - start)


def _operation_type(query: str | None) -> str:
    text = (query or "").lstrip()
    for kind in ("mutation", "subscription"):
        if text.startswith(kind):
            return kind
    return "query"


def record_principal(principal: Any) -> None:
    """The account or operator id (never a name or phone) for the request's log lines."""
    info = current()
    if info is None or principal is None:
        return
    if getattr(principal, "is_account", False):
        info.account_id = str(principal.id)
    else:
        info.operator_id = str(principal.id)
