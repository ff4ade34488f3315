"""§5.1.1.2 over HTTP with the contract documents of enterprise.graphql: an admin invites the legal rep
(InviteLegalRepAuthorization), the legal rep opens the link from the SMS (AcceptLegalRepInvitation), passes face
liveness (the sandbox vendor) and signs (SignAuthorizationLetter); the signed PDF validates."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlparse

from adapters.documents.pades.validation import async_validate_pdf
from tests.contract.test_certificates_flows import sms_code, verified
from tests.contract.test_enterprise_flows import create
from tests.support.data import id_number

ADMIN, REP, STRANGER = "13712345678", "13698765432", "13511112222"
WANG = id_number()
LI = id_number("19850615", "320102", "441")


async def _invitation_token(gql, phone: str) -> str:
    messages = (await gql.op("SandboxSmsOutbox", {"phone": phone}))["sandbox"]["smsMessages"]
    links = [m.group(0) for x in messages if (m := re.search(r"https?://\S+", x["text"] or ""))]
    assert links, messages
    return parse_qs(urlparse(links[0]).query)["token"][0]  # newest first


def _codes(payload) -> list[str]:
    return [e["code"] for e in payload["userErrors"]]


async def test_the_admin_invites_the_legal_rep_faces_and_signs(gql, container, client):
    await verified(gql, container, ADMIN, "王五", WANG)
    admin_token = gql.token
    e = (await create(gql, rep="李四", number=LI))["enterprise"]
    assert e["myRole"] == "ADMIN"

    bad = (await gql.op("InviteLegalRepAuthorization", {"enterpriseId": e["id"], "legalRepPhone": "123"}))
    assert [(x["code"], x["field"]) for x in bad["inviteLegalRepAuthorization"]["userErrors"]] == [
        ("INVALID_PHONE", "legalRepPhone")]
    r = (await gql.op("InviteLegalRepAuthorization", {"enterpriseId": e["id"], "legalRepPhone": REP})
         )["inviteLegalRepAuthorization"]
    assert r["userErrors"] == [], r
    inv = r["invitation"]
    assert inv["qrContent"] == inv["url"] and "token=" in inv["url"]
    expires = datetime.fromisoformat(inv["expiresAt"])
    assert timedelta(hours=23, minutes=59) < expires - container.clock().now() <= timedelta(hours=24)

    # A stranger with another phone learns nothing of the enterprise and cannot use the link.
    await verified(gql, container, STRANGER, "李四", id_number("19700101", "110105", "002"))
    denied = (await gql.op("InviteLegalRepAuthorization", {"enterpriseId": e["id"], "legalRepPhone": REP})
              )["inviteLegalRepAuthorization"]
    assert _codes(denied) == ["NOT_FOUND"] and denied["invitation"] is None

    await verified(gql, container, REP, "李四", LI)
    token = await _invitation_token(gql, REP)
    assert token in inv["url"]
    a = (await gql.op("AcceptLegalRepInvitation", {"invitationToken": token}))["acceptLegalRepInvitation"]
    assert a["userErrors"] == [], a
    letter, face = a["letter"], a["faceVerification"]
    assert face["token"] and face["url"] and letter["sha256"]

    appearances = (await gql.op("MySignatureAppearances"))["me"]["signatureAppearances"]
    name_sig = next(x for x in appearances if x["kind"] == "NAME_SIGNATURE")
    code = await sms_code(gql, REP, "SIGN")
    sign_vars = {"letterId": letter["id"], "appearanceId": name_sig["id"], "smsCode": code}
    pending = (await gql.op("SignAuthorizationLetter", sign_vars))["signAuthorizationLetter"]
    assert _codes(pending) == ["FACE_PENDING"]

    await gql.op("SandboxFinishFace", {"token": face["token"], "pass": True})
    await container.face_verifier().wait_idle()
    s = (await gql.op("SignAuthorizationLetter", sign_vars))["signAuthorizationLetter"]
    assert s["userErrors"] == [], s
    assert s["enterprise"]["certificationStatus"] == "CERTIFIED" and s["enterprise"]["myRole"] == "LEGAL_REP"

    signed = await client.get(s["letter"]["signedDocumentUrl"], headers={"Authorization": f"Bearer {gql.token}"})
    ca = container.certificate_authority()
    reports = await async_validate_pdf(signed.content, [await ca.ca_certificate("root")],
                                       container.sm2_backend(), other_certs=[await ca.ca_certificate("issuing")])
    assert len(reports) == 1 and reports[0].ok and "李四" in (reports[0].signer_subject or "")

    # The invitation is used up; the admin sees the enterprise certified.
    again = (await gql.op("AcceptLegalRepInvitation", {"invitationToken": token}))["acceptLegalRepInvitation"]
    assert _codes(again) == ["INVITATION_INVALID"]
    gql.token = admin_token
    me = (await gql.op("Me"))["me"]["memberships"]
    assert [(m["role"], m["enterprise"]["certificationStatus"]) for m in me] == [("ADMIN", "CERTIFIED")]


async def test_the_invitation_refuses_the_wrong_person_and_a_failed_face(gql, container):
    await verified(gql, container, ADMIN, "王五", WANG)
    e = (await create(gql, rep="李四", number=LI))["enterprise"]
    await gql.op("InviteLegalRepAuthorization", {"enterpriseId": e["id"], "legalRepPhone": REP})

    # The invited phone, but an unverified account: told to verify first.
    await gql.register(REP)
    token = await _invitation_token(gql, REP)
    a = (await gql.op("AcceptLegalRepInvitation", {"invitationToken": token}))["acceptLegalRepInvitation"]
    assert [(x["code"], x["field"]) for x in a["userErrors"]] == [("IDENTITY_NOT_VERIFIED", "invitationToken")]

    # Verified as someone else than the licence's legal rep.
    r = (await gql.op("StartIdCardVerification", {"legalName": "张三", "idNumber": id_number("19900101")}))
    face = r["startIdCardVerification"]["faceVerification"]["token"]
    await gql.op("SandboxFinishFace", {"token": face, "pass": True})
    await container.face_verifier().wait_idle()
    await gql.op("CompleteFaceVerification", {"token": face})
    a = (await gql.op("AcceptLegalRepInvitation", {"invitationToken": token}))["acceptLegalRepInvitation"]
    assert _codes(a) == ["NOT_LEGAL_REPRESENTATIVE"] and a["letter"] is None
    bogus = (await gql.op("AcceptLegalRepInvitation", {"invitationToken": "lri_nope"}))["acceptLegalRepInvitation"]
    assert _codes(bogus) == ["INVITATION_INVALID"]


async def _memberships(gql) -> list[tuple[str, str]]:
    return [(m["role"], m["enterprise"]["name"]) for m in (await gql.op("Me"))["me"]["memberships"]]


async def test_opening_the_link_gives_no_role_until_the_letter_is_signed(gql, container, client, clock):
    # 李四 verified before the enterprise named them: only the invitation can bring them in.
    await verified(gql, container, REP, "李四", LI)
    rep_token = gql.token
    await verified(gql, container, ADMIN, "王五", WANG)
    e = (await create(gql, rep="李四", number=LI))["enterprise"]
    await gql.op("InviteLegalRepAuthorization", {"enterpriseId": e["id"], "legalRepPhone": REP})

    gql.token = rep_token
    token = await _invitation_token(gql, REP)
    a = (await gql.op("AcceptLegalRepInvitation", {"invitationToken": token}))["acceptLegalRepInvitation"]
    assert a["userErrors"] == []
    assert await _memberships(gql) == []  # not LEGAL_REP yet, not even a member
    assert (await gql.raw("query($id: ID!) { enterprise(id: $id) { id } }", {"id": e["id"]}))["data"] == {
        "enterprise": None}
    pdf = await client.get(a["letter"]["documentUrl"], headers={"Authorization": f"Bearer {gql.token}"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")  # the letter is the signer's to read

    # A failed face check: nothing is signed and still no role.
    await gql.op("SandboxFinishFace", {"token": a["faceVerification"]["token"], "pass": False})
    await container.face_verifier().wait_idle()
    appearances = (await gql.op("MySignatureAppearances"))["me"]["signatureAppearances"]
    name_sig = next(x for x in appearances if x["kind"] == "NAME_SIGNATURE")["id"]
    failed = (await gql.op("SignAuthorizationLetter", {"letterId": a["letter"]["id"], "appearanceId": name_sig,
                                                       "smsCode": await sms_code(gql, REP, "SIGN")}))
    assert _codes(failed["signAuthorizationLetter"]) == ["FACE_FAILED"]
    assert await _memberships(gql) == []

    # The link opened again, the face passes, the letter is signed: now LEGAL_REP.
    clock.offset += timedelta(seconds=61)
    a = (await gql.op("AcceptLegalRepInvitation", {"invitationToken": token}))["acceptLegalRepInvitation"]
    assert a["userErrors"] == [] and await _memberships(gql) == []
    await gql.op("SandboxFinishFace", {"token": a["faceVerification"]["token"], "pass": True})
    await container.face_verifier().wait_idle()
    s = (await gql.op("SignAuthorizationLetter", {"letterId": a["letter"]["id"], "appearanceId": name_sig,
                                                  "smsCode": await sms_code(gql, REP, "SIGN")}))
    assert s["signAuthorizationLetter"]["userErrors"] == []
    assert await _memberships(gql) == [("LEGAL_REP", "北京数信科技有限公司")]
