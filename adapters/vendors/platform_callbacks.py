"""Delivers scan-session callbacks to a trading platform's callbackUrl, signed by our platform-callback
certificate (api/platform.graphql): X-Event-Id, X-Timestamp, X-Signature = base64 DER SM2 (ID
1234567812345678) over "{ts}\\n{eventId}\\n{lowercase hex SM3 of the body}"."""

from __future__ import annotations

import base64
import hashlib
import time
from collections.abc import Awaitable, Callable

import httpx

from application.crypto.ports import Sm2Backend
from application.scans.ports import CallbackDeliveryFailed

# (certificate, private key) of our platform-callback signer: adapters/ca/authority.service_signer.
SignerSource = Callable[[], Awaitable[tuple[object, bytes]]]


def callback_signing_string(timestamp: str, event_id: str, body: bytes) -> bytes:
    return f"{timestamp}\n{event_id}\n{hashlib.new('sm3', body).hexdigest()}".encode()


class HttpPlatformCallbackSender:
    def __init__(self, http: httpx.AsyncClient, signer: SignerSource, backend: Sm2Backend,
                 now: Callable[[], float] = time.time) -> None:
        self._http, self._signer, self._backend, self._now = http, signer, backend, now

    async def headers(self, event_id: str, body: bytes) -> dict[str, str]:
        _cert, key = await self._signer()
        ts = str(int(self._now()))
        signature = self._backend.sign(key, callback_signing_string(ts, event_id, body))
        return {"Content-Type": "application/json; charset=utf-8", "X-Event-Id": event_id, "X-Timestamp": ts,
                "X-Signature": base64.b64encode(signature).decode()}

    async def send(self, url: str, event_id: str, body: bytes) -> None:
        headers = await self.headers(event_id, body)
        try:
            resp = await self._http.post(url, content=body, headers=headers, timeout=10.0)
        except httpx.HTTPError as exc:
            raise CallbackDeliveryFailed(f"{type(exc).__name__}") from None
        if not 200 <= resp.status_code < 300:
            raise CallbackDeliveryFailed(f"HTTP {resp.status_code}")
