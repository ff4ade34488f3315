"""Bounded requests and the security headers of every response.

`BodyLimits` counts body bytes as they arrive (Content-Length is only believed when it already says too much) and
answers 413 before a handler has read more than the limit of the request's content type. Multipart uploads to
/graphql are parsed as they stream by `read_multipart`, which stops at the first file over its limit, the first
field over the JSON limit, or one part too many — so a 60 MB upload costs at most the limit, not 60 MB."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

from starlette.datastructures import FormData, Headers, MutableHeaders
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class RequestTooLarge(Exception):
    def __init__(self, message: str, code: str = "REQUEST_TOO_LARGE") -> None:
        super().__init__(message)
        self.message, self.code = message, code


@dataclass(frozen=True)
class BodyLimitSettings:
    json_bytes: int  # a JSON body, or any body that is not multipart
    multipart_bytes: int  # a whole multipart body
    file_bytes: int  # one file of a multipart body
    max_files: int
    max_fields: int = 2  # the GraphQL multipart request spec has two: operations and map
    multipart_paths: tuple[str, ...] = ("/graphql",)  # elsewhere a multipart body has the JSON limit


def error_body(message: str, code: str) -> bytes:
    """A GraphQL-style answer, for the requests refused before GraphQL could answer them."""
    return json.dumps({"data": None, "errors": [{"message": message, "extensions": {"code": code}}]},
                      ensure_ascii=False).encode()


async def _send_error(send: Send, status: int, message: str, code: str) -> None:
    body = error_body(message, code)
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json; charset=utf-8"),
                            (b"content-length", str(len(body)).encode()), (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


def _mib(n: int) -> str:
    return f"{n / (1024 * 1024):.0f}MB" if n >= 1024 * 1024 else f"{math.ceil(n / 1024)}KB"


class BodyLimits:
    def __init__(self, app: ASGIApp, limits: BodyLimitSettings) -> None:
        self.app, self.limits = app, limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        content_type = headers.get("content-type", "").split(";", 1)[0].strip().lower()
        multipart = content_type == "multipart/form-data" and scope.get("path") in self.limits.multipart_paths
        limit = self.limits.multipart_bytes if multipart else self.limits.json_bytes
        declared = headers.get("content-length")
        if declared is not None:
            if not declared.strip().isdigit():
                await _send_error(send, 400, "请求头 Content-Length 无效", "BAD_REQUEST")
                return
            if int(declared) > limit:  # refused before a byte of the body is read
                await _send_error(send, 413, f"请求体不能超过 {_mib(limit)}", "REQUEST_TOO_LARGE")
                return
        received = 0
        started = False

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:  # a lying or absent Content-Length: stop at the limit all the same
                    raise RequestTooLarge(f"请求体不能超过 {_mib(limit)}")
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except RequestTooLarge as exc:
            if started:
                raise
            await _send_error(send, 413, exc.message, exc.code)


class _BoundedMultiPartParser(MultiPartParser):
    """Starlette's parser with limits it lacks: the size of each file, and the count of parts by kind."""

    def __init__(self, headers: Headers, stream, limits: BodyLimitSettings) -> None:
        # Starlette's own counters stay on (unbounded) so its part bookkeeping runs; ours raise first.
        super().__init__(headers, stream, max_files=math.inf, max_fields=math.inf, max_part_size=2**62)
        self._limits = limits
        self._part_bytes = 0

    def on_part_begin(self) -> None:
        super().on_part_begin()
        self._part_bytes = 0

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        self._part_bytes += end - start
        is_file = self._current_part.file is not None
        limit = self._limits.file_bytes if is_file else self._limits.json_bytes
        if self._part_bytes > limit:
            if is_file:  # the code the use cases give an oversized file (they cannot see this one)
                raise RequestTooLarge(f"上传的文件不能超过 {_mib(limit)}", "FILE_TOO_LARGE")
            raise RequestTooLarge(f"表单字段不能超过 {_mib(limit)}")
        super().on_part_data(data, start, end)

    def on_headers_finished(self) -> None:
        super().on_headers_finished()
        if self._current_files > self._limits.max_files:
            raise RequestTooLarge(f"一次最多上传 {self._limits.max_files} 个文件")
        if self._current_fields > self._limits.max_fields:
            raise RequestTooLarge("表单字段过多")


class MalformedMultipart(Exception):
    pass


async def read_multipart(request: Request, limits: BodyLimitSettings) -> FormData:
    """The multipart body of a GraphQL upload, parsed as it streams in under the limits."""
    try:
        form = await _BoundedMultiPartParser(request.headers, request.stream(), limits).parse()
    except MultiPartException as exc:
        raise MalformedMultipart(exc.message) from None
    request._form = form  # noqa: SLF001 - so Request.close() closes the spooled files
    return form


class SecurityHeaders:
    """The headers every response carries. A route may set its own value first (setdefault)."""

    BASE = (
        ("x-content-type-options", "nosniff"),
        ("referrer-policy", "no-referrer"),
        ("x-frame-options", "DENY"),
        ("content-security-policy", "frame-ancestors 'none'"),
    )
    HSTS = ("strict-transport-security", "max-age=31536000; includeSubDomains")

    def __init__(self, app: ASGIApp, *, trust_proxy: bool) -> None:
        self.app, self.trust_proxy = app, trust_proxy

    def _https(self, scope: Scope) -> bool:
        if scope.get("scheme") == "https":
            return True
        if self.trust_proxy:
            proto = Headers(scope=scope).get("x-forwarded-proto", "")
            return proto.split(",")[0].strip().lower() == "https"
        return False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = (*self.BASE, self.HSTS) if self._https(scope) else self.BASE

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in extra:
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, with_headers)
