"""The HTTP vendor adapters against a vendor played by httpx.MockTransport: signing, answers, outages."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from adapters.vendors import signing
from adapters.vendors.http import HttpFaceVerifier, HttpIdentityVerifier, HttpSmsSender, VendorEndpoint
from application.ports import (
    ExternalServiceUnavailable,
    IdentityCheckResult,
    InvalidCallback,
    SmsDeliveryFailed,
)
from domain.identity.face import FacePurpose

EP = VendorEndpoint("https://vendor.example", "key-1", b"vendor-secret")


def vendor(handler):
    """A vendor that first checks our signature, as the real one does, then answers."""
    seen = []

    def app(request: httpx.Request) -> httpx.Response:
        body = request.read()
        signing.verify(EP.secret, body, dict(request.headers))
        assert request.headers["x-api-key"] == "key-1"
        seen.append((request.method, request.url.path, json.loads(body) if body else None))
        return handler(request)

    return httpx.AsyncClient(transport=httpx.MockTransport(app)), seen


async def test_sms_sent_and_failures_become_delivery_errors():
    http, seen = vendor(lambda r: httpx.Response(200, json={"messageId": "m-1"}))
    assert await HttpSmsSender(EP, http).send("13800000000", "hello") == "m-1"
    assert seen == [("POST", "/sms/send", {"phone": "13800000000", "text": "hello"})]
    down, _ = vendor(lambda r: httpx.Response(503))
    with pytest.raises(SmsDeliveryFailed):
        await HttpSmsSender(EP, down).send("13800000000", "hello")


async def test_identity_answers_and_outage():
    http, seen = vendor(lambda r: httpx.Response(200, json={"result": "MISMATCH"}))
    assert await HttpIdentityVerifier(EP, http).check("张三", "x") is IdentityCheckResult.MISMATCH

    def timeout(_):
        raise httpx.ConnectTimeout("slow")

    slow, _ = vendor(timeout)
    with pytest.raises(ExternalServiceUnavailable):
        await HttpIdentityVerifier(EP, slow).check("张三", "x")
    garbled, _ = vendor(lambda r: httpx.Response(200, json={"huh": 1}))
    with pytest.raises(ExternalServiceUnavailable):
        await HttpIdentityVerifier(EP, garbled).check("张三", "x")


async def test_face_start_poll_and_signed_notification():
    expires = (datetime.now(UTC) + timedelta(minutes=10)).isoformat()

    def handler(r: httpx.Request) -> httpx.Response:
        if r.method == "POST":
            return httpx.Response(200, json={"token": "t1", "url": "https://vendor.example/f/t1", "expiresAt": expires})
        return httpx.Response(200, json={"status": "PASSED"})

    http, seen = vendor(handler)
    face = HttpFaceVerifier(EP, http, "https://us.example/callbacks/face")
    ticket = await face.start(legal_name="张三", id_number="1", purpose=FacePurpose.REAL_NAME)
    assert ticket.token == "t1" and seen[0][2]["notifyUrl"] == "https://us.example/callbacks/face"
    assert (await face.result("t1")).status == "PASSED"
    body = json.dumps({"token": "t1", "status": "FAILED", "reason": "spoof"}).encode()
    assert face.parse_callback(body, signing.sign(EP.secret, body)).reason == "spoof"
    with pytest.raises(InvalidCallback):
        face.parse_callback(body, signing.sign(b"someone-else", body))


def test_production_needs_every_vendor(tmp_path):
    from adapters.bootstrap.container import build_container
    from adapters.bootstrap.settings import Settings

    env = {"SXQ_MODE": "production", "SXQ_MASTER_KEY": "22" * 32, "SXQ_DATA_DIR": str(tmp_path)}
    with pytest.raises(RuntimeError, match="SXQ_SMS_API_URL"):
        build_container(Settings.from_env(env))
    for name in ("SMS", "IDENTITY", "FACE", "ENTERPRISE", "BANK"):
        env |= {f"SXQ_{name}_API_URL": "https://v.example", f"SXQ_{name}_API_KEY": "k", f"SXQ_{name}_API_SECRET": "s"}
    container = build_container(Settings.from_env(env))
    assert isinstance(container.sms_gateway(), HttpSmsSender)


async def test_enterprise_four_element_check():
    from adapters.vendors.enterprises import HttpEnterpriseVerifier
    from application.enterprises.ports import FourElementResult

    http, seen = vendor(lambda r: httpx.Response(200, json={"result": "MATCH"}))
    got = await HttpEnterpriseVerifier(EP, http).check("某某科技有限公司", "91350100M000100Y43", "张三", "x")
    assert got is FourElementResult.MATCH
    assert seen[0][1] == "/enterprise/four-element" and seen[0][2]["creditCode"] == "91350100M000100Y43"
    down, _ = vendor(lambda r: httpx.Response(502))
    with pytest.raises(ExternalServiceUnavailable):
        await HttpEnterpriseVerifier(EP, down).check("某某科技有限公司", "91350100M000100Y43", "张三", "x")
