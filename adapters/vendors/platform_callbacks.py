"""Delivers scan-session callbacks to a trading platform's callbackUrl, signed by our platform-callback
certificate (api/platform.graphql): X-Event-Id, X-Timestamp, X-Signature = base64 DER SM2 (ID
1234567812345678) over "{ts}\\n{eventId}\\n{lowercase hex SM3 of the body}"."""

from __future__ import annotations

import base64
import hashlib
import time
from collections.abc import Awaitable, Callable

import httpx

from adapters.vendors.destinations import Destination, DestinationGuard, UnsafeDestination
from application.crypto.ports import Sm2Backend
from application.scans.ports import CallbackDeliveryFailed

# (certificate, private key) of our platform-callback signer: adapters/ca/authority.service_signer.
SignerSource = Callable[[], Awaitable[tuple[object, bytes]]]


def callback_signing_string(timestamp: str, event_id: str, body: bytes) -> bytes:
    return f"{timestamp}\n{event_id}\n{hashlib.new('sm3', body).hexdigest()}".encode()


def pinned_request(destination: Destination) -> tuple[str, dict[str, str], dict[str, str]]:
    """The URL with its host replaced by the checked address, the Host header, and the request extensions that make
    TLS send and verify the name (SNI, certificate) although the connection goes to the address."""
    url = httpx.URL(destination.url).copy_with(host=destination.address)
    default_port = 443 if destination.scheme == "https" else 80
    host = destination.host if destination.port == default_port else f"{destination.host}:{destination.port}"
    extensions = {"sni_hostname": destination.host} if destination.scheme == "https" else {}
    return str(url), {"Host": host}, extensions


def callback_url_of(request: httpx.Request) -> str:
    """The URL a pinned callback was meant for (its Host header and path): what a test's receiver compares."""
    return f"{request.url.scheme}://{request.headers['host']}{request.url.raw_path.decode()}"


class HttpPlatformCallbackSender:
    def __init__(self, http: httpx.AsyncClient, signer: SignerSource, backend: Sm2Backend,
                 destinations: DestinationGuard, now: Callable[[], float] = time.time) -> None:
        self._http, self._signer, self._backend, self._now = http, signer, backend, now
        self._destinations = destinations

    async def headers(self, event_id: str, body: bytes) -> dict[str, str]:
        _cert, key = await self._signer()
        ts = str(int(self._now()))
        signature = self._backend.sign(key, callback_signing_string(ts, event_id, body))
        return {"Content-Type": "application/json; charset=utf-8", "X-Event-Id": event_id, "X-Timestamp": ts,
                "X-Signature": base64.b64encode(signature).decode()}

    async def send(self, url: str, event_id: str, body: bytes) -> None:
        # Checked again now, after resolving afresh: a name that has come to point inside is refused (the outbox
        # retries, and gives up after its 24 h like any failed delivery).
        try:
            destination = await self._destinations.resolve(url)
        except UnsafeDestination as exc:
            raise CallbackDeliveryFailed(f"refused destination: {exc}") from None
        pinned_url, host, extensions = pinned_request(destination)
        # Connection: close — a kept-alive connection to this address (made with another name's SNI) is never
        # reused for the next platform; callbacks are few.
        headers = {**await self.headers(event_id, body), **host, "Connection": "close"}
        try:
            resp = await self._http.post(pinned_url, content=body, headers=headers, timeout=10.0,
                                         extensions=extensions, follow_redirects=False)
        except httpx.HTTPError as exc:
            raise CallbackDeliveryFailed(f"{type(exc).__name__}") from None
        if not 200 <= resp.status_code < 300:
            raise CallbackDeliveryFailed(f"HTTP {resp.status_code}")
