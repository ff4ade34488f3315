"""Every client document of this chapter validates against the schema the server serves and that
schema.graphql publishes; the project's copies match ../shared/api."""

from __future__ import annotations

from pathlib import Path

import pytest
from graphql import DocumentNode, build_schema, parse, validate

from tests.support.graphql import OPERATIONS

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "api"

# The chapters built so far. Later issues add theirs until every document is here.
IN_SCOPE = {
    # Every document the clients send (../shared/api), whole, and this project's own (§6.3 rejecting, §8.1 gifts,
    # §8.1 and §5.1.1.2 invitations, §5.1.3 the sandbox registry).
    "accounts.graphql": None,
    "operator.graphql": None,
    "commerce.graphql": None,
    "certificates.graphql": None,
    "platform.graphql": None,  # scanSessionChanged runs in tests/e2e/test_scan_subscription.py
    "scan.graphql": None,
    "enterprise.graphql": None,
    "enterprise_gifts.graphql": None,
    "enterprise_service_applications.graphql": None,
    "enterprise_invitations.graphql": None,  # §8.1 and §5.1.1.2 invitations: listed, cancelled, resent
    "enterprise_manual_review.graphql": None,  # §5.1.3 the sandbox registry's answer
}


def _operations():
    for name, only in IN_SCOPE.items():
        doc = parse((OPERATIONS / name).read_text())
        frags = tuple(d for d in doc.definitions if d.kind == "fragment_definition")
        for d in doc.definitions:
            if d.kind == "operation_definition" and (only is None or d.name.value in only):
                yield pytest.param(DocumentNode(definitions=(d, *frags)), id=f"{name}:{d.name.value}")


def _errors(schema, doc):
    return [e.message for e in validate(schema, doc) if "is never used" not in e.message]


@pytest.fixture(scope="module")
def served_schema():
    from graphql_schema.schema import build_schema as build

    return build(sandbox=True)._schema


@pytest.fixture(scope="module")
def published_schema():
    return build_schema((ROOT / "schema.graphql").read_text())


@pytest.mark.parametrize("doc", list(_operations()))
def test_document_validates_against_served_schema(served_schema, doc):
    assert _errors(served_schema, doc) == []


@pytest.mark.parametrize("doc", list(_operations()))
def test_document_validates_against_published_sdl(published_schema, doc):
    assert _errors(published_schema, doc) == []


def test_published_schema_is_current():
    """schema.graphql is what `sxq schema` prints; regenerate with `make schema`."""
    from graphql_schema.schema import build_schema as build

    assert (ROOT / "schema.graphql").read_text().strip() == build(sandbox=True).as_str().strip(), \
        "schema.graphql is stale: run `make schema`"


def test_production_schema_has_no_sandbox():
    from graphql_schema.schema import build_schema as build

    sdl = build(sandbox=False).as_str()
    assert "sandbox" not in sdl and "Sandbox" not in sdl


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/api is not beside this checkout")
def test_copies_match_shared_contract():
    for f in SHARED.glob("*.graphql"):
        assert (OPERATIONS / f.name).read_text() == f.read_text(), f"{f.name} differs from ../shared/api"
