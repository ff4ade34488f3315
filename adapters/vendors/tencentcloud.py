"""Tencent Cloud API 3.0 over our shared httpx client: the TC3-HMAC-SHA256 request signature, one call, and the
FaceID (慧眼) adapters behind the identity and face ports.

Signed from the documentation rather than through `tencentcloud-sdk-python`, which is synchronous (requests):
every call would block the event loop or take a thread. TC3: the signing key is HMAC-SHA256 chained over
"TC3"+SecretKey, the UTC date, the service and "tc3_request"; the signature is its hex HMAC-SHA256 over
"TC3-HMAC-SHA256\\n{timestamp}\\n{date}/{service}/tc3_request\\n" + hex SHA256 of the canonical request (method,
path, query, the signed headers as lowercase `name:value` lines, their names, hex SHA256 of the JSON body).

FaceID:
- the two-element check is IdCardVerification (Result "0" match, "-1" mismatch; the registry's own troubles are
  "service unavailable");
- a liveness session is DetectAuth (the rule registered in the console, the name and ID number to compare
  against): its BizToken names the session and its Url is the page the app opens;
- the verdict is fetched with GetDetectInfoEnhanced for that BizToken only, so a verdict settles only the
  attempt it was asked for. Tencent does not call back (its RedirectUrl is only where the page returns the
  user), so the face callback endpoint refuses anything said to come from it."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import httpx

from application.ports import (
    ExternalServiceUnavailable,
    FaceOutcome,
    FaceSessionTicket,
    IdentityCheckResult,
    InvalidCallback,
)
from domain.identity.face import FacePurpose


def _sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _hmac(key: bytes, msg: str) -> bytes:
    return hmac.new(key, msg.encode(), hashlib.sha256).digest()


def tc3_authorization(*, secret_id: str, secret_key: str, service: str, timestamp: int, payload: bytes,
                      signed_headers: Mapping[str, str]) -> str:
    """`signed_headers`: at least content-type and host, as sent; names and values go in lowercase."""
    date = datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d")
    headers = {k.lower(): v.strip().lower() for k, v in signed_headers.items()}
    names = sorted(headers)
    canonical_request = "\n".join(["POST", "/", "", "".join(f"{n}:{headers[n]}\n" for n in names), ";".join(names),
                                   _sha256_hex(payload)])
    scope = f"{date}/{service}/tc3_request"
    string_to_sign = f"TC3-HMAC-SHA256\n{timestamp}\n{scope}\n{_sha256_hex(canonical_request.encode())}"
    key = _hmac(_hmac(_hmac(("TC3" + secret_key).encode(), date), service), "tc3_request")
    signature = hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()
    return f"TC3-HMAC-SHA256 Credential={secret_id}/{scope}, SignedHeaders={';'.join(names)}, Signature={signature}"


class TencentCloudUnreachable(Exception):
    """No usable answer: transport error, timeout, non-200, not the documented envelope."""


class TencentCloudError(Exception):
    """The API's own error (Response.Error)."""

    def __init__(self, code: str, message: str, request_id: str | None) -> None:
        super().__init__(f"{code}: {message}")
        self.code, self.message, self.request_id = code, message, request_id


@dataclass(frozen=True)
class TencentCredentials:
    secret_id: str
    secret_key: str
    region: str = "ap-guangzhou"

    @classmethod
    def from_env(cls, env: Mapping[str, str], what: str) -> TencentCredentials:
        missing = [n for n in ("SXQ_TENCENT_SECRET_ID", "SXQ_TENCENT_SECRET_KEY") if not env.get(n)]
        if missing:
            raise RuntimeError(f"{what} needs " + ", ".join(missing))
        return cls(env["SXQ_TENCENT_SECRET_ID"], env["SXQ_TENCENT_SECRET_KEY"],
                   env.get("SXQ_TENCENT_REGION") or "ap-guangzhou")


