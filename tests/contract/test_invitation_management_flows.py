"""§8.1 member invitations and §5.1.1.2 the legal-rep invitation, walked from outside over HTTP with the contract
documents (enterprise.graphql, enterprise_invitations.graphql): the admin adds a phone nobody registered, sees the
invitation, resends and cancels it, and the cancelled invitation no longer activates when that phone registers and
verifies; the legal-rep invitation is listed, resent (new link), cancelled (the link dies)."""

from __future__ import annotations

from datetime import datetime, timedelta

from tests.contract.test_certificates_flows import verified
from tests.contract.test_enterprise_flows import create
from tests.contract.test_enterprise_member_flows import WANG, WANG_PHONE, ZHANG_PHONE, certified
from tests.contract.test_legal_rep_invitation_flows import LI, REP, _invitation_token
from tests.support.data import id_number

ZHAO_PHONE = "13566667777"
ZHAO = id_number("19920101", "110101", "515")


def _codes(payload) -> list[str]:
    return [e["code"] for e in payload["userErrors"]]


async def invitations(gql, enterprise_id, pending_only=True):
    found = (await gql.op("EnterpriseMemberInvitations", {"enterpriseId": enterprise_id,
                                                          "pendingOnly": pending_only}))["enterprise"]
    if found is None:
        return None
    return [e["node"] for e in found["memberInvitations"]["edges"]]


async def texts(gql, phone) -> list[str]:
    return [m["text"] for m in (await gql.op("SandboxSmsOutbox", {"phone": phone}))["sandbox"]["smsMessages"]]


async def test_the_admin_sees_resends_and_cancels_an_invitation_which_then_never_activates(gql, container, clock):
    enterprise_id = await certified(gql, container)
    zhang = gql.token
    added = (await gql.op("AddMember", {"enterpriseId": enterprise_id, "name": "王五", "phone": WANG_PHONE,
                                        "role": "MEMBER"}))["addMember"]
    assert added["userErrors"] == []
    invitation_id = added["member"]["id"]

    # Listed where the admin manages members, with the id addMember answered; node() shows it to the admin.
    (listed,) = await invitations(gql, enterprise_id)
    assert (listed["id"], listed["name"], listed["phoneMasked"], listed["role"], listed["status"],
            listed["resendable"]) == (invitation_id, "王五", "135****0000", "MEMBER", "PENDING", True)
    node = (await gql.raw("query($id: ID!) { node(id: $id) { ... on MemberInvitation { id status } } }",
                          {"id": invitation_id}))["data"]["node"]
    assert node == {"id": invitation_id, "status": "PENDING"}

    # Resent a minute later: a second SMS, 30 more days.
    too_soon = (await gql.op("ResendMemberInvitation", {"invitationId": invitation_id}))["resendMemberInvitation"]
    assert _codes(too_soon) == ["SMS_COOLDOWN"]
    clock.offset += timedelta(minutes=2)
    resent = (await gql.op("ResendMemberInvitation", {"invitationId": invitation_id}))["resendMemberInvitation"]
    assert resent["userErrors"] == [] and resent["invitation"]["status"] == "PENDING"
    assert datetime.fromisoformat(resent["invitation"]["expiresAt"]) - clock.now() > timedelta(days=29, hours=23)
    assert sum("邀请王五加入企业" in t for t in await texts(gql, WANG_PHONE)) == 2

    # A plain member and an outsider cannot see or touch it.
    await verified(gql, container, ZHAO_PHONE, "赵六", ZHAO)
    assert await invitations(gql, enterprise_id) is None
    refused = (await gql.op("CancelMemberInvitation", {"invitationId": invitation_id}))["cancelMemberInvitation"]
    assert _codes(refused) == ["NOT_FOUND"] and refused["invitation"] is None

    # Cancelled through removeMember on addMember's id, as a client that only knows members would.
    gql.token = zhang
    removed = (await gql.op("RemoveMember", {"memberId": invitation_id}))["removeMember"]
    assert removed["userErrors"] == []
    assert await invitations(gql, enterprise_id) == []
    (history,) = await invitations(gql, enterprise_id, pending_only=False)
    assert history["status"] == "CANCELLED" and history["cancelledAt"] and history["resendable"] is False
    assert any("已取消邀请王五" in t for t in await texts(gql, WANG_PHONE))
    again = (await gql.op("CancelMemberInvitation", {"invitationId": invitation_id}))["cancelMemberInvitation"]
    assert _codes(again) == ["INVITATION_INVALID"]
    gone = (await gql.op("ResendMemberInvitation", {"invitationId": invitation_id}))["resendMemberInvitation"]
    assert _codes(gone) == ["INVITATION_INVALID"]

    # 王五 registers and verifies with that name: the cancelled invitation does not make them a member.
    await verified(gql, container, WANG_PHONE, "王五", WANG)
    assert (await gql.op("Me"))["me"]["memberships"] == []
    gql.token = zhang
    names = [e["node"]["name"] for e in (await gql.op("EnterpriseMembers", {"enterpriseId": enterprise_id})
                                         )["node"]["members"]["edges"]]
    assert names == ["张三"]


