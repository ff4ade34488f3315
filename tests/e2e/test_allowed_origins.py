"""SXQ_ALLOWED_ORIGINS over real HTTP and WebSocket handshakes with the Origin header a browser sends: a page on
an allowed origin may subscribe and pass the CORS preflight, a page on any other origin is refused both, and
clients that send no Origin (apps, servers) are unaffected."""

from __future__ import annotations

import dataclasses
import json

import httpx
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from adapters.bootstrap.settings import Settings
from adapters.http.origins import SANDBOX_DEFAULT_ORIGINS, parse_allowed_origins
from tests.support.ws import serving

PLATFORM = "http://127.0.0.1:9123"
OTHER = "http://127.0.0.1:9124"


@pytest.fixture
def origin_app(container, settings):
    from adapters.http.app import create_app

    return create_app(dataclasses.replace(settings, allowed_origins=(PLATFORM,)), container, run_worker=False)


async def _handshake(base: str, origin: str | None) -> dict:
    """Opens /graphql as a browser page on `origin` would and returns the server's answer to connection_init."""
    url = base.replace("http", "ws", 1) + "/graphql"
    async with connect(url, subprotocols=["graphql-transport-ws"], origin=origin, open_timeout=5) as ws:  # type: ignore[arg-type,list-item]
        await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
        return json.loads(await ws.recv())


async def test_websocket_from_the_allowed_origin_is_accepted_and_from_another_refused(origin_app):
    async with serving(origin_app) as base:
        assert (await _handshake(base, PLATFORM))["type"] == "connection_ack"
        with pytest.raises(InvalidStatus) as refused:
            await _handshake(base, OTHER)
        assert refused.value.response.status_code == 403
        # Not a browser: no Origin, no check (the app and the platform's server).
        assert (await _handshake(base, None))["type"] == "connection_ack"


async def test_cors_preflight_and_request_from_the_allowed_origin_only(origin_app):
    preflight = {"Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": "content-type,authorization"}
    async with serving(origin_app) as base, httpx.AsyncClient(base_url=base) as http:
        ok = await http.options("/graphql", headers={"Origin": PLATFORM, **preflight})
        assert ok.status_code == 200
        assert ok.headers["access-control-allow-origin"] == PLATFORM
        assert "POST" in ok.headers["access-control-allow-methods"]
        assert "authorization" in ok.headers["access-control-allow-headers"].lower()

        refused = await http.options("/graphql", headers={"Origin": OTHER, **preflight})
        assert refused.status_code == 400
        assert "access-control-allow-origin" not in refused.headers

        query = {"query": "{ __typename }"}
        answered = await http.post("/graphql", json=query, headers={"Origin": PLATFORM})
        assert answered.json() == {"data": {"__typename": "Query"}}
        assert answered.headers["access-control-allow-origin"] == PLATFORM
        other = await http.post("/graphql", json=query, headers={"Origin": OTHER})
        assert "access-control-allow-origin" not in other.headers  # the browser hides the answer from the page


async def test_production_allows_no_other_origin_by_default(container, settings):
    from adapters.http.app import create_app

    app = create_app(dataclasses.replace(settings, mode="production"), container, run_worker=False)
    async with serving(app) as base:
        for origin in SANDBOX_DEFAULT_ORIGINS:
            with pytest.raises(InvalidStatus):
                await _handshake(base, origin)
        # Same origin is always fine (GraphiQL or a console served by the API itself).
        assert (await _handshake(base, base))["type"] == "connection_ack"


def test_the_setting_takes_exact_origins_and_defaults_by_mode():
    assert Settings.from_env({}).web_origins == SANDBOX_DEFAULT_ORIGINS
    assert Settings.from_env({"SXQ_MODE": "production"}).web_origins == ()
    assert Settings.from_env({"SXQ_ALLOWED_ORIGINS": ""}).web_origins == ()
    assert Settings.from_env({"SXQ_MODE": "production", "SXQ_ALLOWED_ORIGINS":
                              " https://Platform.example:443 , http://127.0.0.1:9000,https://platform.example"}
                             ).web_origins == ("https://platform.example", "http://127.0.0.1:9000")
    assert parse_allowed_origins("https://[::1]:8443") == ("https://[::1]:8443",)
    for bad in ("*", "https://*.platform.example", "https://platform.example/qr", "platform.example",
                "ftp://platform.example", "https://user@platform.example", "null"):
        with pytest.raises(ValueError, match="SXQ_ALLOWED_ORIGINS"):
            parse_allowed_origins(bad)
