"""The request a piece of work belongs to: its id (from or to `X-Request-ID`), the GraphQL operation and who asked.

One mutable record per request in a context variable: the ASGI middleware makes it, the GraphQL view fills in the
operation and the principal (they are known only inside the request's task), the log formatter and the outbox read
it. Outbox deliveries run under the id of the request that wrote the message."""

from __future__ import annotations

import contextlib
import re
import uuid
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass

_VALID_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}", re.ASCII)


@dataclass
class RequestInfo:
    request_id: str
    operation: str | None = None
    account_id: str | None = None
    operator_id: str | None = None


_current: ContextVar[RequestInfo | None] = ContextVar("sxq_request", default=None)


def new_request_id() -> str:
    return uuid.uuid4().hex


def accept_request_id(header: str | None) -> str:
    """A caller's id is kept when it is a plain token (it goes into logs and headers); anything else is replaced,
    so a header cannot smuggle personal data or line breaks into the logs."""
    if header and _VALID_ID.fullmatch(header):
        return header
    return new_request_id()


def current() -> RequestInfo | None:
    return _current.get()


def current_request_id() -> str | None:
    info = _current.get()
    return info.request_id if info else None


@contextlib.contextmanager
def bound(info: RequestInfo) -> Iterator[RequestInfo]:
    token = _current.set(info)
    try:
        yield info
    finally:
        _current.reset(token)
