"""HTTP adapters for the real SMS, ID-registry and face-liveness vendors.

Each vendor is reached through an aggregator endpoint that speaks one small JSON protocol: requests
carry `X-Api-Key` and an HMAC-SM3 signature over timestamp and body (adapters.vendors.signing);
notifications back to us are signed the same way with the vendor's secret. Timeouts and 5xx answers
become the ports' "unavailable" errors so the use cases can tell the user to retry."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

import httpx

from adapters.sandbox.face import parse_face_notification
from adapters.vendors import signing
from application.ports import (
    ExternalServiceUnavailable,
    FaceOutcome,
    FaceSessionTicket,
    IdentityCheckResult,
    SmsDeliveryFailed,
)
from domain.identity.face import FacePurpose


@dataclass(frozen=True)
class VendorEndpoint:
    base_url: str
    api_key: str
    secret: bytes

    @classmethod
    def from_parts(cls, url: str | None, key: str | None, secret: str | None, name: str) -> VendorEndpoint:
        if not (url and key and secret):
            raise RuntimeError(f"production mode needs SXQ_{name}_API_URL, SXQ_{name}_API_KEY and "
                               f"SXQ_{name}_API_SECRET")
        return cls(url.rstrip("/"), key, secret.encode())


class VendorClient:
    def __init__(self, endpoint: VendorEndpoint, http: httpx.AsyncClient) -> None:
        self._ep, self._http = endpoint, http

    async def call(self, method: str, path: str, payload: dict | None = None) -> dict:
        body = json.dumps(payload, ensure_ascii=False).encode() if payload is not None else b""
        headers = {"X-Api-Key": self._ep.api_key, "Content-Type": "application/json",
                   **signing.sign(self._ep.secret, body)}
        try:
            resp = await self._http.request(method, self._ep.base_url + path, content=body, headers=headers)
        except httpx.HTTPError as exc:
            raise ExternalServiceUnavailable(f"{path}: {type(exc).__name__}") from exc
        if resp.status_code >= 500 or resp.status_code == 429:
            raise ExternalServiceUnavailable(f"{path}: HTTP {resp.status_code}")
        if resp.status_code >= 400:
            raise ValueError(f"{path}: vendor refused the request: HTTP {resp.status_code} {resp.text[:200]}")
        try:
            return resp.json()
        except ValueError as exc:
            raise ExternalServiceUnavailable(f"{path}: not JSON") from exc


class HttpSmsSender(VendorClient):
    async def send(self, phone: str, text: str, *, purpose: str | None = None, code: str | None = None) -> str:
        try:
            answer = await self.call("POST", "/sms/send", {"phone": phone, "text": text})
            return str(answer["messageId"])
        except (ExternalServiceUnavailable, KeyError, ValueError) as exc:
            raise SmsDeliveryFailed(str(exc)) from exc


class HttpIdentityVerifier(VendorClient):
    async def check(self, legal_name: str, id_number: str) -> IdentityCheckResult:
        answer = await self.call("POST", "/identity/two-element", {"name": legal_name, "idNumber": id_number})
        try:
            return IdentityCheckResult(answer["result"])
        except (KeyError, ValueError) as exc:
            raise ExternalServiceUnavailable("identity: unexpected answer") from exc


class HttpFaceVerifier(VendorClient):
    def __init__(self, endpoint: VendorEndpoint, http: httpx.AsyncClient, notify_url: str) -> None:
        super().__init__(endpoint, http)
        self._notify_url = notify_url

    async def start(self, *, legal_name: str, id_number: str | None, purpose: FacePurpose) -> FaceSessionTicket:
        answer = await self.call("POST", "/face/sessions", {"name": legal_name, "idNumber": id_number,
                                                             "purpose": purpose.value, "notifyUrl": self._notify_url})
        try:
            return FaceSessionTicket(token=str(answer["token"]), url=str(answer["url"]),
                                     expires_at=datetime.fromisoformat(answer["expiresAt"]))
        except (KeyError, ValueError) as exc:
            raise ExternalServiceUnavailable("face: unexpected answer") from exc

    async def result(self, token: str) -> FaceOutcome:
        answer = await self.call("GET", f"/face/sessions/{token}")
        return FaceOutcome(token, str(answer.get("status", "PENDING")), answer.get("reason"))

    def parse_callback(self, body: bytes, headers: dict[str, str]) -> FaceOutcome:
        signing.verify(self._ep.secret, body, headers)
        return parse_face_notification(body)
