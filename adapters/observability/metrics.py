"""Prometheus metrics (prometheus_client), served on their own address (`SXQ_METRICS_ADDR`), never the public port.

Several processes (uvicorn workers, `sxq worker`) stay correct through prometheus_client's multiprocess mode: when
`PROMETHEUS_MULTIPROC_DIR` is set before this module is imported (`sxq serve --workers N` sets it), every process
writes its samples to files there and the scrape adds them up. Labels are bounded: route templates (not paths),
GraphQL operation names (the first few hundred seen, then "other"), error codes, topics, statuses.

What an on-call engineer reads first:
- `sxq_outbox_deliveries_total{topic="platform.callback",outcome="failed"}` rising and
  `sxq_outbox_oldest_age_seconds{topic="platform.callback"}` growing: a platform's callback receiver is failing.
- `sxq_http_requests_total{status="5xx"}`, `sxq_graphql_request_seconds` by operation, `sxq_user_errors_total`.
"""

from __future__ import annotations

import os
import re
import threading
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, start_http_server
from prometheus_client import multiprocess as _mp

MULTIPROCESS = bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))

# Latency buckets for an API whose slow path is an SM2 co-signature and a PDF (tens to hundreds of ms).
_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

HTTP_REQUESTS = Counter("sxq_http_requests_total", "HTTP requests by route template, method and status class",
                        ["route", "method", "status"])
HTTP_SECONDS = Histogram("sxq_http_request_seconds", "HTTP request latency by route template",
                         ["route", "method"], buckets=_BUCKETS)
GRAPHQL_REQUESTS = Counter("sxq_graphql_requests_total",
                           "GraphQL operations by name, type and result (ok, user_error, error)",
                           ["operation", "type", "result"])
GRAPHQL_SECONDS = Histogram("sxq_graphql_request_seconds", "GraphQL operation latency by name",
                            ["operation"], buckets=_BUCKETS)
USER_ERRORS = Counter("sxq_user_errors_total", "userErrors returned, by code", ["code"])
SMS_SENT = Counter("sxq_sms_sent_total", "SMS handed to the carrier (outbox deliveries of sms.send)")
SMS_REFUSED = Counter("sxq_sms_refused_total", "SMS requests refused (cooldown, daily caps)", ["code"])
COSIGN_FAILURES = Counter("sxq_cosign_failures_total",
                          "PIN co-signature failures (PIN_INCORRECT) and refusals of a locked key (PIN_LOCKED)",
                          ["code"])
OUTBOX_DELIVERIES = Counter("sxq_outbox_deliveries_total",
                            "Outbox delivery attempts by topic and outcome (delivered, failed, given_up); "
                            "platform.callback is the callbacks to trading platforms",
                            ["topic", "outcome"])
OUTBOX_DELIVERY_SECONDS = Histogram("sxq_outbox_delivery_seconds", "Time spent in one delivery attempt",
                                    ["topic"], buckets=_BUCKETS)
OUTBOX_BACKLOG = Gauge("sxq_outbox_backlog", "Outbox messages not yet delivered (retrying included) by topic",
                       ["topic"], multiprocess_mode="mostrecent")
OUTBOX_OLDEST_AGE = Gauge("sxq_outbox_oldest_age_seconds", "Age of the oldest undelivered outbox message by topic",
                          ["topic"], multiprocess_mode="mostrecent")
OUTBOX_GIVEN_UP = Gauge("sxq_outbox_given_up", "Outbox messages given up after 24 h by topic", ["topic"],
                        multiprocess_mode="mostrecent")
SCAN_SESSIONS = Gauge("sxq_scan_sessions", "Scan sessions by status", ["status"], multiprocess_mode="mostrecent")
DB_POOL_CHECKED_OUT = Gauge("sxq_db_pool_checked_out", "Database connections in use", multiprocess_mode="livesum")
DB_POOL_SIZE = Gauge("sxq_db_pool_size", "Database pool size (connections kept open)", multiprocess_mode="livesum")
WORKER_HEARTBEAT = Gauge("sxq_worker_heartbeat_timestamp_seconds", "When this worker last finished a pass",
                         multiprocess_mode="max")

