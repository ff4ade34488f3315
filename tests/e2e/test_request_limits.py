"""Hostile requests over HTTP (issue 13, items 3 and 5): bodies bounded per content type and refused while they
stream in, malformed multipart answered 400 in GraphQL's shape, the security headers of every response, and
introspection and suggestions off in production."""

from __future__ import annotations

import dataclasses
import json

import httpx
import pytest

from adapters.bootstrap.settings import Settings
from tests.support.data import future, image_bytes

MIB = 1024 * 1024
CHUNK = 64 * 1024


class Body:
    """A request body that counts what the server pulled from it (httpx's ASGI transport reads it lazily)."""

    def __init__(self, prefix: bytes, filler: int, suffix: bytes = b"") -> None:
        self.prefix, self.filler, self.suffix, self.sent = prefix, filler, suffix, 0

    async def __aiter__(self):
        for piece in self._pieces():
            self.sent += len(piece)
            yield piece

    def _pieces(self):
        yield self.prefix
        left = self.filler
        while left > 0:
            n = min(CHUNK, left)
            left -= n
            yield b" " * n if not self.suffix else b"\x00" * n
        yield self.suffix

    @property
    def total(self) -> int:
        return len(self.prefix) + self.filler + len(self.suffix)


def _errors(resp: httpx.Response) -> list[dict]:
    body = resp.json()
    assert body["data"] is None and body["errors"], body
    return body["errors"]


async def test_oversized_json_is_refused_before_it_is_read(client):
    # Content-Length says 40 MB: 413 before a byte is read.
    body = Body(b'{"query": "{ __typename }", "x": "', 40 * MIB, b'"}')
    r = await client.post("/graphql", content=body, headers={"Content-Type": "application/json",
                                                              "Content-Length": str(body.total)})
    assert r.status_code == 413 and _errors(r)[0]["extensions"]["code"] == "REQUEST_TOO_LARGE"
    assert body.sent == 0


async def test_oversized_json_without_length_stops_at_the_limit(client):
    # No Content-Length (chunked): counted as it arrives, refused one chunk past 1 MB of the 40 MB.
    body = Body(b'{"query": "{ __typename } #', 40 * MIB, b'"}')
    r = await client.post("/graphql", content=body, headers={"Content-Type": "application/json"})
    assert r.status_code == 413 and _errors(r)[0]["extensions"]["code"] == "REQUEST_TOO_LARGE"
    assert body.sent <= MIB + 2 * CHUNK


async def test_a_query_comment_of_8_mb_is_not_parsed(client):
    query = "{ __typename } #" + "x" * (8 * MIB)
    r = await client.post("/graphql", json={"query": query})
    assert r.status_code == 413


