"""Callback URLs may not point inside (issue 13, item 7): refused at registration — over GraphQL, on the real
database — and again at delivery after resolving afresh; production requires https, the sandbox allows loopback."""

from __future__ import annotations

import httpx
import pytest
from dependency_injector import providers
from sqlalchemy import func, select

from adapters.crypto.sm2 import default_backend
from adapters.crypto.sm2.keyfiles import public_key_to_pem
from adapters.persistence import tables_commerce as tc
from adapters.vendors.destinations import DestinationGuard, UnsafeDestination
from application.commerce.register_platform import RegisterPlatformCommand
from domain.commerce.catalogue import InvalidCallbackUrl
from domain.operators.operator import OperatorRole
from tests.integration.test_scan_callback_delivery import Receiver, expired_login_session, pending_callbacks
from tests.support.platform import PUBLIC_ADDRESS, TestPlatform, register_platform, resolving_to

INSIDE = ["http://169.254.169.254/latest/meta-data/", "https://169.254.169.254/", "https://127.0.0.1/cb",
          "https://10.1.2.3/cb", "https://172.16.0.1/cb", "https://192.168.1.1/cb", "https://[::1]/cb",
          "https://[::ffff:127.0.0.1]/cb", "https://[::ffff:169.254.169.254]/cb", "https://[64:ff9b::a9fe:a9fe]/cb",
          "https://[fe80::1]/cb", "https://[fd00:ec2::254]/cb", "https://100.100.100.200/cb",
          "https://100.64.0.1/cb", "https://0.0.0.0/cb", "https://224.0.0.1/cb",
          "https://metadata.google.internal/computeMetadata/v1/", "https://2130706433/cb", "https://0x7f.1/cb",
          "https://127.1/cb", "https://0251.0376.0251.0376/cb"]


def production(names: dict[str, list[str]] | None = None) -> DestinationGuard:
    return resolving_to(sandbox=False, names={"inside.example": ["10.0.0.9"],
                                              "mixed.example": [PUBLIC_ADDRESS, "127.0.0.1"], **(names or {})})


@pytest.mark.parametrize("url", INSIDE)
async def test_production_refuses_addresses_inside(url):
    with pytest.raises(InvalidCallbackUrl):
        await production().check_registration(url)
    with pytest.raises(UnsafeDestination):
        await production().resolve(url)


@pytest.mark.parametrize("url", ["https://inside.example/cb", "https://mixed.example/cb",
                                 "http://platform.example/cb", "https://localhost/cb"])
async def test_production_refuses_names_inside_and_plain_http(url):
    guard = production({"localhost": ["127.0.0.1", "::1"]})
    with pytest.raises(InvalidCallbackUrl):
        await guard.check_registration(url)
    with pytest.raises(UnsafeDestination):
        await guard.resolve(url)


async def test_production_takes_a_public_https_name_and_connects_to_its_checked_address():
    guard = production()
    await guard.check_registration("https://platform.example:8443/sxq/cb")
    d = await guard.resolve("https://platform.example:8443/sxq/cb")
    assert (d.host, d.port, d.address) == ("platform.example", 8443, PUBLIC_ADDRESS)


async def test_a_name_that_does_not_resolve_is_registered_but_not_delivered_to():
    async def nxdomain(host: str, port: int) -> list[str]:
        raise OSError("Name or service not known")

    guard = DestinationGuard(allow_http=False, allow_loopback=False, resolver=nxdomain)
    await guard.check_registration("https://not-yet.example/cb")
    with pytest.raises(UnsafeDestination, match="resolve"):
        await guard.resolve("https://not-yet.example/cb")


async def test_the_sandbox_allows_loopback_and_http_but_nothing_else_inside():
    guard = resolving_to(sandbox=True, names={"inside.example": ["192.168.0.3"]})
    for ok in ("http://127.0.0.1:8080/cb", "http://[::1]:8080/cb", "http://localhost:9/cb"):
        guard_ok = resolving_to(sandbox=True, names={"localhost": ["127.0.0.1"]})
        await guard_ok.check_registration(ok)
        await guard_ok.resolve(ok)
    for bad in ("http://169.254.169.254/", "http://10.0.0.1/", "http://inside.example/cb"):
        with pytest.raises(InvalidCallbackUrl):
            await guard.check_registration(bad)


async def test_the_system_resolver_runs_and_checks_every_address():
    # The real getaddrinfo (off the event loop): localhost is loopback, refused in production.
    guard = DestinationGuard(allow_http=False, allow_loopback=False)
    with pytest.raises(InvalidCallbackUrl):
        await guard.check_registration("https://localhost/cb")


# ---- registration over GraphQL and with the real database


def _key_pem() -> str:
    sm2 = default_backend()
    return public_key_to_pem(sm2.public_key(sm2.generate_private_key()))


