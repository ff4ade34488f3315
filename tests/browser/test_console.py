"""The operator console in a real Chromium against a real `sxq serve`: TOTP login, a manual identity review
worked end to end, the four-eyes rule, CSRF, roles. Screenshots of the main pages go to docs/console/."""

from __future__ import annotations

import re

import httpx

from tests.browser.support import (
    PASSWORD,
    create_operator,
    fresh_code,
    log_in,
    log_out,
    run_async,
    screenshot,
    with_gql,
)
from tests.support.data import image_bytes

PHONE = "13712345678"


def submit_manual_review(live_server) -> None:
    """A user registers and submits manual verification (a passport) over GraphQL to the live server."""

    async def act(gql):
        await gql.register(PHONE)
        files = {"front": ("front.png", image_bytes("PNG"), "image/png"),
                 "back": ("back.jpg", image_bytes("JPEG"), "image/jpeg"),
                 "portrait": ("me.png", image_bytes("PNG"), "image/png")}
        r = (await gql.upload("SubmitManualVerification", {
            "documentType": "PASSPORT", "legalName": "John Smith", "documentNumber": "E12345678",
            "expiresOn": "2035-01-01"}, files))["submitManualVerification"]
        assert r["userErrors"] == [], r
        return gql.token

    return run_async(lambda: with_gql(live_server, act))


def real_name_status(live_server, token: str) -> str:
    async def act(gql):
        gql.token = token
        return (await gql.op("Me"))["me"]["realNameStatus"]

    return run_async(lambda: with_gql(live_server, act))


def test_log_in_with_password_and_totp(live_server, page):
    totp = create_operator(live_server, "reviewer.li", "REVIEWER")
    page.goto(f"{live_server.base}/console/")
    page.wait_for_url("**/console/login?next=/console/")
    screenshot(page, "login")
    page.fill("#username", "reviewer.li")
    page.fill("#password", PASSWORD)
    from datetime import UTC, datetime

    from tests.e2e.test_console import wrong_code

    page.fill("#totp", wrong_code(totp, datetime.now(UTC)))
    page.click("button[type=submit]")
    assert "动态口令错误" in page.inner_text("[role=alert]")
    page.fill("#password", PASSWORD)
    page.fill("#totp", fresh_code(totp))
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.base}/console/")
    assert "reviewer.li（审核员）" in page.inner_text("header.bar")
    cookie = next(c for c in page.context.cookies() if c["name"] == "sxq_console")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict" and cookie["path"] == "/console"
    screenshot(page, "home")
    log_out(page)
    page.goto(f"{live_server.base}/console/reviews")
    page.wait_for_url("**/console/login?next=/console/reviews")


def test_a_manual_identity_review_end_to_end(live_server, page):
    user_token = submit_manual_review(live_server)
    assert real_name_status(live_server, user_token) == "PENDING_REVIEW"
    totp = create_operator(live_server, "reviewer.li", "REVIEWER")
    log_in(page, live_server, "reviewer.li", totp)
    page.click("text=实名认证")
    page.wait_for_url("**/console/reviews?kind=IDENTITY")
    rows = page.locator("#queue tbody tr")
    assert rows.count() == 1
    assert "E12345678" not in page.inner_text("#queue")  # the queue shows the masked summary only
    screenshot(page, "review-queue")
    rows.first.locator("text=查看").click()
    page.wait_for_url(re.compile(r".*/console/reviews/[0-9a-f-]{36}$"))
    claimed = page.inner_text("#claimed")
    assert "E12345678" in claimed and "John Smith" in claimed and "护照" in claimed and "2035-01-01" in claimed
    images = page.locator(".attachments img")
    assert images.count() == 3
    page.wait_for_load_state("networkidle")
    assert all(page.evaluate("img => img.naturalWidth", images.nth(i).element_handle()) > 0 for i in range(3))
    screenshot(page, "review-identity")
    page.click("#approve")
    page.wait_for_url("**?done=1")
    assert "已通过" in page.inner_text("h1")
    assert real_name_status(live_server, user_token) == "VERIFIED"


