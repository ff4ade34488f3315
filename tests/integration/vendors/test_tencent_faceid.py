"""Tencent Cloud FaceID (慧眼) behind the identity and face ports, against a local server speaking FaceID's API
3.0 wire format: it checks TC3-HMAC-SHA256 on every request, keeps the sessions it started, and answers
IdCardVerification, DetectAuth and GetDetectInfoEnhanced in their documented shapes and error codes."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from adapters.vendors.tencentcloud import TencentFaceIdConfig, TencentFaceVerifier, TencentIdentityVerifier
from application.ports import ExternalServiceUnavailable, IdentityCheckResult, InvalidCallback
from domain.identity.face import FacePurpose
from tests.integration.vendors.test_sms_vendors import TC3_REFUSAL, TC_ID, TC_KEY, tc3_signature_ok
from tests.support.vendor_server import LocalVendorServer

REGISTRY = {"110101199003071234": "张三", "110101199003075678": "李四"}


class FakeFaceId:
    def __init__(self) -> None:
        self.mode = "ok"
        self.calls: list[tuple[str, dict]] = []
        self.sessions: dict[str, dict] = {}  # BizToken → rule, identity, verdict
        self.app = Starlette(routes=[Route("/", self.endpoint, methods=["POST"])])

    def finish(self, biz_token: str, passed: bool) -> None:
        self.sessions[biz_token]["verdict"] = (0, "成功") if passed else (-1101, "活体检测未通过")

    async def endpoint(self, request: Request) -> Response:
        body = await request.body()
        if not tc3_signature_ok(request, body, "faceid"):
            return TC3_REFUSAL
        action, params = request.headers["x-tc-action"], json.loads(body)
        assert request.headers["x-tc-version"] == "2018-03-01"
        self.calls.append((action, params))
        request_id = str(uuid.uuid4())
        if self.mode == "slow":
            await asyncio.sleep(2)
        if self.mode == "503":
            return Response("Service Unavailable", status_code=503)
        if self.mode == "internal":
            return JSONResponse({"Response": {"Error": {"Code": "InternalError.UnknownError", "Message": "内部错误"},
                                              "RequestId": request_id}})
        if action == "IdCardVerification":
            if self.mode == "registry_down":
                result, text = "-4", "证件库服务异常"
            elif params["IdCard"] not in REGISTRY:
                result, text = "-5", "证件库中无此身份证记录"
            else:
                result, text = ("0", "姓名和身份证号一致") if REGISTRY[params["IdCard"]] == params["Name"] \
                    else ("-1", "姓名和身份证号不一致")
            return JSONResponse({"Response": {"Result": result, "Description": text, "RequestId": request_id}})
        if action == "DetectAuth":
            if params.get("RuleId") not in ("0", "7"):
                return JSONResponse({"Response": {"Error": {"Code": "InvalidParameterValue.RuleIdNotExist",
                                                            "Message": "RuleId不存在"}, "RequestId": request_id}})
            token = str(uuid.uuid4()).upper()
            self.sessions[token] = {"rule": params["RuleId"], "id": (params["Name"], params["IdCard"]), "verdict": None}
            return JSONResponse({"Response": {"Url": f"https://faceid.qq.com/api/l/index?token={token}",
                                              "BizToken": token, "RequestId": request_id}})
        if action == "GetDetectInfoEnhanced":
            session = self.sessions.get(params["BizToken"])
            if session is None or session["rule"] != params["RuleId"]:
                return JSONResponse({"Response": {"Error": {"Code": "InvalidParameterValue.BizTokenIllegal",
                                                            "Message": "BizToken不合法"}, "RequestId": request_id}})
            code, msg = session["verdict"] or (None, None)
            name, id_card = session["id"]
            return JSONResponse({"Response": {"Text": {
                "ErrCode": code, "ErrMsg": msg, "IdCard": id_card, "Name": name, "OcrNation": None,
                "LiveStatus": code, "LiveMsg": msg, "Comparestatus": code, "Comparemsg": msg, "Sim": "91.54",
                "Location": None, "Extra": "", "Detail": None}, "IdCardData": None, "BestFrame": None,
                "VideoData": None, "RequestId": request_id}})
        return JSONResponse({"Response": {"Error": {"Code": "InvalidAction", "Message": action},
                                          "RequestId": request_id}})


@pytest.fixture
def faceid():
    fake = FakeFaceId()
    with LocalVendorServer(fake.app) as server:
        fake.url = server.url
        yield fake


def _config(url: str, **extra: str) -> TencentFaceIdConfig:
    return TencentFaceIdConfig.from_env({"SXQ_TENCENT_SECRET_ID": TC_ID, "SXQ_TENCENT_SECRET_KEY": TC_KEY,
                                         "SXQ_TENCENT_FACEID_RULE_ID": "0", "SXQ_TENCENT_FACEID_ENDPOINT": url,
                                         **extra})


async def test_two_element_check(faceid):
    async with httpx.AsyncClient() as http:
        verifier = TencentIdentityVerifier(_config(faceid.url), http)
        assert await verifier.check("张三", "110101199003071234") is IdentityCheckResult.MATCH
        assert await verifier.check("王五", "110101199003071234") is IdentityCheckResult.MISMATCH
        assert await verifier.check("张三", "110101199003079999") is IdentityCheckResult.MISMATCH
    assert faceid.calls[0] == ("IdCardVerification", {"IdCard": "110101199003071234", "Name": "张三"})


@pytest.mark.parametrize("mode", ["registry_down", "internal", "503", "slow"])
async def test_two_element_outages_are_service_unavailable(faceid, mode):
    faceid.mode = mode
    async with httpx.AsyncClient(timeout=0.5) as http:
        with pytest.raises(ExternalServiceUnavailable):
            await TencentIdentityVerifier(_config(faceid.url), http).check("张三", "110101199003071234")
    assert len(faceid.calls) == 1


async def test_a_face_session_is_started_and_its_own_verdict_fetched(faceid):
    async with httpx.AsyncClient() as http:
        faces = TencentFaceVerifier(_config(faceid.url, SXQ_TENCENT_FACEID_RULE_ID_PIN_RESET="7",
                                            SXQ_TENCENT_FACEID_REDIRECT_URL="https://ca.example/face/done"), http)
        before = datetime.now(UTC)
        mine = await faces.start(legal_name="张三", id_number="110101199003071234", purpose=FacePurpose.REAL_NAME)
        other = await faces.start(legal_name="李四", id_number="110101199003075678", purpose=FacePurpose.PIN_RESET)
        assert faceid.calls[0] == ("DetectAuth", {"RuleId": "0", "IdCard": "110101199003071234", "Name": "张三",
                                                  "RedirectUrl": "https://ca.example/face/done"})
        assert faceid.calls[1][1]["RuleId"] == "7"  # the purpose's own rule
        biz_mine, biz_other = mine.token.split(".")[-1], other.token.split(".")[-1]
        assert mine.url.endswith(biz_mine) and before + timedelta(hours=2) <= mine.expires_at
        assert (await faces.result(mine.token)).status == "PENDING"
        # The other attempt fails; that verdict settles only its own session.
        faceid.finish(biz_other, passed=False)
        assert (await faces.result(mine.token)).status == "PENDING"
        failed = await faces.result(other.token)
        assert (failed.status, failed.reason, failed.token) == ("FAILED", "活体检测未通过", other.token)
        faceid.finish(biz_mine, passed=True)
        passed = await faces.result(mine.token)
        assert (passed.status, passed.token) == ("PASSED", mine.token)
        assert faceid.calls[-1] == ("GetDetectInfoEnhanced", {"BizToken": biz_mine, "RuleId": "0", "InfoType": "0"})
        # A token naming another rule, or one FaceID never issued, is no session.
        assert (await faces.result(f"tcf.7.{biz_mine}")).status == "FAILED"
        assert (await faces.result("tcf.0.NOT-A-TOKEN")).status == "FAILED"
        assert (await faces.result("sandbox-face-token")).status == "FAILED"


async def test_face_failures(faceid):
    async with httpx.AsyncClient(timeout=0.5) as http:
        faces = TencentFaceVerifier(_config(faceid.url), http)
        with pytest.raises(ExternalServiceUnavailable):  # nothing to compare the face with
            await faces.start(legal_name="张三", id_number=None, purpose=FacePurpose.PIN_RESET)
        with pytest.raises(ExternalServiceUnavailable):  # a rule the console does not have
            await TencentFaceVerifier(_config(faceid.url, SXQ_TENCENT_FACEID_RULE_ID="9"), http).start(
                legal_name="张三", id_number="110101199003071234", purpose=FacePurpose.REAL_NAME)
        ticket = await faces.start(legal_name="张三", id_number="110101199003071234", purpose=FacePurpose.REAL_NAME)
        for mode in ("internal", "503", "slow"):
            faceid.mode = mode
            with pytest.raises(ExternalServiceUnavailable):
                await faces.result(ticket.token)
            with pytest.raises(ExternalServiceUnavailable):
                await faces.start(legal_name="张三", id_number="110101199003071234", purpose=FacePurpose.REAL_NAME)
        # Tencent does not call back: anything posted to the face callback as if from it is refused.
        with pytest.raises(InvalidCallback):
            faces.parse_callback(json.dumps({"token": ticket.token, "status": "PASSED"}).encode(), {})


async def test_a_wrong_key_is_refused_by_faceid(faceid):
    config = _config(faceid.url, SXQ_TENCENT_SECRET_KEY="not-the-key")
    async with httpx.AsyncClient() as http:
        with pytest.raises(ExternalServiceUnavailable, match="AuthFailure.SignatureFailure"):
            await TencentIdentityVerifier(config, http).check("张三", "110101199003071234")
    assert faceid.calls == []


def test_configuration():
    with pytest.raises(RuntimeError, match="SXQ_TENCENT_SECRET_ID"):
        TencentFaceIdConfig.from_env({})
    with pytest.raises(RuntimeError, match="SXQ_TENCENT_FACEID_RULE_ID"):
        TencentFaceIdConfig.from_env({"SXQ_TENCENT_SECRET_ID": "a", "SXQ_TENCENT_SECRET_KEY": "b"})
