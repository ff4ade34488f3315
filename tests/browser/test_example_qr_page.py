"""The example trading platform's QR page (examples/trading_platform/app.py) in headless Chromium, served from the
platform's own origin as it really runs (a second port beside `sxq serve`): the QR is drawn from the vendored
library, the page follows the session over a cross-origin WebSocket, and after the app scans and confirms (the
GraphQL API, co-signed by the phone library) it shows the verified result without a reload. Without its origin in
SXQ_ALLOWED_ORIGINS the server refuses the page's WebSocket and the page says so (the bug of issue 15)."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from domain.operators.operator import OperatorRole
from examples.trading_platform import gm
from examples.trading_platform.app import create_app as create_platform_app
from examples.trading_platform.platform import RelyingParty
from examples.trading_platform.register import register_with_operator_api
from tests.contract.test_certificates_flows import PHONE, account_uuid, entitlement
from tests.contract.test_scan_flows import claim_with_phone, confirm
from tests.support.data import id_number
from tests.support.graphql import GraphQLClient
from tests.support.platform import entitlement_on
from tests.support.ws import free_port, serving

CODE = "DEMOPF00002"
OPERATOR, OPERATOR_PASSWORD = "qrpage", "Oper4tor!x"


class Background:
    """An event loop on its own thread: the platform's web app (uvicorn) and the app side's async clients run
    there while the test drives the browser through Playwright's synchronous API on the main thread."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.stack = contextlib.AsyncExitStack()

    def run(self, coro, timeout: float = 60) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def close(self) -> None:
        self.run(self.stack.aclose())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()


@pytest.fixture
def background() -> Iterator[Background]:
    bg = Background()
    try:
        yield bg
    finally:
        bg.close()


async def _platform_beside(bg: Background, live, port: int) -> tuple[RelyingParty, str, Any]:
    """The example platform served on `port`, registered with the live server through the operator API; and a
    container on the live server's database for what the tests write directly (an operator, entitlements)."""
    from adapters.bootstrap.container import build_container
    from adapters.bootstrap.settings import Settings

    container = build_container(Settings(mode="sandbox", data_dir=live.data_dir, password_scrypt_n=1024))
    bg.stack.push_async_callback(container.engine().dispose)
    await container.use_cases().create_operator(OPERATOR, OPERATOR_PASSWORD, OperatorRole.ADMIN)  # registers platforms
    http = await bg.stack.enter_async_context(httpx.AsyncClient(timeout=10))
    key = gm.new_private_key()
    party = RelyingParty(server_url=live.base, platform_code=CODE, private_key=key, callback_certificate_pem="",
                         http=http)
    rp_url = await bg.stack.enter_async_context(serving(create_platform_app(party), port=port))
    party.callback_certificate_pem = await register_with_operator_api(
        http, live.base, username=OPERATOR, password=OPERATOR_PASSWORD, platform_code=CODE, name="示例交易平台",
        region="北京市", callback_url=f"{rp_url}/sxq/callback", private_key=key)
    return party, rp_url, container


async def _holder(bg: Background, live, container, name: str) -> GraphQLClient:
    """The app over GraphQL against the live server: register, pass the sandbox face check, enrol the phone's key
    share and claim the personal certificates; an entitlement on the example platform."""
    gql = GraphQLClient(await bg.stack.enter_async_context(httpx.AsyncClient(base_url=live.base, timeout=30)))
    account = (await gql.register(PHONE))["account"]["id"]
    started = await gql.op("StartIdCardVerification", {"legalName": name, "idNumber": id_number()})
    token = started["startIdCardVerification"]["faceVerification"]["token"]
    await gql.op("SandboxFinishFace", {"token": token, "pass": True})
    for _ in range(100):  # the sandbox vendor answers the server asynchronously
        done = (await gql.op("CompleteFaceVerification", {"token": token}))["completeFaceVerification"]
        if done["account"] and done["account"]["realNameStatus"] == "VERIFIED":
            break
        await asyncio.sleep(0.1)
    else:
        raise AssertionError(f"face verification did not finish: {done}")
    claimed = await claim_with_phone(gql, PHONE, await entitlement(container, account))
    assert claimed["userErrors"] == [], claimed
    async with container.uow() as uow:
        platform = await uow.trading_platforms.by_code(CODE)
    await entitlement_on(container, account_uuid(account), platform.id)
    return gql


async def _scan_and_confirm(gql: GraphQLClient, qr_content: str) -> None:
    seen = (await gql.op("ScanQrCode", {"qrContent": qr_content}))["scanQrCode"]
    assert seen["userErrors"] == [], seen
    view = seen["session"]
    done = await confirm(gql, view, view["usableCertificates"][0]["certificate"]["id"])
    assert done["userErrors"] == [] and done["session"]["status"] == "CONFIRMED", done


def _open_qr_page(page, rp_url: str) -> str:
    page.goto(f"{rp_url}/")
    page.get_by_role("button", name="扫码登录").click()
    page.wait_for_url(f"{rp_url}/qr/*")
    return page.url.rsplit("/", 1)[1]


def test_the_qr_page_follows_the_session_and_shows_the_result_without_a_reload(live_server_factory, page,
                                                                                background):
    port = free_port()
    rp_origin = f"http://127.0.0.1:{port}"
    live = live_server_factory(SXQ_ALLOWED_ORIGINS=rp_origin)
    party, rp_url, container = background.run(_platform_beside(background, live, port))
    assert rp_url == rp_origin
    gql = background.run(_holder(background, live, container, "李四"))

    sockets: list[str] = []
    page.on("websocket", lambda ws: sockets.append(ws.url))
    t_id = _open_qr_page(page, rp_url)
    qr = page.locator("#qr svg")
    qr.wait_for(state="visible")
    box = qr.bounding_box()
    assert box and box["width"] >= 100 and box["height"] >= 100
    modules = page.evaluate("() => code.getModuleCount()")
    assert modules >= 21  # a real QR symbol (version 1 is 21×21)
    content = page.locator("#qr").get_attribute("data-content")
    assert content == party.qr_contents[t_id]
    page.locator("#status[data-live=yes]", has_text="WAITING").wait_for(timeout=10_000)  # the first event
    assert sockets == [live.base.replace("http", "ws", 1) + "/graphql"]
    page.evaluate("() => { window.sameDocument = true; }")  # gone if the page reloads or navigates

    background.run(_scan_and_confirm(gql, content))

    page.locator("#status", has_text="CONFIRMED").wait_for(timeout=15_000)
    # The callback reaches the platform's server (the live server's outbox worker); the page fetches it in place.
    page.locator("#result-text", has_text="已验证：李四").wait_for(timeout=20_000)
    assert page.evaluate("() => window.sameDocument") is True
    assert page.url == f"{rp_url}/qr/{t_id}"
    assert page.locator("#problem").is_hidden()
    assert party.outcomes[t_id].verified


def test_without_its_origin_allowed_the_page_is_refused_and_says_so(live_server, page, background):
    # The sandbox default allows the example's usual origin (port 9000), not this one.
    port = free_port()
    _party, rp_url, _container = background.run(_platform_beside(background, live_server, port))
    _open_qr_page(page, rp_url)
    page.locator("#qr svg").wait_for(state="visible")
    page.locator("#problem", has_text="连接已断开").wait_for(timeout=10_000)
    assert page.locator("#status").text_content() == "WAITING"
    assert page.locator("#status").get_attribute("data-live") is None  # never heard from the server