def test_a_post_without_the_csrf_token_is_refused(live_server, page):
    submit_manual_review(live_server)
    totp = create_operator(live_server, "reviewer.li", "REVIEWER")
    log_in(page, live_server, "reviewer.li", totp)
    page.goto(f"{live_server.base}/console/reviews?kind=IDENTITY")
    # The filters swap the queue in place (htmx) and keep the URL in step.
    page.select_option("#kind", "ENTERPRISE_CHANGE")
    page.wait_for_url("**/console/reviews?kind=ENTERPRISE_CHANGE*")
    assert "没有符合条件的审核" in page.inner_text("#queue")
    page.select_option("#kind", "IDENTITY")
    page.wait_for_url("**/console/reviews?kind=IDENTITY*")
    page.locator("#queue tbody tr").first.locator("text=查看").click()
    page.wait_for_url(re.compile(r".*/console/reviews/[0-9a-f-]{36}$"))
    # A forged form: same session cookie, a wrong token (what another site's page would have to guess).
    page.evaluate("document.querySelectorAll('input[name=csrf]').forEach(i => i.value = 'forged')")
    page.click("#approve")
    assert "CSRF" in page.inner_text("main")
    page.goto(page.url.split("/decide")[0])
    assert "待审核" in page.inner_text("h1")


def test_the_console_makes_no_request_off_127_0_0_1(live_server, page):
    """The `page` fixture fails the test if any request leaves 127.0.0.1; the pages load their assets too."""
    totp = create_operator(live_server, "reviewer.li", "REVIEWER")
    log_in(page, live_server, "reviewer.li", totp)
    assert page.evaluate("typeof htmx") == "object"  # vendored htmx loaded from /console/static
    css = httpx.get(f"{live_server.base}/console/static/console.css")
    assert css.status_code == 200


def certified_enterprise_with_a_change(live_server, page, reviewer_totp) -> tuple[str, str]:
    """An enterprise certified by bank transfer (the reviewer approves it in the console), then a change of name
    requested and proved by a second transfer: an ENTERPRISE_CHANGE review waits. Returns (token, enterprise id)."""
    from tests.app_fixture import CREDIT_CODE
    from tests.browser.support import verified_live
    from tests.contract.test_enterprise_bank_transfer_flows import LETTER, confirm, deposit_code, start
    from tests.contract.test_enterprise_flows import ZHANG, create

    async def certify_request(gql):
        await verified_live(gql, PHONE, "张三", ZHANG)
        e = (await create(gql))["enterprise"]
        s = await start(gql, e["id"])
        assert (await confirm(gql, s["transfer"]["id"], await deposit_code(gql)))["userErrors"] == []
        return gql.token, e["id"]

    token, enterprise_id = run_async(lambda: with_gql(live_server, certify_request))
    log_in(page, live_server, "reviewer.li", reviewer_totp)
    page.goto(f"{live_server.base}/console/reviews?kind=ENTERPRISE_CERTIFICATION")
    page.locator("#queue tbody tr").first.locator("text=查看").click()
    page.wait_for_url(re.compile(r".*/console/reviews/[0-9a-f-]{36}$"))
    claimed = page.inner_text("#claimed")
    assert CREDIT_CODE in claimed and "北京数信科技有限公司" in claimed and "四要素核验结果\n一致" in claimed
    assert "6222020200112233445" in claimed and ZHANG in claimed  # bank account and legal rep ID in full
    screenshot(page, "review-enterprise")
    page.click("#approve")
    page.wait_for_url("**?done=1")

    async def request_change(gql):
        gql.token = token
        r = (await gql.upload("RequestEnterpriseChange", {"enterpriseId": enterprise_id,
                                                          "newName": "北京数信新科技有限公司"},
                              {"licence": ("licence.png", image_bytes(), "image/png"),
                               "signedLetter": ("letter.pdf", LETTER, "application/pdf")}))
        assert r["requestEnterpriseChange"]["userErrors"] == [], r
        s = await start(gql, enterprise_id, account="6222020200112233446")
        done = await confirm(gql, s["transfer"]["id"], await deposit_code(gql, "6222020200112233446"))
        assert done["userErrors"] == [], done

    run_async(lambda: with_gql(live_server, request_change))
    return token, enterprise_id


