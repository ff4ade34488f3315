"""Which web origins may use /graphql from a browser page served elsewhere (SXQ_ALLOWED_ORIGINS).

Two checks share the one list. Browsers apply CORS to fetch/XHR (a preflight OPTIONS before a POST with
`Content-Type: application/json` or `Authorization`), but not to WebSocket handshakes: there the server must
check the `Origin` header itself (strawberry-graphql does, from `allowed_origins`, and refuses others with 403).
A trading platform's QR page follows a scan session over a WebSocket from the platform's own origin, so without
its origin in the list the page never leaves WAITING. Requests without an Origin (apps, servers, the tests'
clients) and same-origin pages are never affected."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit

from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp

# The example trading platform (examples/trading_platform) runs on port 9000 beside a sandbox on 8000, so a
# fresh sandbox lets its QR page subscribe; production allows nothing cross-origin unless configured.
SANDBOX_DEFAULT_ORIGINS = ("http://127.0.0.1:9000", "http://localhost:9000")

# What a browser client of the API sends: the JSON body, the bearer token, a platform's signed-request headers.
_ALLOWED_HEADERS = ("authorization", "content-type", "x-platform-code", "x-timestamp", "x-nonce", "x-signature")


def parse_allowed_origins(raw: str) -> tuple[str, ...]:
    """The comma-separated SXQ_ALLOWED_ORIGINS, each an exact origin (`scheme://host[:port]`, no path, no
    wildcard), normalised as browsers send them (lower case, default port left out). Empty: none."""
    out: list[str] = []
    for item in (part.strip() for part in raw.split(",")):
        if not item:
            continue
        origin = normalise_origin(item)
        if origin is None:
            raise ValueError(f"SXQ_ALLOWED_ORIGINS: {item!r} is not an exact origin such as https://platform.example")
        if origin not in out:
            out.append(origin)
    return tuple(out)


def normalise_origin(value: str) -> str | None:
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        return None
    if (parts.scheme not in ("http", "https") or not parts.hostname or "*" in value or parts.username
            or parts.password or parts.path not in ("", "/") or parts.query or parts.fragment):
        return None
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    if port is not None and port != {"http": 80, "https": 443}[parts.scheme]:
        host = f"{host}:{port}"
    return f"{parts.scheme}://{host}"


def with_cors(app: ASGIApp, origins: Sequence[str]) -> ASGIApp:
    """`app` behind CORS for exactly `origins`: a preflight from another origin is refused (400, no
    Access-Control-Allow-Origin), so the browser never sends the request. No credentials (cookies): the API
    authenticates with bearer tokens and signed headers."""
    return CORSMiddleware(app, allow_origins=list(origins), allow_methods=["GET", "POST"],
                          allow_headers=list(_ALLOWED_HEADERS), allow_credentials=False, max_age=600)