async def test_a_json_body_under_the_limit_still_works(client):
    r = await client.post("/graphql", json={"query": "{ __typename } #" + "x" * (MIB // 2)})
    assert r.status_code == 200 and r.json()["data"] == {"__typename": "Query"}


def _multipart(parts: list[tuple[str, str | None, bytes]], boundary: str = "sxqboundary") -> tuple[bytes, bytes]:
    """The multipart body without its last part's data and closing boundary: (head, tail)."""
    out = b""
    for i, (name, filename, data) in enumerate(parts):
        disp = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename else "")
        out += f"--{boundary}\r\nContent-Disposition: {disp}\r\n".encode()
        if filename:
            out += b"Content-Type: image/png\r\n"
        out += b"\r\n" + data + (b"\r\n" if i < len(parts) - 1 else b"")
    return out, f"\r\n--{boundary}--\r\n".encode()


OPERATIONS = json.dumps({
    "query": "mutation($d: DocumentType!, $n: String!, $x: String!, $e: Date!, $f: Upload!, $b: Upload!, "
             "$p: Upload!) { submitManualVerification(input: {documentType: $d, legalName: $n, documentNumber: $x, "
             "expiresOn: $e, frontImage: $f, backImage: $b, portraitImage: $p}) { userErrors { code field } } }",
    "variables": {"d": "HK_MACAO_PERMIT", "n": "陈大文", "x": "H12345678", "e": future(), "f": None, "b": None,
                  "p": None}}).encode()
MAP = json.dumps({"0": ["variables.f"], "1": ["variables.b"], "2": ["variables.p"]}).encode()
MULTIPART = {"Content-Type": "multipart/form-data; boundary=sxqboundary"}


async def test_a_60_mb_upload_is_refused_at_the_file_limit(gql, client, settings):
    await gql.register("13712345678")
    png = image_bytes("PNG")
    head, tail = _multipart([("operations", None, OPERATIONS), ("map", None, MAP), ("0", "f.png", png),
                             ("1", "b.png", png), ("2", "p.png", png)])
    body = Body(head, 60 * MIB, tail)
    r = await client.post("/graphql", content=body, headers={**MULTIPART, "Authorization": f"Bearer {gql.token}"})
    assert r.status_code == 413
    error = _errors(r)[0]
    assert error["extensions"]["code"] == "FILE_TOO_LARGE" and "5MB" in error["message"]
    limit = settings.upload_max_bytes
    assert body.sent <= len(head) + limit + 2 * CHUNK, "read far past the 5 MB limit of one file"
    blobs = settings.data_dir / "blobs"
    assert not blobs.exists() or not any(p.is_file() for p in blobs.rglob("*"))


async def test_a_60_mb_upload_with_its_length_declared_is_refused_unread(client):
    head, tail = _multipart([("operations", None, OPERATIONS), ("map", None, MAP), ("0", "f.png", b"")])
    body = Body(head, 60 * MIB, tail)
    r = await client.post("/graphql", content=body, headers={**MULTIPART, "Content-Length": str(body.total)})
    assert r.status_code == 413 and body.sent == 0


async def test_too_many_files(client):
    png = image_bytes("PNG")
    parts = [("operations", None, OPERATIONS), ("map", None, MAP)] + [(str(i), f"{i}.png", png) for i in range(4)]
    head, tail = _multipart(parts)
    r = await client.post("/graphql", content=head + tail, headers=MULTIPART)
    assert r.status_code == 413 and "3" in _errors(r)[0]["message"]


async def test_too_many_fields(client):
    parts = [("operations", None, OPERATIONS), ("map", None, b"{}")] + [(f"f{i}", None, b"x") for i in range(50)]
    head, tail = _multipart(parts)
    r = await client.post("/graphql", content=head + tail, headers=MULTIPART)
    assert r.status_code == 413


async def test_an_oversized_operations_field(client):
    head, tail = _multipart([("operations", None, b'{"query": "{ __typename } #' + b"x" * (2 * MIB) + b'"}'),
                             ("map", None, b"{}")])
    r = await client.post("/graphql", content=head + tail, headers=MULTIPART)
    assert r.status_code == 413


@pytest.mark.parametrize("operations,file_map,why", [
    (OPERATIONS, b"[]", "map not an object"),
    (OPERATIONS, b'"0"', "map a string"),
    (OPERATIONS, b'{"0": "variables.f"}', "paths not a list"),
    (OPERATIONS, b'{"7": ["variables.f"]}', "a part that was not sent"),
    (OPERATIONS, b'{"0": ["variables.f.deep.er"]}', "a path through a null"),
    (OPERATIONS, b'{"0": ["query"]}', "a path outside the variables"),
    (OPERATIONS, b"not json", "map not JSON"),
    (b"[1, 2]", MAP, "operations a list"),
    (b'{"query": "{ __typename }", "variables": "x"}', b'{"0": ["variables.f"]}', "variables a string"),
    (b"{", MAP, "operations not JSON"),
])
async def test_malformed_multipart_is_400_in_graphql_shape(client, operations, file_map, why):
    head, tail = _multipart([("operations", None, operations), ("map", None, file_map),
                             ("0", "f.png", image_bytes("PNG"))])
    r = await client.post("/graphql", content=head + tail, headers=MULTIPART)
    assert r.status_code == 400, (why, r.text)
    assert r.headers["content-type"].startswith("application/json")
    assert _errors(r)[0]["extensions"]["code"] == "BAD_REQUEST", why


async def test_a_broken_multipart_body_is_400(client):
    r = await client.post("/graphql", content=b"--sxqboundary\r\ngarbage", headers=MULTIPART)
    assert r.status_code == 400 and _errors(r)[0]["extensions"]["code"] == "BAD_REQUEST"
    r = await client.post("/graphql", content=b"x", headers={"Content-Type": "multipart/form-data"})
    assert r.status_code == 400


async def test_other_routes_have_the_json_limit(client):
    r = await client.post("/callbacks/face", content=b"x" * (2 * MIB),
                          headers={"Content-Type": "multipart/form-data; boundary=x"})
    assert r.status_code == 413


# ---- headers

SECURITY = {"x-content-type-options": "nosniff", "referrer-policy": "no-referrer", "x-frame-options": "DENY",
            "content-security-policy": "frame-ancestors 'none'"}


async def test_every_response_carries_the_security_headers(client):
    for r in (await client.get("/healthz"), await client.post("/graphql", json={"query": "{ __typename }"}),
              await client.get("/no/such/path"), await client.get("/files/reviews/x/front"),
              await client.post("/graphql", content=b"x" * (2 * MIB), headers={"Content-Type": "application/json"})):
        for name, value in SECURITY.items():
            assert r.headers.get(name) == value, (r.request.url, name)
        assert "strict-transport-security" not in r.headers  # plain HTTP: HSTS means nothing there


async def test_hsts_behind_tls(app):
    transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 5000))
    async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as c:
        r = await c.get("/healthz")
    assert r.headers["strict-transport-security"].startswith("max-age=")


