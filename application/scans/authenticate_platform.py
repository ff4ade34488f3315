"""AuthenticatePlatform: a trading platform's signed GraphQL request (api/platform.graphql) → its principal.

Refused (Unauthenticated, nothing recorded) for a missing or malformed header, a timestamp more than 300 s off,
an unknown or suspended platform, a wrong signature, or a nonce seen within 10 minutes. Only a request whose
signature holds leaves its nonce behind."""

from __future__ import annotations

import base64
import binascii
import hashlib
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import UUID

from application.crypto.ports import Sm2Backend
from application.ports import Clock, UnitOfWorkFactory
from application.scans.policy import ScanPolicy
from domain.errors import Conflict, Unauthenticated
from domain.scans.nonce import PlatformNonce

log = logging.getLogger(__name__)

_NONCE = re.compile(r"[A-Za-z0-9]{16,64}")
_TIMESTAMP = re.compile(r"[0-9]{1,12}")
_MAX_SIGNATURE = 200


@dataclass(frozen=True)
class PlatformRequest:
    method: str
    path: str
    headers: Mapping[str, str]  # lower-case names
    body: bytes


@dataclass(frozen=True)
class PlatformPrincipal:
    platform_id: UUID
    code: str


def sm3_hex(data: bytes) -> str:
    return hashlib.new("sm3", data).hexdigest()


def signing_string(method: str, path: str, timestamp: str, nonce: str, body: bytes) -> bytes:
    return f"{method}\n{path}\n{timestamp}\n{nonce}\n{sm3_hex(body)}".encode()


def _refuse(reason: str) -> Unauthenticated:
    log.info("platform request refused: %s", reason)
    return Unauthenticated("平台请求验签失败")


class AuthenticatePlatform:
    def __init__(self, uow: UnitOfWorkFactory, sm2: Sm2Backend, clock: Clock, policy: ScanPolicy) -> None:
        self._uow, self._sm2, self._clock, self._policy = uow, sm2, clock, policy

    async def __call__(self, request: PlatformRequest) -> PlatformPrincipal:
        h = request.headers
        code, ts, nonce, sig = (h.get("x-platform-code", ""), h.get("x-timestamp", ""), h.get("x-nonce", ""),
                                h.get("x-signature", ""))
        if request.method != "POST" or request.path != "/graphql":
            raise _refuse("not POST /graphql")
        if not code or len(code) > 11 or not _TIMESTAMP.fullmatch(ts) or not _NONCE.fullmatch(nonce):
            raise _refuse("malformed headers")
        now = self._clock.now()
        if abs(now - datetime.fromtimestamp(int(ts), UTC)) > self._policy.clock_skew:
            raise _refuse("stale timestamp")
        try:
            signature = base64.b64decode(sig, validate=True) if len(sig) <= _MAX_SIGNATURE else b""
        except (binascii.Error, ValueError):
            signature = b""
        if not signature:
            raise _refuse("malformed signature")
        async with self._uow() as uow:
            platform = await uow.trading_platforms.by_code(code)
        if platform is None or not platform.is_active:
            raise _refuse("unknown or suspended platform")
        message = signing_string(request.method, request.path, ts, nonce, request.body)
        try:
            valid = self._sm2.verify(platform.public_key, message, signature)
        except Exception:  # a key or signature the backend cannot even parse
            valid = False
        if not valid:
            raise _refuse("bad signature")
        async with self._uow() as uow:
            await uow.platform_nonces.prune(now - self._policy.nonce_window)
            if await uow.platform_nonces.seen(platform.id, nonce):
                raise _refuse("replayed nonce")
            uow.platform_nonces.add(PlatformNonce(platform_id=platform.id, nonce=nonce, seen_at=now))
            try:
                await uow.commit()
            except Conflict:
                raise _refuse("replayed nonce (race)") from None
        return PlatformPrincipal(platform.id, platform.code)


def require_platform(platform: PlatformPrincipal | None) -> PlatformPrincipal:
    if platform is None:
        raise Unauthenticated("此操作须由交易平台签名调用")
    return platform
