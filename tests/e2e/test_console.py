"""The operator console over HTTP (httpx through the ASGI app): TOTP login, cookie flags, CSRF on every POST,
roles, the idle timeout, and a manual identity review worked from the queue to VERIFIED."""

from __future__ import annotations

import re

import pyotp
import pytest

from domain.operators.operator import OperatorRole
from tests.contract.test_identity_flows import PHONE, _submit

PASSWORD = "Oper4tor!x"


def wrong_code(totp: pyotp.TOTP, now) -> str:
    """A code that is wrong now: not the one of this 30-second step nor of either step beside it."""
    from datetime import timedelta

    near = {totp.at(now + timedelta(seconds=d)) for d in (-30, 0, 30)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in near)


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


async def enrol(container, username: str = "reviewer", role: OperatorRole = OperatorRole.REVIEWER) -> pyotp.TOTP:
    created = await container.use_cases().create_operator(username, PASSWORD, role, second_factor=True)
    return pyotp.TOTP(pyotp.parse_uri(created.totp_uri).secret)


async def sign_in(client, clock, username: str, totp: pyotp.TOTP, *, code: str | None = None, password=PASSWORD):
    form = await client.get("/console/login")
    assert form.status_code == 200
    return await client.post("/console/login", data={
        "csrf": csrf_of(form.text), "username": username, "password": password,
        "totp": code or totp.at(clock.now()), "next": "/console/reviews"})


async def test_login_needs_the_totp_code_and_sets_a_strict_httponly_cookie(client, container, clock):
    totp = await enrol(container)
    wrong = await sign_in(client, clock, "reviewer", totp, code=wrong_code(totp, clock.now()))
    assert wrong.status_code == 401 and "动态口令错误" in wrong.text
    assert "sxq_console" not in wrong.cookies
    ok = await sign_in(client, clock, "reviewer", totp)
    assert ok.status_code == 303 and ok.headers["location"] == "/console/reviews"
    cookie = next(h for h in ok.headers.get_list("set-cookie") if h.startswith("sxq_console="))
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/console" in cookie
    assert "Secure" not in cookie  # plain http in this test; https or a trusted TLS proxy sets it
    queue = await client.get("/console/reviews")
    assert queue.status_code == 200 and "审核台" in queue.text
    assert queue.headers["cache-control"] == "no-store"


async def test_cookie_is_secure_behind_tls(client, container, clock):
    totp = await enrol(container)
    form = await client.get("https://testserver/console/login")
    ok = await client.post("https://testserver/console/login", data={
        "csrf": csrf_of(form.text), "username": "reviewer", "password": PASSWORD, "totp": totp.at(clock.now())})
    cookie = next(h for h in ok.headers.get_list("set-cookie") if h.startswith("sxq_console="))
    assert "Secure" in cookie


async def test_an_operator_without_a_second_factor_cannot_use_the_console(client, container, clock):
    await container.use_cases().create_operator("script", PASSWORD, OperatorRole.ADMIN)
    form = await client.get("/console/login")
    r = await client.post("/console/login", data={"csrf": csrf_of(form.text), "username": "script",
                                                  "password": PASSWORD, "totp": "123456"})
    assert r.status_code == 401 and "未绑定动态口令" in r.text


async def test_pages_need_a_session(client):
    r = await client.get("/console/reviews?kind=IDENTITY")
    assert r.status_code == 303 and r.headers["location"] == "/console/login?next=/console/reviews%3Fkind%3DIDENTITY"


async def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(client, container, clock):
    totp = await enrol(container)
    form = await client.get("/console/login")
    no_token = await client.post("/console/login", data={"username": "reviewer", "password": PASSWORD,
                                                         "totp": totp.at(clock.now())})
    assert no_token.status_code == 403 and "CSRF" in no_token.text and "sxq_console" not in no_token.cookies
    assert form.status_code == 200
    await sign_in(client, clock, "reviewer", totp)
    forged = await client.post("/console/logout", data={"csrf": "forged"})
    assert forged.status_code == 403
    assert (await client.get("/console/reviews")).status_code == 200  # still signed in
    page = await client.get("/console/reviews")
    out = await client.post("/console/logout", data={"csrf": csrf_of(page.text)})
    assert out.status_code == 303
    assert (await client.get("/console/reviews")).status_code == 303