async def test_hsts_from_a_trusted_proxy(container, settings):
    from adapters.http.app import create_app

    behind = create_app(dataclasses.replace(settings, trust_proxy=True), container, run_worker=False)
    transport = httpx.ASGITransport(app=behind, client=("10.0.0.2", 5000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        assert "strict-transport-security" in (await c.get("/healthz", headers={"X-Forwarded-Proto": "https"})).headers
        assert "strict-transport-security" not in (await c.get("/healthz")).headers


# ---- production hides the schema


INTROSPECTION = "{ __schema { queryType { name } } }"
TYPO = "{ mee { id } }"
ENUM_TYPO = 'mutation { requestSmsCode(input: {phone: "13700000000", purpose: REGISTR}) { userErrors { code } } }'


@pytest.fixture
async def production_client(container, settings):
    """The app in production mode over the test container (the vendors are not reached by these requests)."""
    from adapters.http.app import create_app

    app = create_app(dataclasses.replace(settings, mode="production"), container, run_worker=False)
    transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 5000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


async def test_production_refuses_introspection_and_gives_no_suggestions(production_client):
    body = (await production_client.post("/graphql", json={"query": INTROSPECTION})).json()
    assert body.get("data") is None and "introspection" in body["errors"][0]["message"]
    for q in (TYPO, ENUM_TYPO):
        body = (await production_client.post("/graphql", json={"query": q})).json()
        assert body["errors"] and all("Did you mean" not in e["message"] for e in body["errors"]), body
    # __typename is not introspection of the schema.
    body = (await production_client.post("/graphql", json={"query": "{ __typename }"})).json()
    assert body["data"] == {"__typename": "Query"}


async def test_the_sandbox_keeps_introspection_and_suggestions(client):
    body = (await client.post("/graphql", json={"query": INTROSPECTION})).json()
    assert body["data"]["__schema"]["queryType"]["name"] == "Query"
    body = (await client.post("/graphql", json={"query": TYPO})).json()
    assert "Did you mean 'me'" in body["errors"][0]["message"]
    body = (await client.post("/graphql", json={"query": ENUM_TYPO})).json()
    assert "Did you mean" in body["errors"][0]["message"]


def test_settings_default_by_mode_and_can_be_changed():
    assert Settings.from_env({}).introspection and Settings.from_env({}).suggestions
    prod = Settings.from_env({"SXQ_MODE": "production"})
    assert not prod.introspection and not prod.suggestions
    opened = Settings.from_env({"SXQ_MODE": "production", "SXQ_GRAPHQL_INTROSPECTION": "true",
                                "SXQ_GRAPHQL_SUGGESTIONS": "1"})
    assert opened.introspection and opened.suggestions
    closed = Settings.from_env({"SXQ_GRAPHQL_INTROSPECTION": "off"})
    assert not closed.introspection and closed.suggestions
    with pytest.raises(ValueError, match="SXQ_GRAPHQL_SUGGESTIONS"):
        Settings.from_env({"SXQ_GRAPHQL_SUGGESTIONS": "maybe"})
    limits = Settings.from_env({"SXQ_MAX_JSON_BYTES": "2048", "SXQ_MULTIPART_MAX_FILES": "5",
                                "SXQ_UPLOAD_MAX_BYTES": "1000"})
    assert limits.max_json_bytes == 2048 and limits.multipart_max_files == 5
    assert limits.multipart_max_bytes == 5 * 1000 + 2 * 2048 + 64 * 1024


async def test_a_server_error_carries_the_security_headers_too(app, container, monkeypatch):
    async def broken(self, token):
        raise RuntimeError("database away")

    monkeypatch.setattr(type(container.use_cases().authenticate), "__call__", broken)
    transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 5000), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        r = await c.get("/files/reviews/x/front", headers={"Authorization": "Bearer broken"})
    assert r.status_code == 500
    for name, value in SECURITY.items():
        assert r.headers.get(name) == value, name
