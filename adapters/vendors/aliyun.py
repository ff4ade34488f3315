"""Alibaba Cloud OpenAPI (RPC style) over our shared httpx client: the V3 request signature ACS3-HMAC-SHA256,
one call, and the ID Verification (实人认证, cloudauth 2019-03-07) two-element check behind the identity port.

Signed from the documentation rather than through the official SDKs, whose async path brings the Tea runtime,
aiohttp and their own credential chain for one signed request. ACS3-HMAC-SHA256: hex HMAC-SHA256(AccessKeySecret,
"ACS3-HMAC-SHA256\\n" + hex SHA256 of the canonical request), the canonical request being method, path, the RFC
3986-encoded sorted query, the signed headers (host, content-type and every x-acs-*) as lowercase `name:value`
lines, their names joined by `;`, and the hex SHA256 of the body."""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import quote, urlsplit

import httpx

from application.ports import ExternalServiceUnavailable, IdentityCheckResult

log = logging.getLogger(__name__)


def _sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def acs3_encode(value: str) -> str:
    """RFC 3986 percent-encoding: unreserved characters stay, space is %20."""
    return quote(value, safe="-_.~")


def acs3_authorization(*, access_key_id: str, access_key_secret: str, method: str, path: str,
                       query: Mapping[str, str], headers: Mapping[str, str], body: bytes) -> str:
    canonical_query = "&".join(f"{acs3_encode(k)}={acs3_encode(v)}" for k, v in sorted(query.items()))
    signed = {k.lower(): v.strip() for k, v in headers.items()
              if k.lower() in ("host", "content-type") or k.lower().startswith("x-acs-")}
    names = sorted(signed)
    canonical_request = "\n".join([
        method, path or "/", canonical_query, "".join(f"{n}:{signed[n]}\n" for n in names), ";".join(names),
        _sha256_hex(body)])
    string_to_sign = "ACS3-HMAC-SHA256\n" + _sha256_hex(canonical_request.encode())
    signature = hmac.new(access_key_secret.encode(), string_to_sign.encode(), hashlib.sha256).hexdigest()
    return f"ACS3-HMAC-SHA256 Credential={access_key_id},SignedHeaders={';'.join(names)},Signature={signature}"


class AliyunUnreachable(Exception):
    """No usable answer: transport error, timeout, 5xx, not JSON."""


@dataclass(frozen=True)
class AliyunCredentials:
    access_key_id: str
    access_key_secret: str

    @classmethod
    def from_env(cls, env: Mapping[str, str], what: str) -> AliyunCredentials:
        missing = [n for n in ("SXQ_ALIYUN_ACCESS_KEY_ID", "SXQ_ALIYUN_ACCESS_KEY_SECRET") if not env.get(n)]
        if missing:
            raise RuntimeError(f"{what} needs " + ", ".join(missing))
        return cls(env["SXQ_ALIYUN_ACCESS_KEY_ID"], env["SXQ_ALIYUN_ACCESS_KEY_SECRET"])


class AliyunRpcApi:
    def __init__(self, credentials: AliyunCredentials, *, endpoint: str, version: str, http: httpx.AsyncClient,
                 now: Callable[[], float] = time.time) -> None:
        self._cred, self._endpoint, self._version = credentials, endpoint.rstrip("/"), version
        self._http, self._now = http, now

    async def call(self, action: str, params: Mapping[str, str]) -> tuple[int, dict]:
        """(HTTP status, the JSON answer): the caller reads its Code. Raises AliyunUnreachable."""
        body = b""
        headers = {"host": urlsplit(self._endpoint).netloc, "x-acs-action": action, "x-acs-version": self._version,
                   "x-acs-date": datetime.fromtimestamp(self._now(), UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                   "x-acs-signature-nonce": secrets.token_hex(16), "x-acs-content-sha256": _sha256_hex(body),
                   "accept": "application/json"}
        headers["Authorization"] = acs3_authorization(
            access_key_id=self._cred.access_key_id, access_key_secret=self._cred.access_key_secret, method="POST",
            path="/", query=params, headers=headers, body=body)
        url = self._endpoint + "/?" + "&".join(f"{acs3_encode(k)}={acs3_encode(v)}" for k, v in sorted(params.items()))
        try:
            resp = await self._http.post(url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            raise AliyunUnreachable(f"{action}: {type(exc).__name__}") from exc
        if resp.status_code >= 500:
            raise AliyunUnreachable(f"{action}: HTTP {resp.status_code}")
        try:
            answer = resp.json()
        except ValueError:
            raise AliyunUnreachable(f"{action}: not JSON (HTTP {resp.status_code})") from None
        if not isinstance(answer, dict):
            raise AliyunUnreachable(f"{action}: unexpected answer")
        return resp.status_code, answer


# ---------------------------------------------------------------- ID Verification: the two-element check

CLOUDAUTH_ENDPOINT = "https://cloudauth.aliyuncs.com"


@dataclass(frozen=True)
class AliyunIdentityConfig:
    credentials: AliyunCredentials
    endpoint: str = CLOUDAUTH_ENDPOINT

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> AliyunIdentityConfig:
        return cls(AliyunCredentials.from_env(env, "Alibaba Cloud ID Verification"),
                   (env.get("SXQ_ALIYUN_CLOUDAUTH_ENDPOINT") or CLOUDAUTH_ENDPOINT).rstrip("/"))


class AliyunIdentityVerifier:
    """Id2MetaVerify: BizCode 1 consistent, 2 inconsistent, 3 no record in the registry."""

    def __init__(self, config: AliyunIdentityConfig, http: httpx.AsyncClient,
                 now: Callable[[], float] = time.time) -> None:
        self._api = AliyunRpcApi(config.credentials, endpoint=config.endpoint, version="2019-03-07", http=http,
                                 now=now)

    async def check(self, legal_name: str, id_number: str) -> IdentityCheckResult:
        try:
            status, answer = await self._api.call("Id2MetaVerify", {
                "ParamType": "normal", "UserName": legal_name, "IdentifyNum": id_number})
        except AliyunUnreachable as exc:
            raise ExternalServiceUnavailable(f"aliyun cloudauth: {exc}") from exc
        code = str(answer.get("Code", ""))
        if status == 200 and code == "200":
            biz_code = str((answer.get("ResultObject") or {}).get("BizCode", ""))
            if biz_code == "1":
                return IdentityCheckResult.MATCH
            if biz_code in ("2", "3"):
                return IdentityCheckResult.MISMATCH
        if not code.startswith(("Throttling", "ServiceUnavailable", "InternalError")) and code != "500":
            log.error("aliyun cloudauth refused Id2MetaVerify: HTTP %s %s %s (request %s)", status, code,
                      str(answer.get("Message", ""))[:120], answer.get("RequestId"))
        raise ExternalServiceUnavailable(f"aliyun cloudauth: HTTP {status} {code}")