class TencentCloudApi:
    def __init__(self, credentials: TencentCredentials, *, endpoint: str, service: str, version: str,
                 http: httpx.AsyncClient, now: Callable[[], float] = time.time) -> None:
        self._cred, self._endpoint, self._service, self._version = credentials, endpoint.rstrip("/"), service, version
        self._http, self._now = http, now

    async def call(self, action: str, params: dict) -> dict:
        payload = json.dumps(params, ensure_ascii=False, separators=(",", ":")).encode()
        ts = int(self._now())
        host = urlsplit(self._endpoint).netloc
        content_type = "application/json; charset=utf-8"
        headers = {"Content-Type": content_type, "Host": host, "X-TC-Action": action, "X-TC-Version": self._version,
                   "X-TC-Timestamp": str(ts), "X-TC-Region": self._cred.region,
                   "Authorization": tc3_authorization(
                       secret_id=self._cred.secret_id, secret_key=self._cred.secret_key, service=self._service,
                       timestamp=ts, payload=payload,
                       signed_headers={"content-type": content_type, "host": host, "x-tc-action": action})}
        try:
            resp = await self._http.post(self._endpoint + "/", content=payload, headers=headers)
        except httpx.HTTPError as exc:
            raise TencentCloudUnreachable(f"{self._service} {action}: {type(exc).__name__}") from exc
        if resp.status_code != 200:
            raise TencentCloudUnreachable(f"{self._service} {action}: HTTP {resp.status_code}")
        try:
            answer = resp.json()["Response"]
            error = answer.get("Error")
        except (ValueError, KeyError, TypeError, AttributeError):
            raise TencentCloudUnreachable(f"{self._service} {action}: unexpected answer") from None
        if error:
            raise TencentCloudError(str(error.get("Code", "")), str(error.get("Message", ""))[:200],
                                    answer.get("RequestId"))
        return answer


# ---------------------------------------------------------------- FaceID (慧眼)

FACEID_ENDPOINT = "https://faceid.tencentcloudapi.com"
FACEID_VERSION = "2018-03-01"
# Errors that mean "later may work": Tencent's own system, flow control, the registry being upgraded.
RETRYABLE = ("InternalError", "ResourceUnavailable", "RequestLimitExceeded", "LimitExceeded")


def _unavailable(exc: TencentCloudError | TencentCloudUnreachable) -> ExternalServiceUnavailable:
    return ExternalServiceUnavailable(f"tencent faceid: {exc}")


@dataclass(frozen=True)
class TencentFaceIdConfig:
    credentials: TencentCredentials
    rule_id: str  # the business rule (业务流程) registered in the FaceID console
    rules_by_purpose: dict[str, str] = field(default_factory=dict)
    redirect_url: str | None = None
    endpoint: str = FACEID_ENDPOINT
    session_ttl: timedelta = timedelta(hours=2)  # a BizToken's documented life

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> TencentFaceIdConfig:
        credentials = TencentCredentials.from_env(env, "Tencent FaceID")
        if not env.get("SXQ_TENCENT_FACEID_RULE_ID"):
            raise RuntimeError("Tencent FaceID needs SXQ_TENCENT_FACEID_RULE_ID")
        marker = "SXQ_TENCENT_FACEID_RULE_ID_"
        return cls(credentials, env["SXQ_TENCENT_FACEID_RULE_ID"],
                   {k[len(marker):]: v for k, v in env.items() if k.startswith(marker) and v},
                   env.get("SXQ_TENCENT_FACEID_REDIRECT_URL") or None,
                   (env.get("SXQ_TENCENT_FACEID_ENDPOINT") or FACEID_ENDPOINT).rstrip("/"))


