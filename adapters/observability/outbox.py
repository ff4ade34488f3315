"""Watches outbox deliveries: each runs under the request id of the request that wrote the message (its log lines,
and the `X-Request-ID` of a callback to a platform), as a span linked to that request's trace, and counts."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from adapters.observability import metrics
from adapters.observability.context import RequestInfo, bound, new_request_id
from adapters.observability.tracing import delivery_span
from application.accounts.sms_codes import SMS_TOPIC
from application.ports import OutboxMessage


class ObservedDeliveries:
    @contextlib.contextmanager
    def delivering(self, message: OutboxMessage) -> Iterator[object]:
        info = RequestInfo(request_id=message.request_id or new_request_id(), operation=f"outbox:{message.topic}")
        with bound(info), delivery_span(message.topic, message.traceparent,
                                        {"sxq.outbox.topic": message.topic, "sxq.outbox.message_id": str(message.id),
                                         "sxq.outbox.attempt": message.attempts + 1}) as span:
            yield span

    def finished(self, message: OutboxMessage, outcome: str, seconds: float) -> None:
        metrics.OUTBOX_DELIVERIES.labels(message.topic, outcome).inc()
        metrics.OUTBOX_DELIVERY_SECONDS.labels(message.topic).observe(seconds)
        if message.topic == SMS_TOPIC and outcome == "delivered":
            metrics.SMS_SENT.inc()


async def add_request_id(request) -> None:
    """httpx request hook: outgoing calls (callbacks to platforms, vendors) carry the current request id."""
    from adapters.observability.context import current_request_id

    if (rid := current_request_id()) is not None and "x-request-id" not in request.headers:
        request.headers["X-Request-ID"] = rid