async def _operator(gql, container) -> str:
    await container.use_cases().create_operator("catalogue", "Operat0rPass", OperatorRole.ADMIN)
    return (await gql.op("OperatorLogin", {"username": "catalogue", "password": "Operat0rPass"})
            )["operatorLogin"]["session"]["accessToken"]


async def _count(container) -> int:
    async with container.engine().connect() as conn:
        return (await conn.execute(select(func.count()).select_from(tc.trading_platforms))).scalar_one()


async def test_register_platform_refuses_callback_urls_inside(gql, container, monkeypatch):
    guard = container.callback_destinations()

    async def resolver(host: str, port: int) -> list[str]:
        return {"inside.example": ["10.20.30.40"]}.get(host, [PUBLIC_ADDRESS])

    monkeypatch.setattr(guard, "_resolver", resolver)
    token = await _operator(gql, container)
    base = {"platformCode": "GGZY1100001", "name": "平台", "region": "北京市", "publicKeyPem": _key_pem()}
    for url in ("http://169.254.169.254/latest/meta-data/", "http://10.1.2.3/cb", "http://[fd00::1]/cb",
                "https://inside.example/cb", "http://metadata.google.internal/"):
        r = (await gql.op("RegisterPlatform", {**base, "callbackUrl": url}, token=token))["registerPlatform"]
        assert r["platform"] is None and r["userErrors"][0]["field"] == "callbackUrl", (url, r)
        assert r["userErrors"][0]["code"] == "INVALID_INPUT"
    assert await _count(container) == 0
    # The sandbox takes loopback (a platform running beside it, as in tests/e2e/test_example_platform.py).
    r = (await gql.op("RegisterPlatform", {**base, "callbackUrl": "http://127.0.0.1:9/cb"}, token=token))
    assert r["registerPlatform"]["userErrors"] == []
    assert await _count(container) == 1


async def test_production_registration_refuses_loopback_and_http(container):
    """The use case as production wires it (https only, nothing inside), on the real database."""
    from application.commerce.register_platform import RegisterPlatform

    uc = container.use_cases().commerce.register_platform
    prod = RegisterPlatform(container.uow, container.certificate_authority(), uc._keys, container.clock(),
                            destinations=production())
    for url in ("https://127.0.0.1/cb", "https://[::1]/cb", "https://10.0.0.1/cb", "https://169.254.169.254/",
                "http://platform.example/cb", "https://inside.example/cb"):
        with pytest.raises(InvalidCallbackUrl):
            await prod.register(RegisterPlatformCommand(None, "GGZY1100002", "平台", "北京市", url, _key_pem()),
                                operator_id=None)
    assert await _count(container) == 0
    done = await prod.register(RegisterPlatformCommand(None, "GGZY1100002", "平台", "北京市",
                                                       "https://platform.example/cb", _key_pem()), operator_id=None)
    assert done.platform.callback_url == "https://platform.example/cb" and await _count(container) == 1


# ---- delivery: resolved afresh, refused when the name has come to point inside


@pytest.fixture
async def rebinding(container):
    """The container's sender over a receiver, with a resolver the test moves (DNS rebinding)."""
    answers = {"platform.example": [PUBLIC_ADDRESS]}

    async def resolver(host: str, port: int) -> list[str]:
        return answers[host]

    receiver = Receiver()
    client = httpx.AsyncClient(transport=httpx.MockTransport(receiver))
    container.http_client.override(providers.Object(client))
    container.callback_destinations.override(providers.Object(
        DestinationGuard(allow_http=False, allow_loopback=False, resolver=resolver)))
    container.platform_callback_sender.reset()
    container.dispatcher.reset()
    yield answers, receiver
    container.http_client.reset_override()
    container.callback_destinations.reset_override()
    container.platform_callback_sender.reset()
    container.dispatcher.reset()
    await client.aclose()


@pytest.mark.parametrize("inside", [["169.254.169.254"], ["127.0.0.1"], ["10.0.0.8"], ["::1"],
                                    [PUBLIC_ADDRESS, "192.168.1.20"]])
async def test_delivery_refuses_a_name_that_now_points_inside(container, clock, rebinding, inside):
    answers, receiver = rebinding
    platform = await register_platform(container, TestPlatform())  # accepted: platform.example was public
    await expired_login_session(container, clock, platform)
    answers["platform.example"] = inside
    assert await container.dispatcher().dispatch_due() == 0
    assert receiver.requests == []
    [pending] = await pending_callbacks(container)
    assert pending.attempts == 1 and "refused destination" in pending.last_error

    # Back outside: the retry goes out, to the address just checked.
    answers["platform.example"] = [PUBLIC_ADDRESS]
    clock.advance(hours=1)
    assert await container.dispatcher().dispatch_due() == 1
    [sent] = receiver.requests
    assert sent.url.host == PUBLIC_ADDRESS and sent.headers["host"] == "platform.example"
