"""Alibaba Cloud ID Verification's two-element check (Id2MetaVerify) against a local server that checks
ACS3-HMAC-SHA256 as the OpenAPI gateway does and answers in the documented shape and codes."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from adapters.vendors.aliyun import AliyunIdentityConfig, AliyunIdentityVerifier
from application.ports import ExternalServiceUnavailable, IdentityCheckResult
from tests.integration.vendors.test_sms_vendors import ALI_ID, ALI_SECRET, acs3_signature_ok
from tests.support.vendor_server import LocalVendorServer

REGISTRY = {"110101199003071234": "张三"}


class FakeCloudauth:
    def __init__(self) -> None:
        self.mode, self.seen = "ok", []
        self.app = Starlette(routes=[Route("/", self.endpoint, methods=["POST"])])

    async def endpoint(self, request: Request) -> Response:
        body = await request.body()
        if not acs3_signature_ok(request, body):
            return JSONResponse({"RequestId": "r-1", "Code": "SignatureDoesNotMatch",
                                 "Message": "Specified signature is not matched with our calculation."}, status_code=400)
        assert request.headers["x-acs-action"] == "Id2MetaVerify" and request.headers["x-acs-version"] == "2019-03-07"
        params = dict(request.query_params)
        self.seen.append(params)
        if self.mode == "slow":
            await asyncio.sleep(2)
        if self.mode == "503":
            return Response("Service Unavailable", status_code=503)
        if self.mode == "throttled":
            return JSONResponse({"RequestId": "r-2", "Code": "Throttling.User", "Message": "Request was denied due to "
                                 "user flow control."}, status_code=400)
        if self.mode == "error":
            return JSONResponse({"RequestId": "r-3", "Code": "500", "Message": "系统错误"})
        known = REGISTRY.get(params["IdentifyNum"])
        biz_code = "3" if known is None else ("1" if known == params["UserName"] else "2")
        return JSONResponse({"RequestId": "130A2C10-B9EE-4D84-88E3-5384FF039795", "Code": "200",
                             "Message": "success", "ResultObject": {"BizCode": biz_code}})


@pytest.fixture
def cloudauth():
    fake = FakeCloudauth()
    with LocalVendorServer(fake.app) as server:
        fake.url = server.url
        yield fake


def _config(url: str, **extra: str) -> AliyunIdentityConfig:
    return AliyunIdentityConfig.from_env({"SXQ_ALIYUN_ACCESS_KEY_ID": ALI_ID, "SXQ_ALIYUN_ACCESS_KEY_SECRET": ALI_SECRET,
                                          "SXQ_ALIYUN_CLOUDAUTH_ENDPOINT": url, **extra})


async def test_two_element_check(cloudauth):
    async with httpx.AsyncClient() as http:
        verifier = AliyunIdentityVerifier(_config(cloudauth.url), http)
        assert await verifier.check("张三", "110101199003071234") is IdentityCheckResult.MATCH
        assert await verifier.check("李四", "110101199003071234") is IdentityCheckResult.MISMATCH
        assert await verifier.check("张三", "110101199003079999") is IdentityCheckResult.MISMATCH  # no record
    assert cloudauth.seen[0] == {"ParamType": "normal", "UserName": "张三", "IdentifyNum": "110101199003071234"}


@pytest.mark.parametrize("mode", ["503", "slow", "throttled", "error"])
async def test_outages_are_service_unavailable(cloudauth, mode):
    cloudauth.mode = mode
    async with httpx.AsyncClient(timeout=0.5) as http:
        with pytest.raises(ExternalServiceUnavailable):
            await AliyunIdentityVerifier(_config(cloudauth.url), http).check("张三", "110101199003071234")
    assert len(cloudauth.seen) == 1


async def test_a_wrong_secret_is_refused(cloudauth):
    async with httpx.AsyncClient() as http:
        with pytest.raises(ExternalServiceUnavailable, match="SignatureDoesNotMatch"):
            await AliyunIdentityVerifier(_config(cloudauth.url, SXQ_ALIYUN_ACCESS_KEY_SECRET="wrong"), http).check(
                "张三", "110101199003071234")
    assert cloudauth.seen == []


def test_configuration():
    with pytest.raises(RuntimeError, match="SXQ_ALIYUN_ACCESS_KEY_ID"):
        AliyunIdentityConfig.from_env({})
    assert AliyunIdentityConfig.from_env({"SXQ_ALIYUN_ACCESS_KEY_ID": "a", "SXQ_ALIYUN_ACCESS_KEY_SECRET": "b"}).endpoint \
        == "https://cloudauth.aliyuncs.com"
