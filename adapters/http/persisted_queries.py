"""Persisted queries: the contract's documents (api/*.graphql, kept in tests/contract/operations) by SHA-256.

The Apollo convention: a request may carry `extensions.persistedQuery = {"version": 1, "sha256Hash": h}` and no
`query`; the server answers with the listed document of that hash, or, for an unknown hash, the error
PERSISTED_QUERY_NOT_FOUND (HTTP 200, so an Apollo client resends with the text). A request carrying both must
agree. With `SXQ_GRAPHQL_PERSISTED_ONLY=true` a document that is not on the list (by its hash) is refused
(PERSISTED_QUERY_NOT_LISTED): only the app's and the platforms' operations run.

A listed document is one operation with the fragments it uses, printed by graphql-core (`print_ast`): the text
the client sends, and whose SHA-256 is the hash. The list ships as `persisted_queries.json` beside this module;
`python -m adapters.http.persisted_queries tests/contract/operations > adapters/http/persisted_queries.json`
makes it (tests/e2e/test_persisted_queries.py fails when it is out of date).
"""

from __future__ import annotations

import hashlib
import json
import sys
from functools import cache
from pathlib import Path

MANIFEST = Path(__file__).with_name("persisted_queries.json")


class PersistedQueryRefused(Exception):
    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message, self.code = message, code


def sha256(document: str) -> str:
    return hashlib.sha256(document.encode()).hexdigest()


def documents_of(directory: Path) -> dict[str, str]:
    """operation name → the operation with the fragments it uses (transitively) from its file."""
    from graphql import DocumentNode, Visitor, parse, print_ast, visit

    def spreads(node) -> set[str]:
        names: set[str] = set()

        class V(Visitor):
            def enter_fragment_spread(self, n, *_):
                names.add(n.name.value)

        visit(node, V())
        return names

    ops: dict[str, str] = {}
    for f in sorted(directory.glob("*.graphql")):
        doc = parse(f.read_text())
        frags = {d.name.value: d for d in doc.definitions if d.kind == "fragment_definition"}
        for d in doc.definitions:
            if d.kind != "operation_definition":
                continue
            need: set[str] = set()
            todo = list(spreads(d))
            while todo:
                name = todo.pop()
                if name not in need:
                    need.add(name)
                    todo.extend(spreads(frags[name]))
            ops[d.name.value] = print_ast(DocumentNode(definitions=(d, *(frags[n] for n in sorted(need)))))
    return ops


def manifest_of(directory: Path) -> dict[str, dict[str, str]]:
    return {sha256(text): {"operationName": name, "query": text}
            for name, text in sorted(documents_of(directory).items())}


@cache
def listed() -> dict[str, str]:
    """sha256 → document, from the shipped manifest."""
    return {h: entry["query"] for h, entry in json.loads(MANIFEST.read_text()).items()}


def resolve(query: object, extensions: object, *, listed_only: bool) -> str | None:
    """The document to run for a request's `query` and `extensions` (either may be absent)."""
    persisted = extensions.get("persistedQuery") if isinstance(extensions, dict) else None
    docs = listed()
    if isinstance(persisted, dict):
        h = persisted.get("sha256Hash")
        if persisted.get("version") != 1 or not isinstance(h, str):
            raise PersistedQueryRefused("persistedQuery 须为 {version: 1, sha256Hash}", "BAD_REQUEST")
        if isinstance(query, str):
            if sha256(query) != h:
                raise PersistedQueryRefused("query 与 sha256Hash 不符", "BAD_REQUEST")
        elif h in docs:
            return docs[h]
        else:
            raise PersistedQueryRefused("PersistedQueryNotFound", "PERSISTED_QUERY_NOT_FOUND")
    if listed_only and isinstance(query, str) and sha256(query) not in docs:
        raise PersistedQueryRefused("只接受已登记的操作文档", "PERSISTED_QUERY_NOT_LISTED")
    return query if isinstance(query, str) else None


if __name__ == "__main__":  # pragma: no cover - the generator of the shipped manifest
    json.dump(manifest_of(Path(sys.argv[1])), sys.stdout, ensure_ascii=False, indent=1, sort_keys=True)
    sys.stdout.write("\n")