SMS_REFUSAL_CODES = frozenset({"SMS_COOLDOWN", "SMS_DAILY_LIMIT"})
COSIGN_CODES = frozenset({"PIN_INCORRECT", "PIN_LOCKED"})
_KNOWN_CODE = re.compile(r"[A-Z][A-Z0-9_]{0,63}", re.ASCII)
_OPERATION = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}", re.ASCII)
_OPERATION_IN_QUERY = re.compile(r"^\s*(?:#[^\n]*\n\s*)*(query|mutation|subscription)\s+([A-Za-z_][A-Za-z0-9_]*)",
                                 re.ASCII)
MAX_OPERATIONS = 300

_operations: set[str] = set()
_lock = threading.Lock()


def operation_label(name: str | None, query: str | None) -> str:
    """Operation names come from clients: a bounded set of labels, then "other" (a client cannot blow up the
    scrape by inventing names)."""
    if not name and query and (m := _OPERATION_IN_QUERY.match(query)):
        name = m.group(2)
    if not name:
        return "anonymous"
    if not _OPERATION.fullmatch(name):
        return "other"
    with _lock:
        if name in _operations:
            return name
        if len(_operations) >= MAX_OPERATIONS:
            return "other"
        _operations.add(name)
        return name


def status_class(status: int) -> str:
    return f"{status // 100}xx"


def user_error_codes(data: Any) -> list[str]:
    """Every `userErrors[].code` in a GraphQL result (the payload errors of the one error funnel)."""
    found: list[str] = []

    def walk(node: Any, key: str = "") -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, k)
        elif isinstance(node, list):
            if key == "userErrors":
                for item in node:
                    if isinstance(item, dict) and isinstance(code := item.get("code"), str):
                        found.append(code if _KNOWN_CODE.fullmatch(code) else "OTHER")
            else:
                for item in node:
                    walk(item)

    walk(data)
    return found


def count_user_errors(codes: list[str]) -> None:
    for code in codes:
        USER_ERRORS.labels(code).inc()
        if code in SMS_REFUSAL_CODES:
            SMS_REFUSED.labels(code).inc()
        if code in COSIGN_CODES:
            COSIGN_FAILURES.labels(code).inc()


def watch_pool(sync_engine) -> None:
    """Connections in use, kept exact by the pool's own checkout/checkin events."""
    from sqlalchemy import event

    size = getattr(sync_engine.pool, "size", None)
    if callable(size):
        DB_POOL_SIZE.inc(size())

    @event.listens_for(sync_engine, "checkout")
    def _out(*_: Any) -> None:
        DB_POOL_CHECKED_OUT.inc()

    @event.listens_for(sync_engine, "checkin")
    def _in(*_: Any) -> None:
        DB_POOL_CHECKED_OUT.dec()


def registry() -> CollectorRegistry:
    """What a scrape shows: this process's metrics, or every process's in multiprocess mode."""
    if MULTIPROCESS:
        reg = CollectorRegistry()
        _mp.MultiProcessCollector(reg)
        return reg
    from prometheus_client import REGISTRY

    return REGISTRY


def parse_addr(addr: str) -> tuple[str, int]:
    host, _, port = addr.rpartition(":")
    return (host.strip("[]") or "127.0.0.1"), int(port)


def serve_metrics(addr: str | None) -> Any:
    """Starts `GET /metrics` on its own address (a thread); None or empty: no metrics endpoint."""
    if not addr:
        return None
    host, port = parse_addr(addr)
    server, _thread = start_http_server(port, addr=host, registry=registry())
    return server


def mark_process_dead(pid: int) -> None:
    if MULTIPROCESS:
        _mp.mark_process_dead(pid)