def enterprise_name(live_server, token: str, enterprise_id: str) -> str:
    async def act(gql):
        gql.token = token
        return (await gql.op("EnterpriseMembers", {"enterpriseId": enterprise_id}))["node"]["name"]

    return run_async(lambda: with_gql(live_server, act))


def test_four_eyes_an_enterprise_change_needs_a_second_operator(live_server, page):
    reviewer = create_operator(live_server, "reviewer.li", "REVIEWER")
    supervisor = create_operator(live_server, "supervisor.wang", "SUPERVISOR")
    token, enterprise_id = certified_enterprise_with_a_change(live_server, page, reviewer)

    page.goto(f"{live_server.base}/console/reviews?kind=ENTERPRISE_CHANGE")
    page.locator("#queue tbody tr").first.locator("text=查看").click()
    page.wait_for_url(re.compile(r".*/console/reviews/[0-9a-f-]{36}$"))
    review_url = page.url
    assert "北京数信科技有限公司 → 北京数信新科技有限公司" in page.inner_text("#claimed")
    page.click("#approve")
    assert "等待另一位主管复核" in page.inner_text("[role=status]")
    assert "待主管复核" in page.inner_text("h1")
    page.click("#approve")  # the same operator again: refused
    assert "须由另一位主管复核" in page.inner_text("[role=alert]")
    assert enterprise_name(live_server, token, enterprise_id) == "北京数信科技有限公司"
    log_out(page)

    log_in(page, live_server, "supervisor.wang", supervisor)
    page.goto(review_url)
    assert "已初审通过（reviewer.li）" in page.inner_text("h1")
    screenshot(page, "review-enterprise-change")
    page.click("#approve")
    page.wait_for_url("**?done=1")
    assert "已通过" in page.inner_text("h1")
    assert enterprise_name(live_server, token, enterprise_id) == "北京数信新科技有限公司"


def certificate_on_live_server(live_server) -> dict:
    """A verified person with a personal entitlement (written by a container on the server's own database) claims
    a certificate over GraphQL, their phone co-signing."""
    from adapters.bootstrap.container import build_container
    from adapters.bootstrap.settings import Settings
    from graphql_schema.common.node import to_global_id
    from tests.browser.support import server_env, verified_live
    from tests.contract.test_certificates_flows import account_uuid, claim
    from tests.contract.test_enterprise_flows import ZHANG
    from tests.support.entitlements import personal_entitlement

    async def act(gql):
        account = await verified_live(gql, PHONE, "张三", ZHANG)
        container = build_container(Settings.from_env(server_env(live_server)))
        try:
            ent = await personal_entitlement(container, account_uuid(account))
        finally:
            await container.engine().dispose()
        r = await claim(gql, to_global_id("Entitlement", ent.id), phone=PHONE)
        assert r["userErrors"] == [], r
        return r["signingCertificate"]

    return run_async(lambda: with_gql(live_server, act))


def ocsp_status(live_server, pem: str) -> str:
    import base64

    from asn1crypto import ocsp as aocsp
    from asn1crypto import x509 as ax509

    from tests.contract.test_certificates_flows import _ocsp_request

    def load(text: str) -> ax509.Certificate:
        return ax509.Certificate.load(base64.b64decode("".join(text.strip().splitlines()[1:-1])))

    issuer = load(httpx.get(f"{live_server.base}/ca/certs/issuing.pem").text)
    answer = httpx.post(f"{live_server.base}/ca/ocsp", content=_ocsp_request(load(pem), issuer),
                        headers={"Content-Type": "application/ocsp-request"})
    basic = aocsp.OCSPResponse.load(answer.content)["response_bytes"]["response"].parsed
    return basic["tbs_response_data"]["responses"][0]["cert_status"].name