async def test_the_session_ends_after_the_idle_timeout(client, container, clock):
    totp = await enrol(container)
    await sign_in(client, clock, "reviewer", totp)
    clock.advance(minutes=10)
    assert (await client.get("/console/reviews")).status_code == 200
    clock.advance(minutes=16)
    assert (await client.get("/console/reviews")).status_code == 303


async def test_five_wrong_codes_lock_the_login(client, container, clock):
    totp = await enrol(container)
    for _ in range(5):
        assert (await sign_in(client, clock, "reviewer", totp, code=wrong_code(totp, clock.now()))).status_code == 401
    locked = await sign_in(client, clock, "reviewer", totp)
    assert locked.status_code == 401 and "锁定" in locked.text


async def test_a_manual_identity_review_worked_in_the_console(client, gql, container, clock):
    await gql.register(PHONE)
    submitted = await _submit(gql)
    assert submitted["userErrors"] == []
    totp = await enrol(container)
    await sign_in(client, clock, "reviewer", totp)
    queue = await client.get("/console/reviews?kind=IDENTITY")
    assert "E12345678" not in queue.text  # the queue shows the masked summary only
    review_id = re.search(r'href="/console/reviews/([0-9a-f-]{36})"', queue.text).group(1)
    page = await client.get(f"/console/reviews/{review_id}")
    assert page.status_code == 200
    assert "E12345678" in page.text and "John Smith" in page.text and "护照" in page.text  # in full
    async with container.uow() as uow:
        viewed = [e for e in await uow.audit.for_account(
            (await uow.accounts.by_phone(PHONE)).id) if e.kind == "review.viewed"]
    assert viewed and viewed[0].operator_id is not None
    photo = await client.get(f"/console/reviews/{review_id}/files/front")
    assert photo.status_code == 200 and photo.headers["content-type"] == "image/png"
    reject_without_reason = await client.post(f"/console/reviews/{review_id}/decide",
                                              data={"csrf": csrf_of(page.text), "decision": "reject"})
    assert reject_without_reason.status_code == 409 and "原因" in reject_without_reason.text
    approved = await client.post(f"/console/reviews/{review_id}/decide",
                                 data={"csrf": csrf_of(page.text), "decision": "approve"})
    assert approved.status_code == 303
    me = (await gql.op("Me"))["me"]
    assert me["realNameStatus"] == "VERIFIED"


@pytest.mark.parametrize("path", ["/console/reviews/not-a-uuid", "/console/reviews/00000000-0000-0000-0000-000000000000"])
async def test_an_unknown_review_is_a_404_page(client, container, clock, path):
    totp = await enrol(container)
    await sign_in(client, clock, "reviewer", totp)
    assert (await client.get(path)).status_code == 404


async def _certificate(gql, container):
    from tests.contract.test_certificates_flows import claim, entitlement, verified

    account = await verified(gql, container)
    return (await claim(gql, await entitlement(container, account)))["signingCertificate"]