class TencentIdentityVerifier:
    """The two-element check (name and ID number against the authoritative registry)."""

    def __init__(self, config: TencentFaceIdConfig, http: httpx.AsyncClient,
                 now: Callable[[], float] = time.time) -> None:
        self._api = TencentCloudApi(config.credentials, endpoint=config.endpoint, service="faceid",
                                    version=FACEID_VERSION, http=http, now=now)

    async def check(self, legal_name: str, id_number: str) -> IdentityCheckResult:
        try:
            answer = await self._api.call("IdCardVerification", {"IdCard": id_number, "Name": legal_name})
        except (TencentCloudError, TencentCloudUnreachable) as exc:
            raise _unavailable(exc) from exc
        result = str(answer.get("Result"))
        if result == "0":
            return IdentityCheckResult.MATCH
        # -1 mismatch, -2 invalid number, -3 invalid name, -5 no such record in the registry.
        if result in ("-1", "-2", "-3", "-5"):
            return IdentityCheckResult.MISMATCH
        # -4 registry error, -6 registry upgrading, -7 the day's attempts for this number used up, unknown codes.
        raise ExternalServiceUnavailable(f"tencent faceid: IdCardVerification {result} {answer.get('Description')}")


class TencentFaceVerifier:
    """Liveness and comparison with the registry photo of the name and ID number given at start."""

    def __init__(self, config: TencentFaceIdConfig, http: httpx.AsyncClient,
                 now: Callable[[], float] = time.time) -> None:
        self._c, self._now = config, now
        self._api = TencentCloudApi(config.credentials, endpoint=config.endpoint, service="faceid",
                                    version=FACEID_VERSION, http=http, now=now)

    def _rule(self, purpose: FacePurpose) -> str:
        return self._c.rules_by_purpose.get(purpose.value, self._c.rule_id)

    async def start(self, *, legal_name: str, id_number: str | None, purpose: FacePurpose) -> FaceSessionTicket:
        if not id_number:
            # Without an ID number FaceID would read the card by OCR instead of comparing with a known identity.
            raise ExternalServiceUnavailable("tencent faceid: a face check needs the ID-card number")
        rule = self._rule(purpose)
        params = {"RuleId": rule, "IdCard": id_number, "Name": legal_name}
        if self._c.redirect_url:
            params["RedirectUrl"] = self._c.redirect_url
        try:
            answer = await self._api.call("DetectAuth", params)
            biz_token, url = str(answer["BizToken"]), str(answer["Url"])
        except (TencentCloudError, TencentCloudUnreachable) as exc:
            raise _unavailable(exc) from exc
        except KeyError:
            raise ExternalServiceUnavailable("tencent faceid: DetectAuth without BizToken or Url") from None
        # Our token names the rule too: the verdict must be asked under the rule the session was started with.
        return FaceSessionTicket(token=f"tcf.{rule}.{biz_token}", url=url,
                                 expires_at=datetime.fromtimestamp(self._now(), UTC) + self._c.session_ttl)

    async def result(self, token: str) -> FaceOutcome:
        try:
            prefix, rule, biz_token = token.split(".", 2)
        except ValueError:
            return FaceOutcome(token, "FAILED", "人脸核验会话不存在")
        if prefix != "tcf":
            return FaceOutcome(token, "FAILED", "人脸核验会话不存在")
        try:
            answer = await self._api.call("GetDetectInfoEnhanced",
                                          {"BizToken": biz_token, "RuleId": rule, "InfoType": "0"})
        except TencentCloudError as exc:
            if exc.code.startswith("InvalidParameterValue.BizToken") or exc.code == "FailedOperation.BizTokenExpired":
                return FaceOutcome(token, "FAILED", "人脸核验已超时或无效")
            raise _unavailable(exc) from exc
        except TencentCloudUnreachable as exc:
            raise _unavailable(exc) from exc
        text = answer.get("Text") or {}
        code = text.get("ErrCode")
        if code is None:
            return FaceOutcome(token, "PENDING")  # the person has not finished on the page
        if int(code) == 0:
            return FaceOutcome(token, "PASSED")
        return FaceOutcome(token, "FAILED", str(text.get("ErrMsg") or "人脸核验未通过")[:200])

    def parse_callback(self, body: bytes, headers: dict[str, str]) -> FaceOutcome:
        raise InvalidCallback("Tencent FaceID does not call back; its verdicts are fetched")
