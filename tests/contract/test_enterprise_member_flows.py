"""§5.2 join and §8.1 members over HTTP with the contract documents of enterprise.graphql (ApplyToJoinEnterprise,
EnterpriseMembers, DecideJoinApplication, AddMember, RemoveMember)."""

from __future__ import annotations

from tests.contract.test_certificates_flows import sms_code, verified
from tests.contract.test_enterprise_flows import create
from tests.support.data import id_number

ZHANG_PHONE, LI_PHONE, WANG_PHONE = "13712345678", "13698765432", "13555550000"
ZHANG, LI, WANG = id_number(), id_number("19850615", "320102", "441"), id_number("19900307", "110101", "001")
NAME = "北京数信科技有限公司"


async def certified(gql, container) -> str:
    await verified(gql, container, ZHANG_PHONE, "张三", ZHANG)
    e = (await create(gql))["enterprise"]
    p = (await gql.op("PrepareAuthorizationLetter", {"enterpriseId": e["id"]}))["prepareAuthorizationLetter"]
    appearance = next(a for a in p["signatureAppearances"] if a["kind"] == "NAME_SIGNATURE")
    code = await sms_code(gql, ZHANG_PHONE, "SIGN")
    s = (await gql.op("SignAuthorizationLetter", {"letterId": p["letter"]["id"], "appearanceId": appearance["id"],
                                                   "smsCode": code}))["signAuthorizationLetter"]
    assert s["enterprise"]["certificationStatus"] == "CERTIFIED", s
    return e["id"]


async def members(gql, enterprise_id, **kw):
    return (await gql.op("EnterpriseMembers", {"enterpriseId": enterprise_id, **kw}))["node"]


def apply_vars(phone=ZHANG_PHONE, name=NAME):
    return {"enterpriseName": name, "adminName": "张三", "adminPhone": phone, "reason": "新入职员工"}


async def test_join_approve_add_invite_and_remove(gql, container):
    enterprise_id = await certified(gql, container)
    zhang = gql.token
    await verified(gql, container, LI_PHONE, "李四", LI)
    li = gql.token

    refused = (await gql.op("ApplyToJoinEnterprise", apply_vars(phone="13712345679")))["applyToJoinEnterprise"]
    missing = (await gql.op("ApplyToJoinEnterprise", apply_vars(name="不存在的企业有限公司")))["applyToJoinEnterprise"]
    assert refused["userErrors"] == missing["userErrors"] and refused["userErrors"][0]["code"] == "JOIN_REFUSED"
    applied = (await gql.op("ApplyToJoinEnterprise", apply_vars()))["applyToJoinEnterprise"]
    assert applied["userErrors"] == [] and applied["application"]["status"] == "PENDING"
    assert await members(gql, enterprise_id) is None  # not a member yet: the enterprise does not exist for them

    gql.token = zhang
    node = await members(gql, enterprise_id)
    assert [e["node"]["applicantName"] for e in node["joinApplications"]["edges"]] == ["李四"]
    pending = await gql.raw("query($id: ID!) { node(id: $id) { ... on Enterprise { "
                            "p: joinApplications(status: PENDING, first: 1) { totalCount } "
                            "a: joinApplications(status: APPROVED, first: 1) { totalCount } } } }", {"id": enterprise_id})
    assert (pending["data"]["node"]["p"]["totalCount"], pending["data"]["node"]["a"]["totalCount"]) == (1, 0)
    assert [(e["node"]["name"], e["node"]["role"], e["node"]["phoneMasked"]) for e in node["members"]["edges"]] == [
        ("张三", "LEGAL_REP", "137****5678")]
    decided = (await gql.op("DecideJoinApplication", {"applicationId": applied["application"]["id"],
                                                      "approve": True}))["decideJoinApplication"]
    assert decided["userErrors"] == [] and decided["application"]["status"] == "APPROVED"

    # The invitation: a phone nobody registered yet. Not as a second admin: 张三 is the one admin (SPEC §0).
    add_wang = {"enterpriseId": enterprise_id, "name": "王五", "phone": WANG_PHONE}
    refused = (await gql.op("AddMember", {**add_wang, "role": "ADMIN"}))["addMember"]
    assert refused["member"] is None
    assert [(e["code"], e["field"]) for e in refused["userErrors"]] == [("ADMIN_ALREADY_EXISTS", "role")]
    added = (await gql.op("AddMember", {**add_wang, "role": "MEMBER"}))["addMember"]
    assert added["userErrors"] == [] and added["member"]["phoneMasked"] == "135****0000"
    assert added["member"]["role"] == "MEMBER" and added["member"]["name"] == "王五"
    await verified(gql, container, WANG_PHONE, "王五", WANG)
    wang = gql.token

    # A plain member sees the list (page by page) but not the applications, and may not remove anyone.
    gql.token = li
    first = await members(gql, enterprise_id, first=2)
    assert first["myRole"] == "MEMBER" and first["joinApplications"] is None
    assert first["members"]["pageInfo"]["hasNextPage"] is True
    rest = await members(gql, enterprise_id, first=2, after=first["members"]["pageInfo"]["endCursor"])
    everyone = {e["node"]["name"]: e["node"] for e in first["members"]["edges"] + rest["members"]["edges"]}
    assert {n: m["role"] for n, m in everyone.items()} == {"张三": "LEGAL_REP", "李四": "MEMBER", "王五": "MEMBER"}
    counted = await gql.raw("query($id: ID!) { node(id: $id) { ... on Enterprise { members(first: 2) { totalCount "
                            "edges { cursor } } } } }", {"id": enterprise_id})
    assert counted["data"]["node"]["members"]["totalCount"] == 3  # the whole list, whichever page
    assert len(counted["data"]["node"]["members"]["edges"]) == 2
    assert all(m["joinedAt"] for m in everyone.values())
    r = (await gql.op("RemoveMember", {"memberId": everyone["王五"]["id"]}))["removeMember"]
    assert [e["code"] for e in r["userErrors"]] == ["NOT_ENTERPRISE_ADMIN"]
    member_node = await gql.raw("query($id: ID!) { node(id: $id) { ... on Member { name role } } }",
                                {"id": everyone["王五"]["id"]})
    assert member_node["data"]["node"] == {"name": "王五", "role": "MEMBER"}

    # The admin (also the legal rep) removes 李四 but not themselves; 王五 may not remove anyone.
    gql.token = wang
    r = (await gql.op("RemoveMember", {"memberId": everyone["李四"]["id"]}))["removeMember"]
    assert [e["code"] for e in r["userErrors"]] == ["NOT_ENTERPRISE_ADMIN"]
    gql.token = zhang
    r = (await gql.op("RemoveMember", {"memberId": everyone["张三"]["id"]}))["removeMember"]
    assert [e["code"] for e in r["userErrors"]] == ["CANNOT_REMOVE_LEGAL_REP"]
    r = (await gql.op("RemoveMember", {"memberId": everyone["李四"]["id"]}))["removeMember"]
    assert r["userErrors"] == []
    gql.token = li
    assert await members(gql, enterprise_id) is None
    assert (await gql.raw("query($id: ID!) { node(id: $id) { id } }", {"id": everyone["王五"]["id"]}))["data"] == {
        "node": None}