async def test_certificates_are_found_and_only_a_supervisor_revokes(client, gql, container, clock):
    from graphql_schema.common.node import from_global_id

    sign = await _certificate(gql, container)
    cert_id = from_global_id(sign["id"], "Certificate")[1]
    reviewer = await enrol(container)
    await sign_in(client, clock, "reviewer", reviewer)
    found = await client.get("/console/certificates", params={"q": "张三"})
    assert found.status_code == 200 and f"/console/certificates/{cert_id}" in found.text
    page = await client.get(f"/console/certificates/{cert_id}")
    assert "吊销证书须由主管进行" in page.text
    refused = await client.post(f"/console/certificates/{cert_id}/revoke",
                                data={"csrf": csrf_of(page.text), "reason": "KEY_COMPROMISE"})
    assert refused.status_code == 403 and "主管" in refused.text
    await client.post("/console/logout", data={"csrf": csrf_of(page.text)})

    supervisor = await enrol(container, "boss", OperatorRole.SUPERVISOR)
    await sign_in(client, clock, "boss", supervisor)
    page = await client.get(f"/console/certificates/{cert_id}")
    done = await client.post(f"/console/certificates/{cert_id}/revoke",
                             data={"csrf": csrf_of(page.text), "reason": "KEY_COMPROMISE"})
    assert done.status_code == 303
    after = await client.get(f"/console/certificates/{cert_id}")
    assert "已吊销" in after.text and "密钥泄露" in after.text


async def test_the_audit_log_filters_and_exports_csv_to_supervisors_only(client, gql, container, clock):
    await gql.register(PHONE)
    assert (await _submit(gql))["userErrors"] == []
    reviewer = await enrol(container)
    await sign_in(client, clock, "reviewer", reviewer)
    refused = await client.get("/console/audit")
    assert refused.status_code == 403 and "主管" in refused.text
    assert (await client.get("/console/audit.csv")).status_code == 403
    page = await client.get("/console/reviews")
    await client.post("/console/logout", data={"csrf": csrf_of(page.text)})

    boss = await enrol(container, "boss", OperatorRole.SUPERVISOR)
    await sign_in(client, clock, "boss", boss)
    page = await client.get("/console/audit", params={"account": PHONE, "event": "identity."})
    assert page.status_code == 200 and "identity.review_submitted" in page.text and "operator.login" not in page.text
    by_actor = await client.get("/console/audit", params={"actor": "reviewer", "event": "operator.login"})
    assert "operator.login" in by_actor.text and "identity.review_submitted" not in by_actor.text
    exported = await client.get("/console/audit.csv", params={"account": PHONE})
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
    assert "attachment" in exported.headers["content-disposition"]
    lines = exported.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "time_utc,event,outcome,operator,account,client_ip,detail"
    assert any(",identity.review_submitted,SUCCESS,," + PHONE in line for line in lines[1:])
    after = await client.get("/console/audit", params={"actor": "boss", "event": "audit.exported"})
    assert "audit.exported" in after.text


async def test_platforms_and_plans_are_for_admins(client, container, clock):
    from adapters.crypto.sm2 import default_backend
    from adapters.crypto.sm2.keyfiles import public_key_to_pem

    reviewer = await enrol(container)
    await sign_in(client, clock, "reviewer", reviewer)
    refused = await client.get("/console/platforms")
    assert refused.status_code == 403 and "管理员" in refused.text
    page = await client.get("/console/reviews")
    assert "平台与套餐" not in page.text  # not offered in the menu either
    await client.post("/console/logout", data={"csrf": csrf_of(page.text)})

    admin = await enrol(container, "admin", OperatorRole.ADMIN)
    await sign_in(client, clock, "admin", admin)
    page = await client.get("/console/platforms")
    sm2 = default_backend()
    pem = public_key_to_pem(sm2.public_key(sm2.generate_private_key()))
    done = await client.post("/console/platforms", data={
        "csrf": csrf_of(page.text), "code": "GGZYJY44001", "name": "广东省公共资源交易平台", "region": "广东省",
        "callback_url": "https://ggzy.example/cb", "public_key": pem})
    assert done.status_code == 200 and "-----BEGIN CERTIFICATE-----" in done.text
    twice = await client.post("/console/platforms", data={
        "csrf": csrf_of(page.text), "code": "GGZYJY44001", "name": "x", "region": "x",
        "callback_url": "https://ggzy.example/cb", "public_key": pem})
    assert twice.status_code == 409
    async with container.uow() as uow:
        platform = await uow.trading_platforms.by_code("GGZYJY44001")
    created = await client.post(f"/console/platforms/{platform.id}/plans", data={
        "csrf": csrf_of(page.text), "subject_type": "PERSONAL", "name": "个人年度版", "operations": ["LOGIN", "SIGN"],
        "validity_months": "12", "price_yuan": "99.00"})
    assert created.status_code == 303
    listed = await client.get("/console/platforms")
    assert "个人年度版 · 99.00 元" in listed.text
    async with container.uow() as uow:
        [plan] = await uow.service_plans.for_platforms([platform.id], None)
    assert plan.price_fen == 9900
    await client.post(f"/console/platforms/{platform.id}/suspend", data={"csrf": csrf_of(page.text)})
    async with container.uow() as uow:
        assert not (await uow.trading_platforms.get(platform.id)).is_active
    await client.post(f"/console/platforms/{platform.id}/resume", data={"csrf": csrf_of(page.text)})
    await client.post(f"/console/plans/{plan.id}/retire", data={"csrf": csrf_of(page.text)})
    async with container.uow() as uow:
        assert (await uow.trading_platforms.get(platform.id)).is_active
        assert not (await uow.service_plans.get(plan.id)).active


