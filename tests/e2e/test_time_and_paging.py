"""Issue 15 item 4: paging is consistent (every connection counts its whole list in totalCount, whatever the
page) and times are what the DateTime scalar says (ISO 8601, UTC, with the offset)."""

from __future__ import annotations

import re

from domain.operators.operator import OperatorRole
from examples import sandbox_kit
from tests.support.platform import TestPlatform, register_platform

SERVER = "http://testserver"  # the ASGI client's base: the kit speaks the public API like any client
UTC_INSTANT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?\+00:00$")
PLATFORMS = """query($first: Int!, $after: String) { tradingPlatforms(first: $first, after: $after) {
  totalCount edges { node { platformCode } } pageInfo { hasNextPage endCursor } } }"""
ORDERS = """query($first: Int!) { me { orders(first: $first) { totalCount edges { node { id placedAt paidAt
  billRecords(first: 1) { totalCount } } } pageInfo { hasNextPage } }
  entitlements { validFrom validUntil } } }"""
REVIEWS = """query { reviews(first: 1) { totalCount edges { node { id } } } }"""


async def test_connections_count_the_whole_list_and_instants_are_utc(client, gql, container):
    for i in range(3):
        await register_platform(container, TestPlatform(code=f"PAGING{i:05d}", name=f"平台{i}"))
    first = (await gql.raw(PLATFORMS, {"first": 2}))["data"]["tradingPlatforms"]
    assert (len(first["edges"]), first["totalCount"], first["pageInfo"]["hasNextPage"]) == (2, 3, True)
    rest = (await gql.raw(PLATFORMS, {"first": 2, "after": first["pageInfo"]["endCursor"]}))["data"]["tradingPlatforms"]
    assert (len(rest["edges"]), rest["totalCount"], rest["pageInfo"]["hasNextPage"]) == (1, 3, False)

    await container.use_cases().create_operator("ops", "Oper4tor!x", OperatorRole.ADMIN)
    await sandbox_kit.create_plan(client, SERVER, platform_code="PAGING00000", operator="ops", password="Oper4tor!x")
    user = await sandbox_kit.create_test_user(client, SERVER, platform_code="PAGING00000", phone="13800138002")
    gql.token = user.token
    plan = (await gql.raw("query { tradingPlatforms(first: 1) { edges { node { servicePlans(subjectType: PERSONAL) "
                          "{ id } } } } }"))["data"]["tradingPlatforms"]["edges"][0]["node"]["servicePlans"][0]["id"]
    for _ in range(2):  # two more orders, left unpaid
        placed = (await gql.raw("mutation($p: [ID!]!) { placeOrder(input: { planIds: $p }) { userErrors { code } } }",
                                {"p": [plan]}))["data"]["placeOrder"]
        assert placed["userErrors"] == []
    me = (await gql.raw(ORDERS, {"first": 1}))["data"]["me"]
    assert (len(me["orders"]["edges"]), me["orders"]["totalCount"], me["orders"]["pageInfo"]["hasNextPage"]) \
        == (1, 3, True)
    assert me["orders"]["edges"][0]["node"]["billRecords"]["totalCount"] == 0

    instants = [me["orders"]["edges"][0]["node"]["placedAt"], *(
        v for e in me["entitlements"] for v in (e["validFrom"], e["validUntil"]))]
    paid = [e["node"]["paidAt"] for e in (await gql.raw(ORDERS, {"first": 3}))["data"]["me"]["orders"]["edges"]]
    instants += [p for p in paid if p]
    assert len(instants) >= 4 and all(UTC_INSTANT.match(v) for v in instants), instants

    login = (await gql.raw("mutation { operatorLogin(input: { username: \"ops\", password: \"Oper4tor!x\" }) "
                           "{ session { accessToken } } }"))["data"]["operatorLogin"]["session"]["accessToken"]
    reviews = (await gql.raw(REVIEWS, token=login))["data"]["reviews"]
    assert reviews["totalCount"] == 0 and reviews["edges"] == []
