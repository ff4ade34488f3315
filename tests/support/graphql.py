"""Sends the contract documents (tests/contract/operations) by operation name, as a client would."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from graphql import DocumentNode, Visitor, parse, print_ast, visit

OPERATIONS = Path(__file__).resolve().parents[1] / "contract" / "operations"


def _spreads(node) -> set[str]:
    names: set[str] = set()

    class V(Visitor):
        def enter_fragment_spread(self, n, *_):
            names.add(n.name.value)

    visit(node, V())
    return names


@cache
def _documents() -> dict[str, str]:
    """operation name → the operation with the fragments it uses (transitively) from its file."""
    ops: dict[str, str] = {}
    for f in sorted(OPERATIONS.glob("*.graphql")):
        doc = parse(f.read_text())
        frags = {d.name.value: d for d in doc.definitions if d.kind == "fragment_definition"}
        for d in doc.definitions:
            if d.kind != "operation_definition":
                continue
            need, todo = set(), list(_spreads(d))
            while todo:
                name = todo.pop()
                if name not in need:
                    need.add(name)
                    todo.extend(_spreads(frags[name]))
            used = tuple(frags[n] for n in sorted(need))
            ops[d.name.value] = print_ast(DocumentNode(definitions=(d, *used)))
    return ops

from tests.support.phones import TEST_PIN, Phones, finish_enrolment  # noqa: E402


class GraphQLError(AssertionError):
    pass


class GraphQLClient:
    def __init__(self, http) -> None:
        self.http = http
        self.token: str | None = None
        self.phones = Phones()  # each signed-in account's phone, by the access token that enrolled it
        self._owners: dict[str, str] = {}

    # ---- the phone (SPEC §C): enrol a key share, co-sign the signing requests of a two-call act

    async def enrol(self, phone: str, pin: str = TEST_PIN) -> dict[str, Any]:
        """Enrols the signed-in account's key share (SMS of purpose CERTIFICATE_PIN) and keeps its phone."""
        from sxq_phone import Phone

        d = await self.op("RequestSmsCode", {"phone": phone, "purpose": "CERTIFICATE_PIN"})
        assert d["requestSmsCode"]["userErrors"] == [], d
        enrolment = Phone.start_enrolment()
        r = (await self.op("EnrollSigningKey", {"smsCode": await self.latest_code(phone),
                                                "devicePublicShare": enrolment.device_public_share_b64}))
        r = r["enrollSigningKey"]
        assert r["userErrors"] == [], r
        self.phones.keep(phone, finish_enrolment(enrolment, pin, r["serverPublicShare"],
                                                 r["signingKey"]["publicKey"]))
        assert self.token is not None
        self._owners[self.token] = phone
        return r

    def owner(self) -> str:
        """The phone number whose phone co-signs for the current token."""
        assert self.token in self._owners, "enrol the signed-in account first (gql.enrol)"
        return self._owners[self.token]

    def adopt(self, phone: str) -> None:
        """The current token belongs to `phone`, whose phone was enrolled under another token."""
        assert self.token is not None
        self._owners[self.token] = phone

    async def cosigned(self, operation: str, variables: dict[str, Any], field: str, screen, *,
                       pin: str = TEST_PIN, files: dict[str, tuple[str, bytes, str]] | None = None
                       ) -> dict[str, Any]:
        """A two-call act: the first answer's signingRequest(s) are co-signed by the phone (checked against
        `screen`, an OnScreen or an action name) and sent back with the same input. Returns the payload of the
        second call, or of the first when it already refused."""
        from sxq_phone import OnScreen

        async def run(v: dict[str, Any]) -> dict[str, Any]:
            data = await (self.upload(operation, v, files) if files else self.op(operation, v))
            return data[field]

        first = await run(variables)
        if first["userErrors"]:
            return first
        many = "signingRequests" in first
        requests = first["signingRequests"] if many else [first["signingRequest"]]
        screen = OnScreen.act(screen) if isinstance(screen, str) else screen
        signed = self.phones.co_sign_inputs(self.owner(), requests, screen, pin)
        return await run({**variables, **({"coSignatures": signed} if many else {"coSignature": signed[0]})})

    def document(self, operation: str) -> str:
        return _documents()[operation]

    async def raw(self, query: str, variables: dict[str, Any] | None = None, *, token: str | None = None,
                  headers: dict[str, str] | None = None) -> dict[str, Any]:
        h = dict(headers or {})
        tok = token if token is not None else self.token
        if tok:
            h["Authorization"] = f"Bearer {tok}"
        resp = await self.http.post("/graphql", json={"query": query, "variables": variables or {}}, headers=h)
        assert resp.status_code == 200, resp.text
        return resp.json()

    async def op(self, operation: str, variables: dict[str, Any] | None = None, **kw) -> dict[str, Any]:
        """Runs a contract operation; fails on GraphQL errors and returns `data`."""
        body = await self.raw(self.document(operation), variables, **kw)
        if body.get("errors"):
            raise GraphQLError(json.dumps(body["errors"], ensure_ascii=False))
        return body["data"]

    async def upload(self, operation: str, variables: dict[str, Any], files: dict[str, tuple[str, bytes, str]],
                     **kw) -> dict[str, Any]:
        """GraphQL multipart request (the spec of jaydenseric/graphql-multipart-request-spec)."""
        variables = dict(variables)
        file_map = {}
        parts = {}
        for i, (var, f) in enumerate(files.items()):
            variables[var] = None
            file_map[str(i)] = [f"variables.{var}"]
            parts[str(i)] = f
        h = {}
        tok = kw.get("token") or self.token
        if tok:
            h["Authorization"] = f"Bearer {tok}"
        data = {"operations": json.dumps({"query": self.document(operation), "variables": variables}),
                "map": json.dumps(file_map)}
        resp = await self.http.post("/graphql", data=data, files=parts, headers=h)
        if resp.status_code == 413:  # refused while it streamed in: a GraphQL-style body, no data
            raise GraphQLError(json.dumps(resp.json()["errors"], ensure_ascii=False))
        assert resp.status_code == 200, resp.text
        body = resp.json()
        if body.get("errors"):
            raise GraphQLError(json.dumps(body["errors"], ensure_ascii=False))
        return body["data"]

    async def latest_code(self, phone: str) -> str:
        data = await self.op("SandboxSmsOutbox", {"phone": phone})
        msgs = [m for m in data["sandbox"]["smsMessages"] if m["code"]]
        assert msgs, f"no SMS code sent to {phone}"
        return msgs[0]["code"]

    async def register(self, phone: str, password: str = "Passw0rdX") -> dict[str, Any]:
        d = await self.op("RequestSmsCode", {"phone": phone, "purpose": "REGISTER"})
        assert d["requestSmsCode"]["userErrors"] == []
        code = await self.latest_code(phone)
        r = (await self.op("Register", {"phone": phone, "smsCode": code, "password": password}))["register"]
        assert r["userErrors"] == [], r
        self.token = r["session"]["accessToken"]
        if self.phones.has(phone):
            self._owners[self.token] = phone
        return r