async def test_the_health_page_shows_the_outbox_scans_and_crl_and_retries(client, container, clock):
    async with container.uow() as uow:
        message = uow.outbox.put("invoice.issue", {"invoiceId": "00000000-0000-0000-0000-000000000000"})
        await uow.commit()
    async with container.uow() as uow:
        await uow.outbox.mark_failed(message, "tax platform down", clock.now().replace(year=clock.now().year + 1))
        await uow.commit()
    assert (await client.get("/ca/crl/issuing.crl")).status_code == 200  # a CRL is published
    admin = await enrol(container, "admin", OperatorRole.ADMIN)
    await sign_in(client, clock, "admin", admin)
    page = await client.get("/console/health")
    assert page.status_code == 200
    assert "invoice.issue" in page.text and "tax platform down" in page.text and "开具发票" in page.text
    assert "尚未发布" in page.text  # the offline root: no CRL of its own here
    retried = await client.post(f"/console/health/outbox/{message}/retry", data={"csrf": csrf_of(page.text)})
    assert retried.status_code == 303
    async with container.uow() as uow:
        assert (await uow.outbox.get(message)).next_attempt_at <= clock.now()
    gone = await client.post(f"/console/health/outbox/{message}/give-up", data={"csrf": csrf_of(page.text)})
    assert gone.status_code == 303
    async with container.uow() as uow:
        assert (await uow.outbox.get(message)).next_attempt_at is None
    assert "已放弃" in (await client.get("/console/health")).text


OPERATOR_LOGIN_WITH_CODE = """mutation($u: String!, $p: String!, $c: String) {
  operatorLogin(input: { username: $u, password: $p, totpCode: $c }) {
    session { accessToken } userErrors { code field message }
  }
}"""


async def test_graphql_operator_login_asks_an_enrolled_operator_for_the_code(gql, container, clock):
    totp = await enrol(container)
    # The contract document (no code) still works for API-only operators and answers a typed error here.
    without = (await gql.op("OperatorLogin", {"username": "reviewer", "password": PASSWORD}))["operatorLogin"]
    assert without["session"] is None and without["userErrors"][0]["code"] == "SECOND_FACTOR_REQUIRED"
    wrong = await gql.raw(OPERATOR_LOGIN_WITH_CODE, {"u": "reviewer", "p": PASSWORD,
                                                     "c": wrong_code(totp, clock.now())})
    assert wrong["data"]["operatorLogin"]["userErrors"][0]["field"] == "totpCode"
    ok = await gql.raw(OPERATOR_LOGIN_WITH_CODE, {"u": "reviewer", "p": PASSWORD, "c": totp.at(clock.now())})
    token = ok["data"]["operatorLogin"]["session"]["accessToken"]
    reviews = await gql.op("PendingReviews", {"kind": "IDENTITY"}, token=token)
    assert reviews["reviews"]["edges"] == []
