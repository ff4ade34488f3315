"""Alibaba Cloud and Tencent Cloud SMS against local servers speaking their wire formats: each recomputes the
vendor's request signature (ACS3-HMAC-SHA256, TC3-HMAC-SHA256, written here from the documentation, apart from
the adapter's code) and answers in the documented shapes and error codes. The signatures are also checked
against the documentation's own worked examples."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import time
from datetime import UTC, datetime
from urllib.parse import parse_qsl, quote

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from adapters.vendors import sms
from adapters.vendors.aliyun import acs3_authorization, acs3_encode
from adapters.vendors.tencentcloud import tc3_authorization
from application.ports import SmsDeliveryFailed, SmsInvalidNumber, SmsRateLimited, SmsVendorDown
from tests.support.vendor_server import LocalVendorServer

ALI_ID, ALI_SECRET = "LTAI5tExampleAccessKey", "ExampleAccessKeySecret0123456789"
TC_ID, TC_KEY, TC_APP = "AKIDExampleSecretId0123456789", "ExampleSecretKey0123456789abcdef", "1400006666"


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# ---------------------------------------------------------------- the documentation's worked examples


def test_acs3_signature_of_the_documented_example():
    # Alibaba Cloud's "V3 request structure and signature" fixed-parameter example (ECS RunInstances).
    header = acs3_authorization(
        access_key_id="YourAccessKeyId", access_key_secret="YourAccessKeySecret", method="POST", path="/",
        query={"ImageId": "win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd", "RegionId": "cn-shanghai"},
        headers={"host": "ecs.cn-shanghai.aliyuncs.com", "x-acs-action": "RunInstances",
                 "x-acs-version": "2014-05-26", "x-acs-date": "2023-10-26T10:22:32Z",
                 "x-acs-signature-nonce": "3156853299f313e23d1673dc12e1703d",
                 "x-acs-content-sha256": _sha(b""), "accept": "application/json"},
        body=b"")
    assert header == ("ACS3-HMAC-SHA256 Credential=YourAccessKeyId,SignedHeaders=host;x-acs-action;"
                      "x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,"
                      "Signature=06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0")
    assert acs3_encode("a b*c~d!/") == "a%20b%2Ac~d%21%2F"


def test_tc3_signature_of_the_documented_example():
    # Tencent Cloud API 3.0 "Signature v3" example (CVM DescribeInstances, 1551113065).
    payload = b'{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}'
    assert _sha(payload) == "35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064"
    header = tc3_authorization(
        secret_id="AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE", secret_key="Gu5t9xGARNpq86cd98joQYCN3EXAMPLE",
        service="cvm", timestamp=1551113065, payload=payload,
        signed_headers={"Content-Type": "application/json; charset=utf-8", "Host": "cvm.tencentcloudapi.com"})
    assert header == ("TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/tc3_request, "
                      "SignedHeaders=content-type;host, "
                      "Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168")


# ---------------------------------------------------------------- Alibaba Cloud


def acs3_signature_ok(request: Request, body: bytes) -> bool:
    """The OpenAPI gateway's check of ACS3-HMAC-SHA256, from the documentation."""
    scheme, _, rest = request.headers.get("authorization", "").partition(" ")
    parts = dict(p.split("=", 1) for p in rest.split(","))
    names = parts.get("SignedHeaders", "").split(";")
    if scheme != "ACS3-HMAC-SHA256" or parts.get("Credential") != ALI_ID or "host" not in names \
            or any(n.startswith("x-acs-") and n not in names for n in request.headers):
        return False
    enc = lambda s: quote(s, safe="-_.~")  # noqa: E731
    query = "&".join(f"{enc(k)}={enc(v)}" for k, v in sorted(parse_qsl(request.url.query, keep_blank_values=True)))
    canonical = (f"{request.method}\n{request.url.path}\n{query}\n"
                 + "".join(f"{n}:{request.headers[n].strip()}\n" for n in names)
                 + f"\n{';'.join(names)}\n{_sha(body)}")
    expected = hmac.new(ALI_SECRET.encode(), f"ACS3-HMAC-SHA256\n{_sha(canonical.encode())}".encode(),
                        hashlib.sha256).hexdigest()
    return (hmac.compare_digest(expected, parts.get("Signature", ""))
            and request.headers["x-acs-content-sha256"] == _sha(body))



