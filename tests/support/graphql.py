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


class GraphQLError(AssertionError):
    pass


class GraphQLClient:
    def __init__(self, http) -> None:
        self.http = http
        self.token: str | None = None

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
        return r