async def test_an_invitation_cancelled_by_its_own_mutation_and_one_that_activates(gql, container):
    enterprise_id = await certified(gql, container)
    zhang = gql.token
    first = (await gql.op("AddMember", {"enterpriseId": enterprise_id, "name": "王五", "phone": WANG_PHONE,
                                        "role": "MEMBER"}))["addMember"]["member"]["id"]
    c = (await gql.op("CancelMemberInvitation", {"invitationId": first}))["cancelMemberInvitation"]
    assert c["userErrors"] == [] and c["invitation"]["status"] == "CANCELLED"
    # The phone is free for a new invitation, and that one activates.
    second = (await gql.op("AddMember", {"enterpriseId": enterprise_id, "name": "王五", "phone": WANG_PHONE,
                                         "role": "MEMBER"}))["addMember"]
    assert second["userErrors"] == [] and second["member"]["id"] != first
    await verified(gql, container, WANG_PHONE, "王五", WANG)
    assert [m["role"] for m in (await gql.op("Me"))["me"]["memberships"]] == ["MEMBER"]
    gql.token = zhang
    statuses = [n["status"] for n in await invitations(gql, enterprise_id, pending_only=False)]
    assert statuses == ["CANCELLED", "ACCEPTED"]
    assert await invitations(gql, enterprise_id) == []


async def test_the_legal_rep_invitation_is_listed_resent_and_cancelled(gql, container, clock):
    # 李四 verified before the enterprise named them: only the invitation could bring them in.
    await verified(gql, container, REP, "李四", LI)
    rep = gql.token
    await verified(gql, container, ZHANG_PHONE, "王五", id_number("19700101", "110105", "002"))
    admin = gql.token
    e = (await create(gql, rep="李四", number=LI))["enterprise"]
    issued = (await gql.op("InviteLegalRepAuthorization", {"enterpriseId": e["id"], "legalRepPhone": REP})
              )["inviteLegalRepAuthorization"]["invitation"]
    live = (await gql.op("EnterpriseLegalRepInvitations", {"enterpriseId": e["id"]}))["enterprise"]
    assert [(i["id"], i["status"], i["phoneMasked"], i["url"]) for i in live["legalRepInvitations"]] == [
        (issued["id"], "PENDING", "136****5432", None)]  # the link is shown once only
    old_token = await _invitation_token(gql, REP)

    clock.offset += timedelta(minutes=2)
    resent = (await gql.op("ResendLegalRepInvitation", {"invitationId": issued["id"]}))["resendLegalRepInvitation"]
    assert resent["userErrors"] == []
    new = resent["invitation"]
    assert new["id"] != issued["id"] and new["status"] == "PENDING" and new["url"] and new["qrContent"] == new["url"]
    new_token = await _invitation_token(gql, REP)
    assert new_token != old_token and new_token in new["url"]
    everything = (await gql.op("EnterpriseLegalRepInvitations", {"enterpriseId": e["id"], "liveOnly": False})
                  )["enterprise"]["legalRepInvitations"]
    assert [(i["id"], i["status"]) for i in everything] == [(new["id"], "PENDING"), (issued["id"], "SUPERSEDED")]

    cancelled = (await gql.op("CancelLegalRepInvitation", {"invitationId": new["id"]}))["cancelLegalRepInvitation"]
    assert cancelled["userErrors"] == [] and cancelled["invitation"]["status"] == "CANCELLED"
    live = (await gql.op("EnterpriseLegalRepInvitations", {"enterpriseId": e["id"]}))["enterprise"]
    assert live["legalRepInvitations"] == []

    # The legal rep opens either link: both are dead, and they are not in the enterprise.
    gql.token = rep
    for token in (old_token, new_token):
        a = (await gql.op("AcceptLegalRepInvitation", {"invitationToken": token}))["acceptLegalRepInvitation"]
        assert _codes(a) == ["INVITATION_INVALID"]
    assert (await gql.op("Me"))["me"]["memberships"] == []
    # Nor may they, or anyone outside, list or cancel the admin's invitations.
    assert (await gql.op("EnterpriseLegalRepInvitations", {"enterpriseId": e["id"]}))["enterprise"] is None
    outside = (await gql.op("CancelLegalRepInvitation", {"invitationId": issued["id"]}))["cancelLegalRepInvitation"]
    assert _codes(outside) == ["NOT_FOUND"]
    gql.token = admin
    closed = (await gql.op("ResendLegalRepInvitation", {"invitationId": new["id"]}))["resendLegalRepInvitation"]
    assert _codes(closed) == ["INVITATION_INVALID"]
