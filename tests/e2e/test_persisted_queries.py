"""Persisted queries (issue 17): the contract's documents by SHA-256, Apollo's convention, and the list-only mode."""

from __future__ import annotations

import dataclasses
import json

import httpx

from adapters.http import persisted_queries as pq
from tests.support.graphql import OPERATIONS

PHONE = "13912340001"


def test_the_shipped_list_is_the_contract_documents():
    assert json.loads(pq.MANIFEST.read_text()) == pq.manifest_of(OPERATIONS), (
        "regenerate: python -m adapters.http.persisted_queries tests/contract/operations "
        "> adapters/http/persisted_queries.json")


def _by_hash(gql, operation: str, variables=None, **extra) -> dict:
    return {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": pq.sha256(gql.document(operation))}},
            "variables": variables or {}, "operationName": operation, **extra}


async def test_a_hash_stands_for_its_document(gql, client):
    await gql.register(PHONE)
    by_text = await gql.op("Me")
    resp = await client.post("/graphql", json=_by_hash(gql, "Me"), headers={"Authorization": f"Bearer {gql.token}"})
    assert resp.status_code == 200
    assert resp.json() == {"data": by_text}


async def test_an_unknown_hash_asks_for_the_text_and_a_wrong_one_is_refused(gql, client):
    unknown = {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "0" * 64}}}
    resp = await client.post("/graphql", json=unknown)
    assert resp.status_code == 200
    assert resp.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    assert resp.json()["errors"][0]["message"] == "PersistedQueryNotFound"

    mismatch = _by_hash(gql, "Me", query="{ __typename }")
    resp = await client.post("/graphql", json=mismatch)
    assert resp.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    assert resp.json()["data"] is None

    # Any text still runs when the list is not enforced (the default).
    assert (await client.post("/graphql", json={"query": "{ __typename }"})).json() == {
        "data": {"__typename": "Query"}}


async def test_the_list_only_mode_runs_listed_documents_and_refuses_the_rest(gql, container, settings):
    from adapters.http.app import create_app

    app = create_app(dataclasses.replace(settings, graphql_persisted_only=True), container, run_worker=False)
    transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 5000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        await gql.register(PHONE)
        auth = {"Authorization": f"Bearer {gql.token}"}
        refused = (await http.post("/graphql", json={"query": "{ me { id } }"}, headers=auth)).json()
        assert refused["data"] is None
        assert refused["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_LISTED"
        by_text = (await http.post("/graphql", json={"query": gql.document("Me"), "operationName": "Me"},
                                   headers=auth)).json()
        assert by_text["data"]["me"]["phoneMasked"] == "139****0001"
        by_hash = (await http.post("/graphql", json=_by_hash(gql, "Me"), headers=auth)).json()
        assert by_hash == by_text
