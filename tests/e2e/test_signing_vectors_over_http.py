"""Issue 15 item 6: the request vector of docs/signing-vectors.json, sent as it stands, is accepted by the server
(the platform registered with the vector's key, the clock at the vector's timestamp); the same bytes once more are
a replay, and any change to them is refused."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from tests.support.platform import TestPlatform, register_platform

REQUEST = json.loads((Path(__file__).resolve().parents[2] / "docs" / "signing-vectors.json")
                     .read_text("utf-8"))["platformRequest"]


async def test_the_servers_verdict_on_the_request_vector(client, container, clock):
    await register_platform(container, TestPlatform(code=REQUEST["platformCode"], name="示例交易平台", region="北京市",
                                                    private_key=bytes.fromhex(REQUEST["key"]["privateKeyHex"])))
    clock.offset = datetime.fromtimestamp(int(REQUEST["timestamp"]), UTC) - datetime.now(UTC)
    body = REQUEST["body"].encode()

    def post(content: bytes, **changed: str):
        return client.post("/graphql", content=content, headers={**REQUEST["headers"], **changed})

    for content, changed in ((body + b" ", {}), (body, {"X-Nonce": "0" * 32}),
                             (body, {"X-Timestamp": str(int(REQUEST["timestamp"]) + 1)})):
        refused = (await post(content, **changed)).json()
        assert refused["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED", changed
    accepted = (await post(body)).json()
    assert "errors" not in accepted and accepted["data"] == {"platformScanSession": None}, accepted
    replayed = (await post(body)).json()
    assert replayed["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
