"""The sandbox vendors behave like the real ones: signed callbacks, outages, failures."""

from __future__ import annotations

import json
import time

import pytest

from adapters.sandbox.face import SIGNATURE_HEADER, TIMESTAMP_HEADER
from application.ports import ExternalServiceUnavailable, InvalidCallback
from domain.identity.face import FacePurpose


async def test_face_callback_signature(container):
    faces = container.face_verifier()
    body = json.dumps({"token": "face_x", "status": "PASSED"}).encode()
    headers = faces.sign(body, int(time.time()))
    assert faces.parse_callback(body, headers).status == "PASSED"
    with pytest.raises(InvalidCallback):
        faces.parse_callback(body.replace(b"PASSED", b"FAILED"), headers)
    with pytest.raises(InvalidCallback):
        faces.parse_callback(body, faces.sign(body, int(time.time()) - 3600))  # replayed an hour later
    with pytest.raises(InvalidCallback):
        faces.parse_callback(body, {})


async def test_face_callback_endpoint_refuses_forgeries(client, container):
    body = json.dumps({"token": "face_nope", "status": "PASSED"}).encode()
    forged = {TIMESTAMP_HEADER: str(int(time.time())), SIGNATURE_HEADER: "00" * 32}
    assert (await client.post("/callbacks/face", content=body, headers=forged)).status_code == 400
    signed = container.face_verifier().sign(body, int(time.time()))
    # Well signed but about a session we never started: refused too.
    assert (await client.post("/callbacks/face", content=body, headers=signed)).status_code == 400


async def test_face_session_lifecycle_and_outage(container, clock):
    faces = container.face_verifier()
    ticket = await faces.start(legal_name="张三", id_number=None, purpose=FacePurpose.REAL_NAME)
    assert (await faces.result(ticket.token)).status == "PENDING"
    clock.advance(minutes=11)
    assert (await faces.result(ticket.token)).status == "FAILED", "an abandoned session times out"
    faces.outage(True)
    with pytest.raises(ExternalServiceUnavailable):
        await faces.start(legal_name="张三", id_number=None, purpose=FacePurpose.REAL_NAME)


async def test_sms_gateway_failure_is_retried_by_the_outbox(container, clock):
    from application.accounts.request_sms_code import RequestSmsCodeCommand
    from application.context import RequestMeta
    from domain.accounts.sms import SmsPurpose

    sms = container.sms_gateway()
    sms.fail_next(2)
    await container.use_cases().request_sms_code(
        RequestSmsCodeCommand("13300000000", SmsPurpose.REGISTER, None, RequestMeta("127.0.0.1")))
    dispatcher = container.dispatcher()
    assert await dispatcher.dispatch_due() == 0  # carrier down
    assert await sms.messages("13300000000") == []
    assert await dispatcher.dispatch_due() == 0, "not due again before its backoff"
    clock.advance(seconds=6)
    assert await dispatcher.dispatch_due() == 0  # second failure
    clock.advance(seconds=11)
    assert await dispatcher.dispatch_due() == 1
    assert len(await sms.messages("13300000000")) == 1
    clock.advance(hours=1)
    assert await dispatcher.dispatch_due() == 0, "delivered once, never again"


async def test_sandbox_wallet_refunds_only_money_it_took(container):
    from uuid import uuid4

    from application.commerce.ports import PaymentRequest
    from domain.commerce.payment import PaymentChannel

    gateway = container.payment_gateway()
    request = PaymentRequest(uuid4(), uuid4(), PaymentChannel.WECHAT_PAY, 990, "个人证书服务")
    await gateway.create(request)
    asked = dict(channel=PaymentChannel.WECHAT_PAY, payment_id=request.payment_id, trade_no=None, reason="订单已取消")
    assert (await gateway.refund(amount_fen=990, **asked)).status == "FAILED"  # nothing paid yet
    await gateway.complete(request.payment_id)
    await gateway.wait_idle()  # its notification is refused: no such payment of ours; the wallet has the money
    assert (await gateway.refund(amount_fen=1, **asked)).status == "FAILED"  # not the amount paid
    gateway.outage()
    try:
        with pytest.raises(ExternalServiceUnavailable):
            await gateway.refund(amount_fen=990, **asked)
    finally:
        gateway.outage(False)
    first = await gateway.refund(amount_fen=990, **asked)
    assert first.status == "SUCCEEDED" and (await gateway.refund(amount_fen=990, **asked)) == first  # once