class FakeAliyun:
    """dysmsapi.aliyuncs.com: checks ACS3 as the gateway does, then answers SendSms."""

    def __init__(self) -> None:
        self.mode, self.seen = "OK", []
        self.app = Starlette(routes=[Route("/", self.endpoint, methods=["POST", "GET"])])

    async def endpoint(self, request: Request) -> Response:
        body = await request.body()
        if not acs3_signature_ok(request, body):
            return JSONResponse({"RequestId": "r-1", "Code": "SignatureDoesNotMatch",
                                 "Message": "Specified signature is not matched with our calculation."}, status_code=400)
        assert request.headers["x-acs-action"] == "SendSms" and request.headers["x-acs-version"] == "2017-05-25"
        params = dict(parse_qsl(request.url.query))
        self.seen.append(params)
        if self.mode == "slow":
            await asyncio.sleep(2)
        if self.mode == "500":
            return Response("Internal Server Error", status_code=500)
        if self.mode != "OK":
            return JSONResponse({"RequestId": "r-2", "Code": self.mode, "Message": "触发流控或号码错误"})
        return JSONResponse({"RequestId": "F655A8D5-B967-440B-8683-DAD6FF8DE990", "Code": "OK", "Message": "OK",
                             "BizId": "900619746936498440^0"})


@pytest.fixture
def aliyun():
    fake = FakeAliyun()
    with LocalVendorServer(fake.app) as server:
        fake.url = server.url
        yield fake


def _aliyun_env(url: str, **extra: str) -> dict[str, str]:
    return {"SXQ_ALIYUN_ACCESS_KEY_ID": ALI_ID, "SXQ_ALIYUN_ACCESS_KEY_SECRET": ALI_SECRET,
            "SXQ_ALIYUN_SMS_SIGN_NAME": "数信签", "SXQ_ALIYUN_SMS_TEMPLATE_CODE": "SMS_100000001",
            "SXQ_ALIYUN_SMS_TEMPLATE_NOTICE": "SMS_100000002", "SXQ_ALIYUN_SMS_ENDPOINT": url, **extra}


async def test_aliyun_sends_codes_and_notices_through_their_templates(aliyun):
    env = _aliyun_env(aliyun.url, SXQ_ALIYUN_SMS_TEMPLATE_CODE_LOGIN="SMS_100000003")
    async with httpx.AsyncClient() as http:
        sender = sms.AliyunSmsSender(sms.AliyunSmsConfig.from_env(env), http)
        assert await sender.send("13800000000", "验证码 123456", purpose="REGISTER", code="123456") \
            == "900619746936498440^0"
        await sender.send("13800000000", "验证码 654321", purpose="LOGIN", code="654321")
        await sender.send("13900000000", "您的企业认证已通过。", purpose="NOTICE")
    assert [(s["PhoneNumbers"], s["SignName"], s["TemplateCode"], json.loads(s["TemplateParam"])) for s in aliyun.seen] == [
        ("13800000000", "数信签", "SMS_100000001", {"code": "123456"}),
        ("13800000000", "数信签", "SMS_100000003", {"code": "654321"}),
        ("13900000000", "数信签", "SMS_100000002", {"content": "您的企业认证已通过。"})]


@pytest.mark.parametrize(("mode", "error"), [
    ("isv.BUSINESS_LIMIT_CONTROL", SmsRateLimited), ("isv.DAY_LIMIT_CONTROL", SmsRateLimited),
    ("isv.MOBILE_NUMBER_ILLEGAL", SmsInvalidNumber), ("isp.SYSTEM_ERROR", SmsVendorDown),
    ("500", SmsVendorDown), ("slow", SmsVendorDown), ("isv.SMS_TEMPLATE_ILLEGAL", SmsDeliveryFailed),
    ("isv.AMOUNT_NOT_ENOUGH", SmsDeliveryFailed)])
