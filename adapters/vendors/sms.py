"""SMS through Alibaba Cloud (Dysmsapi 2017-05-25 SendSms) and Tencent Cloud (sms 2021-01-11 SendSms).

Both are called over our shared httpx client with the vendor's documented request signature rather than through
the official SDKs: Tencent's (`tencentcloud-sdk-python`) is synchronous (requests), so every message would block
the event loop or take a thread; Alibaba's (`alibabacloud-dysmsapi20170525`) has an async path, but it brings the
Tea runtime, aiohttp and its own credential chain to send one signed request. The signatures are small and documented:

- Alibaba Cloud V3, ACS3-HMAC-SHA256 (adapters/vendors/aliyun.py, shared with ID Verification);
- Tencent Cloud API 3.0, TC3-HMAC-SHA256 (adapters/vendors/tencentcloud.py, shared with FaceID).

Vendors only send registered templates under a registered sign name: verification codes go through a code
template (one variable, the code) and every other message through a notice template (one variable, the text).
The vendors' error codes map onto SmsRateLimited, SmsInvalidNumber and SmsVendorDown; anything else (a template
or a signature refused, no balance, bad credentials) is a plain SmsDeliveryFailed and is logged as an error, for
the operator."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import NoReturn

import httpx

from adapters.vendors.aliyun import AliyunCredentials, AliyunRpcApi, AliyunUnreachable
from adapters.vendors.tencentcloud import (
    TencentCloudApi,
    TencentCloudError,
    TencentCloudUnreachable,
    TencentCredentials,
)
from application.ports import SmsDeliveryFailed, SmsInvalidNumber, SmsRateLimited, SmsVendorDown

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SmsTemplates:
    sign_name: str
    code_template: str  # one variable: the code
    notice_template: str  # one variable: the whole text
    by_purpose: dict[str, str] = field(default_factory=dict)  # a purpose's own code template, e.g. LOGIN

    def template_for(self, purpose: str | None, code: str | None) -> str:
        if code is None:
            return self.notice_template
        return self.by_purpose.get(purpose or "", self.code_template)

    @classmethod
    def from_env(cls, env: Mapping[str, str], prefix: str) -> SmsTemplates:
        missing = [f"{prefix}_{n}" for n in ("SIGN_NAME", "TEMPLATE_CODE", "TEMPLATE_NOTICE") if not env.get(f"{prefix}_{n}")]
        if missing:
            raise RuntimeError("SMS needs " + ", ".join(missing))
        marker = f"{prefix}_TEMPLATE_CODE_"
        return cls(sign_name=env[f"{prefix}_SIGN_NAME"], code_template=env[f"{prefix}_TEMPLATE_CODE"],
                   notice_template=env[f"{prefix}_TEMPLATE_NOTICE"],
                   by_purpose={k[len(marker):]: v for k, v in env.items() if k.startswith(marker) and v})


def _need(env: Mapping[str, str], *names: str) -> None:
    missing = [n for n in names if not env.get(n)]
    if missing:
        raise RuntimeError("SMS needs " + ", ".join(missing))


# ---------------------------------------------------------------- Alibaba Cloud


ALIYUN_RATE_LIMITED = ("isv.BUSINESS_LIMIT_CONTROL", "isv.DAY_LIMIT_CONTROL", "isv.MONTH_LIMIT_CONTROL",
                       "Throttling", "Throttling.User", "Throttling.Api")
ALIYUN_INVALID_NUMBER = ("isv.MOBILE_NUMBER_ILLEGAL", "isv.MOBILE_COUNT_OVER_LIMIT", "isv.PHONE_NUMBER_ILLEGAL")
ALIYUN_DOWN = ("isp.SYSTEM_ERROR", "isp.GATEWAY_ERROR", "ServiceUnavailable", "InternalError")


@dataclass(frozen=True)
class AliyunSmsConfig:
    credentials: AliyunCredentials
    templates: SmsTemplates
    endpoint: str = "https://dysmsapi.aliyuncs.com"

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> AliyunSmsConfig:
        return cls(AliyunCredentials.from_env(env, "SMS"), SmsTemplates.from_env(env, "SXQ_ALIYUN_SMS"),
                   (env.get("SXQ_ALIYUN_SMS_ENDPOINT") or "https://dysmsapi.aliyuncs.com").rstrip("/"))


class AliyunSmsSender:
    def __init__(self, config: AliyunSmsConfig, http: httpx.AsyncClient,
                 now: Callable[[], float] = time.time) -> None:
        self._c = config
        self._api = AliyunRpcApi(config.credentials, endpoint=config.endpoint, version="2017-05-25", http=http,
                                 now=now)

    async def send(self, phone: str, text: str, *, purpose: str | None = None, code: str | None = None) -> str:
        t = self._c.templates
        try:
            status, answer = await self._api.call("SendSms", {
                "PhoneNumbers": phone, "SignName": t.sign_name, "TemplateCode": t.template_for(purpose, code),
                "TemplateParam": json.dumps({"code": code} if code is not None else {"content": text},
                                            ensure_ascii=False, separators=(",", ":"))})
        except AliyunUnreachable as exc:
            raise SmsVendorDown(f"aliyun sms: {exc}") from exc
        vendor_code = str(answer.get("Code", ""))
        if status == 200 and vendor_code == "OK" and answer.get("BizId"):
            return str(answer["BizId"])
        detail = f"aliyun sms: HTTP {status} {vendor_code} {str(answer.get('Message', ''))[:120]}"
        if vendor_code in ALIYUN_RATE_LIMITED:
            raise SmsRateLimited(detail)
        if vendor_code in ALIYUN_INVALID_NUMBER:
            raise SmsInvalidNumber(detail)
        if vendor_code in ALIYUN_DOWN or not vendor_code:
            raise SmsVendorDown(detail)
        log.error("%s (request %s)", detail, answer.get("RequestId"))
        raise SmsDeliveryFailed(detail)


# ---------------------------------------------------------------- Tencent Cloud


# Prefixes of Tencent's error codes (per number in SendStatusSet, or for the whole request in Error).
TENCENT_RATE_LIMITED = ("LimitExceeded.", "RequestLimitExceeded")
TENCENT_INVALID_NUMBER = ("InvalidParameterValue.IncorrectPhoneNumber", "FailedOperation.PhoneNumberInBlacklist",
                          "FailedOperation.PhoneNumberOnBlacklist", "UnsupportedOperation.UnsupportedRegion")
TENCENT_DOWN = ("InternalError", "ResourceUnavailable")


def _tencent_kind(vendor_code: str) -> type[SmsDeliveryFailed] | None:
    if vendor_code.startswith(TENCENT_RATE_LIMITED):
        return SmsRateLimited
    if vendor_code.startswith(TENCENT_INVALID_NUMBER):
        return SmsInvalidNumber
    if vendor_code.startswith(TENCENT_DOWN):
        return SmsVendorDown
    return None


@dataclass(frozen=True)
class TencentSmsConfig:
    credentials: TencentCredentials
    sdk_app_id: str
    templates: SmsTemplates
    endpoint: str = "https://sms.tencentcloudapi.com"

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> TencentSmsConfig:
        _need(env, "SXQ_TENCENT_SECRET_ID", "SXQ_TENCENT_SECRET_KEY", "SXQ_TENCENT_SMS_SDK_APP_ID")
        return cls(TencentCredentials.from_env(env, "SMS"), env["SXQ_TENCENT_SMS_SDK_APP_ID"],
                   SmsTemplates.from_env(env, "SXQ_TENCENT_SMS"),
                   (env.get("SXQ_TENCENT_SMS_ENDPOINT") or "https://sms.tencentcloudapi.com").rstrip("/"))


class TencentSmsSender:
    def __init__(self, config: TencentSmsConfig, http: httpx.AsyncClient,
                 now: Callable[[], float] = time.time) -> None:
        self._c = config
        self._api = TencentCloudApi(config.credentials, endpoint=config.endpoint, service="sms",
                                    version="2021-01-11", http=http, now=now)

    async def send(self, phone: str, text: str, *, purpose: str | None = None, code: str | None = None) -> str:
        t = self._c.templates
        try:
            answer = await self._api.call("SendSms", {
                "PhoneNumberSet": [phone if phone.startswith("+") else f"+86{phone}"],
                "SmsSdkAppId": self._c.sdk_app_id, "SignName": t.sign_name,
                "TemplateId": t.template_for(purpose, code),
                "TemplateParamSet": [code if code is not None else text]})
        except TencentCloudUnreachable as exc:
            raise SmsVendorDown(f"tencent sms: {exc}") from exc
        except TencentCloudError as exc:
            self._raise(exc.code, exc.message, exc.request_id)
        try:
            status = answer["SendStatusSet"][0]
        except (KeyError, IndexError, TypeError):
            raise SmsVendorDown("tencent sms: unexpected answer") from None
        if status.get("Code") == "Ok":
            return str(status["SerialNo"])
        self._raise(str(status.get("Code", "")), str(status.get("Message", "")), answer.get("RequestId"))

    @staticmethod
    def _raise(vendor_code: str, message: str, request_id: str | None) -> NoReturn:
        detail = f"tencent sms: {vendor_code} {message[:120]}"
        kind = _tencent_kind(vendor_code)
        if kind is None:
            log.error("%s (request %s)", detail, request_id)
            raise SmsDeliveryFailed(detail)
        raise kind(detail)