def test_a_supervisor_revokes_a_certificate_and_ocsp_answers_revoked(live_server, page):
    sign = certificate_on_live_server(live_server)
    assert ocsp_status(live_server, sign["pem"]) == "good"
    supervisor = create_operator(live_server, "supervisor.wang", "SUPERVISOR")
    log_in(page, live_server, "supervisor.wang", supervisor)
    page.click("header.bar >> text=证书")
    page.fill("#q", PHONE)
    page.click("form.filters button")
    page.wait_for_url("**/console/certificates?q=*")
    assert page.locator("#results tbody tr").count() == 2  # the signing and the encryption certificate
    screenshot(page, "certificates")
    page.locator("#results tbody tr", has_text="签名").locator("text=详情").click()
    page.wait_for_url(re.compile(r".*/console/certificates/[0-9a-f-]{36}$"))
    page.select_option("#reason", "KEY_COMPROMISE")
    page.click("#revoke")
    page.wait_for_load_state()
    assert page.inner_text("#status") == "已吊销"
    assert "密钥泄露" in page.inner_text("main")
    screenshot(page, "certificate-revoked")
    assert ocsp_status(live_server, sign["pem"]) == "revoked"  # at once


def test_a_reviewer_is_refused_an_admin_page_and_an_admin_registers_a_platform(live_server, page):
    from adapters.crypto.sm2 import default_backend
    from adapters.crypto.sm2.keyfiles import public_key_to_pem

    reviewer = create_operator(live_server, "reviewer.li", "REVIEWER")
    admin = create_operator(live_server, "admin.zhao", "ADMIN")
    log_in(page, live_server, "reviewer.li", reviewer)
    assert page.locator("header.bar >> text=平台与套餐").count() == 0
    response = page.goto(f"{live_server.base}/console/platforms")
    assert response.status == 403 and "此操作须由管理员进行" in page.inner_text("main")
    assert page.goto(f"{live_server.base}/console/audit").status == 403
    log_out(page)

    log_in(page, live_server, "admin.zhao", admin)
    page.click("header.bar >> text=平台与套餐")
    sm2 = default_backend()
    page.fill("#code", "GGZYJY44001")
    page.fill("#name", "广东省公共资源交易平台")
    page.fill("#region", "广东省")
    page.fill("#callback_url", "https://ggzy.example/sxq/callback")
    page.fill("#public_key", public_key_to_pem(sm2.public_key(sm2.generate_private_key())))
    page.click("#register-platform button[type=submit]")
    page.wait_for_selector("#callback-certificate")
    assert page.inner_text("#callback-certificate").startswith("-----BEGIN CERTIFICATE-----")
    row = page.locator("#platform-GGZYJY44001")
    row.locator("summary").click()
    row.locator("input[name=name]").fill("个人证书年度服务")
    row.locator("input[name=price_yuan]").fill("99")
    row.locator("text=创建套餐").click()
    page.wait_for_url("**/console/platforms")
    assert "个人证书年度服务 · 99.00 元" in page.inner_text("#platform-GGZYJY44001")
    screenshot(page, "platforms")
    page.click("header.bar >> text=运行状况")
    page.wait_for_url("**/console/health")
    assert "最近一小时的扫码会话" in page.inner_text("main")
    screenshot(page, "health")
    page.click("header.bar >> text=审计日志")
    page.fill("#event", "platform.")
    page.click("#audit-filters button[type=submit]")
    page.wait_for_url("**/console/audit?*")
    assert "platform.registered" in page.inner_text("#events")
    screenshot(page, "audit")