async def test_aliyun_error_codes_map_to_ours(aliyun, mode, error):
    aliyun.mode = mode
    async with httpx.AsyncClient(timeout=0.5) as http:
        with pytest.raises(error) as raised:
            await sms.AliyunSmsSender(sms.AliyunSmsConfig.from_env(_aliyun_env(aliyun.url)), http).send(
                "13800000000", "x", purpose="LOGIN", code="111111")
    assert type(raised.value) is error  # exactly: a configuration error is not reported as an outage
    assert len(aliyun.seen) == 1


async def test_aliyun_refuses_a_wrong_secret(aliyun):
    env = _aliyun_env(aliyun.url, SXQ_ALIYUN_ACCESS_KEY_SECRET="not-the-secret")
    async with httpx.AsyncClient() as http:
        with pytest.raises(SmsDeliveryFailed, match="SignatureDoesNotMatch"):
            await sms.AliyunSmsSender(sms.AliyunSmsConfig.from_env(env), http).send("13800000000", "x", code="1")
    assert aliyun.seen == []


# ---------------------------------------------------------------- Tencent Cloud


def tc3_signature_ok(request: Request, body: bytes, service: str) -> bool:
    """The API gateway's check of TC3-HMAC-SHA256, from the documentation."""
    scheme, _, rest = request.headers.get("authorization", "").partition(" ")
    parts = dict(p.strip().split("=", 1) for p in rest.split(","))
    cred = parts.get("Credential", "").split("/")
    names = parts.get("SignedHeaders", "").split(";")
    ts = int(request.headers.get("x-tc-timestamp", "0"))
    date = datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d")
    if scheme != "TC3-HMAC-SHA256" or cred != [TC_ID, date, service, "tc3_request"] \
            or not {"content-type", "host"} <= set(names) or abs(time.time() - ts) > 300:
        return False
    canonical = ("POST\n/\n\n" + "".join(f"{n}:{request.headers[n].strip().lower()}\n" for n in names)
                 + f"\n{';'.join(names)}\n{_sha(body)}")
    to_sign = f"TC3-HMAC-SHA256\n{ts}\n{date}/{service}/tc3_request\n{_sha(canonical.encode())}"
    key = ("TC3" + TC_KEY).encode()
    for part in (date, service, "tc3_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return hmac.compare_digest(hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest(), parts.get("Signature", ""))


TC3_REFUSAL = JSONResponse({"Response": {"Error": {"Code": "AuthFailure.SignatureFailure",
                                                   "Message": "The provided credentials could not be validated."},
                                         "RequestId": "r-1"}})


class FakeTencent:
    """sms.tencentcloudapi.com: checks TC3 as the API gateway does, then answers SendSms 2021-01-11."""

    def __init__(self) -> None:
        self.mode, self.seen = "Ok", []
        self.app = Starlette(routes=[Route("/", self.endpoint, methods=["POST"])])

    async def endpoint(self, request: Request) -> Response:
        body = await request.body()
        if not tc3_signature_ok(request, body, "sms"):
            return TC3_REFUSAL
        assert request.headers["x-tc-action"] == "SendSms" and request.headers["x-tc-version"] == "2021-01-11"
        payload = json.loads(body)
        self.seen.append(payload)
        if self.mode == "slow":
            await asyncio.sleep(2)
        if self.mode == "502":
            return Response("Bad Gateway", status_code=502)
        if self.mode.startswith("Error:"):
            return JSONResponse({"Response": {"Error": {"Code": self.mode[6:], "Message": "请求失败"},
                                              "RequestId": "r-2"}})
        number = payload["PhoneNumberSet"][0]
        return JSONResponse({"Response": {"SendStatusSet": [{
            "SerialNo": "5000:1045710669157053657849499619", "PhoneNumber": number, "Fee": 1, "SessionContext": "",
            "Code": self.mode, "Message": "send success" if self.mode == "Ok" else "failed", "IsoCode": "CN"}],
            "RequestId": "a0aabda6-cf91-4f3e-a81f-9198114a2279"}})


@pytest.fixture
def tencent():
    fake = FakeTencent()
    with LocalVendorServer(fake.app) as server:
        fake.url = server.url
        yield fake


def _tencent_env(url: str, **extra: str) -> dict[str, str]:
    return {"SXQ_TENCENT_SECRET_ID": TC_ID, "SXQ_TENCENT_SECRET_KEY": TC_KEY, "SXQ_TENCENT_SMS_SDK_APP_ID": TC_APP,
            "SXQ_TENCENT_SMS_SIGN_NAME": "数信签", "SXQ_TENCENT_SMS_TEMPLATE_CODE": "449739",
            "SXQ_TENCENT_SMS_TEMPLATE_NOTICE": "449740", "SXQ_TENCENT_SMS_ENDPOINT": url, **extra}


async def test_tencent_sends_codes_and_notices_through_their_templates(tencent):
    async with httpx.AsyncClient() as http:
        sender = sms.TencentSmsSender(sms.TencentSmsConfig.from_env(_tencent_env(tencent.url)), http)
        assert await sender.send("13800000000", "验证码 123456", purpose="LOGIN", code="123456") \
            == "5000:1045710669157053657849499619"
        await sender.send("13900000000", "您的企业认证已通过。", purpose="NOTICE")
    assert tencent.seen == [
        {"PhoneNumberSet": ["+8613800000000"], "SmsSdkAppId": TC_APP, "SignName": "数信签", "TemplateId": "449739",
         "TemplateParamSet": ["123456"]},
        {"PhoneNumberSet": ["+8613900000000"], "SmsSdkAppId": TC_APP, "SignName": "数信签", "TemplateId": "449740",
         "TemplateParamSet": ["您的企业认证已通过。"]}]


@pytest.mark.parametrize(("mode", "error"), [
    ("LimitExceeded.PhoneNumberThirtySecondLimit", SmsRateLimited), ("LimitExceeded.PhoneNumberDailyLimit", SmsRateLimited),
    ("Error:RequestLimitExceeded", SmsRateLimited), ("InvalidParameterValue.IncorrectPhoneNumber", SmsInvalidNumber),
    ("FailedOperation.PhoneNumberInBlacklist", SmsInvalidNumber), ("Error:InternalError.Timeout", SmsVendorDown),
    ("502", SmsVendorDown), ("slow", SmsVendorDown), ("FailedOperation.TemplateIncorrectOrUnapproved", SmsDeliveryFailed),
    ("Error:FailedOperation.InsufficientBalanceInSmsPackage", SmsDeliveryFailed)])
async def test_tencent_error_codes_map_to_ours(tencent, mode, error):
    tencent.mode = mode
    async with httpx.AsyncClient(timeout=0.5) as http:
        with pytest.raises(error) as raised:
            await sms.TencentSmsSender(sms.TencentSmsConfig.from_env(_tencent_env(tencent.url)), http).send(
                "13800000000", "x", purpose="LOGIN", code="111111")
    assert type(raised.value) is error
    assert len(tencent.seen) == 1


async def test_tencent_refuses_a_wrong_key(tencent):
    env = _tencent_env(tencent.url, SXQ_TENCENT_SECRET_KEY="not-the-key")
    async with httpx.AsyncClient() as http:
        with pytest.raises(SmsDeliveryFailed, match="AuthFailure.SignatureFailure"):
            await sms.TencentSmsSender(sms.TencentSmsConfig.from_env(env), http).send("13800000000", "x", code="1")
    assert tencent.seen == []


def test_configuration_names_what_is_missing():
    with pytest.raises(RuntimeError, match="SXQ_ALIYUN_ACCESS_KEY_SECRET"):
        sms.AliyunSmsConfig.from_env({"SXQ_ALIYUN_ACCESS_KEY_ID": "x"})
    with pytest.raises(RuntimeError, match="SXQ_TENCENT_SMS_TEMPLATE_NOTICE"):
        sms.TencentSmsConfig.from_env({k: v for k, v in _tencent_env("https://x").items()
                                       if k != "SXQ_TENCENT_SMS_TEMPLATE_NOTICE"})
    config = sms.TencentSmsConfig.from_env({k: v for k, v in _tencent_env("").items() if k != "SXQ_TENCENT_SMS_ENDPOINT"})
    assert (config.endpoint, config.credentials.region) == ("https://sms.tencentcloudapi.com", "ap-guangzhou")
