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
    page.fill("#totp", "000000" if totp.now() != "000000" else "111111")
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
