"""Request signing shared by our vendor adapters and the sandbox: HMAC-SM3 over timestamp and body."""

from __future__ import annotations

import hmac as std_hmac
import time

from adapters.security.crypto import hmac_sm3
from application.ports import InvalidCallback

SIGNATURE_HEADER = "x-signature"
TIMESTAMP_HEADER = "x-timestamp"
MAX_SKEW_SECONDS = 300


def sign(secret: bytes, body: bytes, timestamp: int | None = None) -> dict[str, str]:
    ts = int(time.time()) if timestamp is None else timestamp
    return {TIMESTAMP_HEADER: str(ts), SIGNATURE_HEADER: hmac_sm3(secret, str(ts).encode() + b"." + body).hex()}


def verify(secret: bytes, body: bytes, headers: dict[str, str], max_skew: int = MAX_SKEW_SECONDS) -> None:
    """Raises InvalidCallback unless the body carries a fresh, valid signature."""
    h = {k.lower(): v for k, v in headers.items()}
    try:
        ts = int(h[TIMESTAMP_HEADER])
        given = h[SIGNATURE_HEADER]
    except (KeyError, ValueError):
        raise InvalidCallback("missing signature")
    if abs(time.time() - ts) > max_skew:
        raise InvalidCallback("stale callback")
    if not std_hmac.compare_digest(sign(secret, body, ts)[SIGNATURE_HEADER], given):
        raise InvalidCallback("bad signature")
