"""§8.4 管理员转授 over HTTP with the contract documents RequestAdminTransfer and ApproveAdminTransfer: the admin
picks a member, the legal rep signs the transfer letter (a real PAdES signature), the roles swap; outsiders,
plain members and wrong codes change nothing.

The plain member is put into the enterprise through the container's unit of work until joining (§5.2) and
adding members (§8.1) land."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

from adapters.documents.pades.validation import async_validate_pdf
from graphql_schema.common.node import from_global_id, to_global_id
from tests.contract.test_certificates_flows import sms_code, verified
from tests.contract.test_enterprise_flows import create
from tests.support.data import id_number
from tests.support.links import unsigned

ZHANG_PHONE, LI_PHONE, WANG_PHONE, ZHAO_PHONE = "13712345678", "13698765432", "13511112222", "13533334444"
ZHANG = id_number()
LI = id_number("19850615", "320102", "441")
WANG = id_number("19880808", "510104", "765")


def _local(global_id: str, type_name: str):
    ref = from_global_id(global_id, type_name)
    assert ref is not None
    return ref[1]


async def _join(container, clock, account_gid: str, enterprise_gid: str) -> str:
    from domain.enterprises.enterprise import Membership

    async with container.uow() as uow:
        m = Membership(enterprise_id=_local(enterprise_gid, "Enterprise"), account_id=_local(account_gid, "Account"),
                       joined_at=clock.now())
        uow.memberships.add(m)
        await uow.commit()
    return to_global_id("Member", m.id)


async def _certified_with_admin_wang(gql, container, clock):
    """王五 creates the enterprise naming 张三, 张三 verifies later (linked) and signs the authorisation letter."""
    tokens = {}
    await verified(gql, container, WANG_PHONE, "王五", WANG)
    tokens["王五"] = gql.token
    e = (await create(gql))["enterprise"]
    assert e["myRole"] == "ADMIN"
    await verified(gql, container, ZHANG_PHONE, "张三", ZHANG)
    tokens["张三"] = gql.token
    p = (await gql.op("PrepareAuthorizationLetter", {"enterpriseId": e["id"]}))["prepareAuthorizationLetter"]
    appearance = next(a["id"] for a in p["signatureAppearances"] if a["kind"] == "NAME_SIGNATURE")
    s = (await gql.op("SignAuthorizationLetter", {"letterId": p["letter"]["id"], "appearanceId": appearance,
                                                   "smsCode": await sms_code(gql, ZHANG_PHONE, "SIGN")}))
    assert s["signAuthorizationLetter"]["enterprise"]["certificationStatus"] == "CERTIFIED"
    clock.advance(seconds=61)
    li_account = await verified(gql, container, LI_PHONE, "李四", LI)
    tokens["李四"] = gql.token
    member = await _join(container, clock, li_account, e["id"])
    return e["id"], member, tokens, appearance


async def _roles(gql, token) -> dict[str, str]:
    gql.token = token
    return {m["enterprise"]["id"]: m["role"] for m in (await gql.op("Me"))["me"]["memberships"]}


async def test_the_admin_requests_the_legal_rep_signs_and_the_roles_swap(gql, container, client, clock):
    enterprise, member, tokens, appearance = await _certified_with_admin_wang(gql, container, clock)
    gql.token = tokens["王五"]
    r = (await gql.op("RequestAdminTransfer", {"enterpriseId": enterprise, "toMemberId": member}))
    r = r["requestAdminTransfer"]
    assert r["userErrors"] == [] and r["transfer"]["status"] == "PENDING"
    letter = r["transfer"]["letter"]
    pdf = await client.get(letter["documentUrl"], headers={"Authorization": f"Bearer {tokens['李四']}"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    await container.dispatcher().dispatch_due()
    texts = [m["text"] for m in (await gql.op("SandboxSmsOutbox", {"phone": ZHANG_PHONE}))["sandbox"]["smsMessages"]]
    assert any("管理员变更授权书" in t and "李四" in t for t in texts), texts

    gql.token = tokens["张三"]
    a = (await gql.op("ApproveAdminTransfer", {"transferId": r["transfer"]["id"], "appearanceId": appearance,
                                               "smsCode": await sms_code(gql, ZHANG_PHONE, "SIGN")}))
    a = a["approveAdminTransfer"]
    assert a["userErrors"] == [], a
    assert a["enterprise"]["id"] == enterprise and a["enterprise"]["myRole"] == "LEGAL_REP"
    assert (await _roles(gql, tokens["李四"]))[enterprise] == "ADMIN"
    assert (await _roles(gql, tokens["王五"]))[enterprise] == "MEMBER"

    signed = await client.get(unsigned(letter["documentUrl"]) + "/signed", headers={"Authorization": f"Bearer {tokens['李四']}"})
    assert signed.status_code == 200
    ca = container.certificate_authority()
    reports = await async_validate_pdf(signed.content, [await ca.ca_certificate("root")], container.sm2_backend(),
                                       other_certs=[await ca.ca_certificate("issuing")], moment=clock.now())
    assert len(reports) == 1 and reports[0].ok and reports[0].covers_whole_file, reports[0].summary
    assert "张三" in (reports[0].signer_subject or "")

    # Signed once: the same transfer cannot be approved again.
    gql.token = tokens["张三"]
    clock.advance(seconds=61)
    again = (await gql.op("ApproveAdminTransfer", {"transferId": r["transfer"]["id"], "appearanceId": appearance,
                                                   "smsCode": await sms_code(gql, ZHANG_PHONE, "SIGN")}))
    assert [e["code"] for e in again["approveAdminTransfer"]["userErrors"]] == ["ADMIN_TRANSFER_CLOSED"]


async def test_refusals_change_nothing(gql, container, client, clock):
    enterprise, member, tokens, appearance = await _certified_with_admin_wang(gql, container, clock)
    # A plain member may not hand admin to anyone, themselves included.
    gql.token = tokens["李四"]
    r = (await gql.op("RequestAdminTransfer", {"enterpriseId": enterprise, "toMemberId": member}))
    assert [(e["code"], e["field"]) for e in r["requestAdminTransfer"]["userErrors"]] == [
        ("NOT_ENTERPRISE_ADMIN", "enterpriseId")]
    # Not a member ID at all.
    gql.token = tokens["王五"]
    r = (await gql.op("RequestAdminTransfer", {"enterpriseId": enterprise, "toMemberId": enterprise}))
    assert [(e["code"], e["field"]) for e in r["requestAdminTransfer"]["userErrors"]] == [("NOT_FOUND", "toMemberId")]

    r = (await gql.op("RequestAdminTransfer", {"enterpriseId": enterprise, "toMemberId": member}))
    transfer = r["requestAdminTransfer"]["transfer"]
    # An outsider learns nothing: not the enterprise, not the transfer, not the letter.
    await verified(gql, container, ZHAO_PHONE, "赵六", id_number("19700101", "110101", "555"))
    outsider = gql.token
    r = (await gql.op("RequestAdminTransfer", {"enterpriseId": enterprise, "toMemberId": member}))
    assert [e["code"] for e in r["requestAdminTransfer"]["userErrors"]] == ["NOT_FOUND"]
    a = (await gql.op("ApproveAdminTransfer", {"transferId": transfer["id"], "appearanceId": appearance,
                                               "smsCode": "123456"}))
    assert [e["code"] for e in a["approveAdminTransfer"]["userErrors"]] == ["NOT_FOUND"]
    denied = await client.get(transfer["letter"]["documentUrl"], headers={"Authorization": f"Bearer {outsider}"})
    assert denied.status_code == 404

    # The admin is not the legal rep: may not sign.
    gql.token = tokens["王五"]
    a = (await gql.op("ApproveAdminTransfer", {"transferId": transfer["id"], "appearanceId": appearance,
                                               "smsCode": "123456"}))
    assert [e["code"] for e in a["approveAdminTransfer"]["userErrors"]] == ["NOT_LEGAL_REPRESENTATIVE"]
    # The legal rep with a wrong code.
    gql.token = tokens["张三"]
    code = await sms_code(gql, ZHANG_PHONE, "SIGN")
    a = (await gql.op("ApproveAdminTransfer", {"transferId": transfer["id"], "appearanceId": appearance,
                                               "smsCode": f"{(int(code) + 1) % 1_000_000:06d}"}))
    assert [e["code"] for e in a["approveAdminTransfer"]["userErrors"]] == ["SMS_CODE_INVALID"]
    assert a["approveAdminTransfer"]["enterprise"] is None
    assert (await _roles(gql, tokens["王五"]))[enterprise] == "ADMIN"
    assert (await _roles(gql, tokens["李四"]))[enterprise] == "MEMBER"
    # A second request while this one waits is refused.
    gql.token = tokens["王五"]
    r = (await gql.op("RequestAdminTransfer", {"enterpriseId": enterprise, "toMemberId": member}))
    assert [e["code"] for e in r["requestAdminTransfer"]["userErrors"]] == ["ADMIN_TRANSFER_PENDING"]


TRANSFER_NODE = """query($id: ID!) { node(id: $id) { ... on AdminTransfer {
  id status fromAdminName toAdminName approvalUrl approvalQrContent closedAt enterprise { id }
  letter { documentUrl signedDocumentUrl }
} } }"""
TRANSFER_LIST = """query($id: ID!, $pending: Boolean!) { node(id: $id) { ... on Enterprise {
  adminTransfers(pendingOnly: $pending) { id status toAdminName }
  paged: adminTransfersConnection(pendingOnly: $pending, first: 1) { totalCount edges { node { id } } }
} } }"""


async def _data(gql, query: str, variables: dict, token: str) -> dict:
    gql.token = token
    body = await gql.raw(query, variables)
    assert not body.get("errors"), body
    return body["data"]


async def _listed(gql, token: str, enterprise: str, *, pending: bool) -> list[dict]:
    found = (await _data(gql, TRANSFER_LIST, {"id": enterprise, "pending": pending}, token))["node"]
    if found:  # the connection beside the list: the same items, newest first, counted whole
        assert found["paged"]["totalCount"] == len(found["adminTransfers"])
        assert [e["node"]["id"] for e in found["paged"]["edges"]] == [t["id"] for t in found["adminTransfers"][:1]]
    return found["adminTransfers"] if found else []


async def test_the_legal_rep_finds_the_transfer_from_his_sms_and_his_own_queries(gql, container, client, clock):
    """Issue 19, item 2 (§8.4), walked as the people in it: 王五 (admin) asks to hand admin to 李四; 张三, the legal
    rep, is told by SMS, opens its link, finds the transfer by the ID it carries and among the enterprise's pending
    transfers, reads the letter and approves the very transfer his queries showed him."""
    enterprise, member, tokens, appearance = await _certified_with_admin_wang(gql, container, clock)
    await verified(gql, container, ZHAO_PHONE, "赵六", id_number("19700101", "110101", "555"))
    tokens["赵六"] = gql.token
    await _join(container, clock, (await gql.op("Me"))["me"]["id"], enterprise)  # a member it does not concern
    gql.token = tokens["王五"]
    r = (await gql.op("RequestAdminTransfer", {"enterpriseId": enterprise, "toMemberId": member}))
    transfer_id = r["requestAdminTransfer"]["transfer"]["id"]

    await container.dispatcher().dispatch_due()
    gql.token = tokens["张三"]
    texts = [m["text"] for m in (await gql.op("SandboxSmsOutbox", {"phone": ZHANG_PHONE}))["sandbox"]["smsMessages"]]
    links = [u for t in texts if "管理员变更授权书" in t for u in re.findall(r"https?://\S+", t)]
    assert len(links) == 1, texts
    [carried] = parse_qs(urlparse(links[0]).query)["id"]
    assert carried == transfer_id  # the global ID the API takes
    seen = (await _data(gql, TRANSFER_NODE, {"id": carried}, tokens["张三"]))["node"]
    assert (seen["status"], seen["fromAdminName"], seen["toAdminName"], seen["enterprise"]) == (
        "PENDING", "王五", "李四", {"id": enterprise})
    assert seen["approvalUrl"] == seen["approvalQrContent"] == links[0] and seen["letter"]["signedDocumentUrl"] is None
    [pending] = await _listed(gql, tokens["张三"], enterprise, pending=True)
    assert pending == {"id": transfer_id, "status": "PENDING", "toAdminName": "李四"}
    letter = await client.get(seen["letter"]["documentUrl"], headers={"Authorization": f"Bearer {tokens['张三']}"})
    assert letter.status_code == 200 and letter.content.startswith(b"%PDF")
    # The admin who asked follows it from his own view too.
    assert (await _data(gql, TRANSFER_NODE, {"id": transfer_id}, tokens["王五"]))["node"]["status"] == "PENDING"
    assert [t["id"] for t in await _listed(gql, tokens["王五"], enterprise, pending=True)] == [transfer_id]
    # A member it does not concern, and an outsider's answer for an id never issued: nothing.
    assert (await _data(gql, TRANSFER_NODE, {"id": transfer_id}, tokens["赵六"]))["node"] is None
    assert await _listed(gql, tokens["赵六"], enterprise, pending=False) == []
    hidden = await client.get(seen["letter"]["documentUrl"], headers={"Authorization": f"Bearer {tokens['赵六']}"})
    assert hidden.status_code == 404

    gql.token = tokens["张三"]
    a = (await gql.op("ApproveAdminTransfer", {"transferId": pending["id"], "appearanceId": appearance,
                                               "smsCode": await sms_code(gql, ZHANG_PHONE, "SIGN")}))
    assert a["approveAdminTransfer"]["userErrors"] == [], a
    assert (await _roles(gql, tokens["李四"]))[enterprise] == "ADMIN"
    assert await _listed(gql, tokens["张三"], enterprise, pending=True) == []
    assert [(t["id"], t["status"]) for t in await _listed(gql, tokens["李四"], enterprise, pending=False)] == [
        (transfer_id, "APPROVED")]
    # 王五, a plain member now, still sees the transfer that took his admin, with the signed letter.
    after = (await _data(gql, TRANSFER_NODE, {"id": transfer_id}, tokens["王五"]))["node"]
    assert (after["status"], after["approvalUrl"]) == ("APPROVED", None) and after["closedAt"]
    assert after["letter"]["signedDocumentUrl"]
    assert await _listed(gql, tokens["王五"], enterprise, pending=False) == []
