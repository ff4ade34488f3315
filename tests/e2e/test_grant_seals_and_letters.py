"""Over HTTP: a grant naming a seal (§8.5, §8.2.4), the grant letter read before the legal rep signs it and served to
who may see the grant only, node(CertificateGrant) / me.certificateGrants, and the §6.3 service application letter
read from node(ServiceApplication) — what the legal rep opens from the approval link."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta

import pytest

from tests.contract.test_certificates_flows import sms_code
from tests.contract.test_enterprise_flows import PHONE
from tests.contract.test_grant_flows import grant_scene
from tests.support.links import unsigned
from tests.support.platform import register_platform

GRANT_FIELDS = """id status namesSeals endReason seals { id name status } member { name } platform { name }
                  letter { documentUrl sha256 signedDocumentUrl signedSha256 }"""
CREATE = f"""mutation($input: CreateCertificateGrantInput!) {{
  createCertificateGrant(input: $input) {{ grant {{ {GRANT_FIELDS} }} userErrors {{ code field message }} }} }}"""
NODE = f"query($id: ID!) {{ node(id: $id) {{ ... on CertificateGrant {{ {GRANT_FIELDS} }} }} }}"
MINE = "{ me { certificateGrants { id status } } }"
APPLICATION = """query($id: ID!) { node(id: $id) { ... on ServiceApplication {
  id status applicantName letter { documentUrl sha256 signedDocumentUrl } } } }"""


@pytest.fixture
async def platform(container):
    return await register_platform(container)


async def _get(client, url: str, token: str | None) -> tuple[int, bytes]:
    r = await client.get(url, headers={"Authorization": f"Bearer {token}"} if token else {})
    return r.status_code, r.content


async def test_a_grant_naming_a_seal_its_letter_and_its_end_with_the_seal(gql, container, client, platform, clock):
    w = await grant_scene(gql, container, platform)
    gql.token = w.rep
    gql.adopt(PHONE)  # the legal rep's phone co-signs (enrolled when the org certificate was claimed)
    made = await gql.cosigned("CreateEnterpriseSeal", {"enterpriseId": w.enterprise_id, "name": "合同专用章",
                                                       "kind": "CONTRACT"}, "createEnterpriseSeal",
                              "seal.create_enterprise")
    assert made["userErrors"] == [], made
    seal = made["seal"]["id"]
    grant_input = {"enterpriseId": w.enterprise_id, "memberId": w.members["李四"], "platformId": w.platform_id,
                   "operations": ["LOGIN"], "validUntil": (date.today() + timedelta(days=30)).isoformat(),
                   "sealIds": [seal]}
    refused = (await gql.raw(CREATE, {"input": grant_input}))["data"]["createCertificateGrant"]
    assert [(e["code"], e["field"]) for e in refused["userErrors"]] == [("INVALID_INPUT", "sealIds")]  # no SIGN

    created = (await gql.raw(CREATE, {"input": {**grant_input, "operations": ["LOGIN", "SIGN"]}}))
    payload = created["data"]["createCertificateGrant"]
    assert payload["userErrors"] == [], created
    grant = payload["grant"]
    assert grant["namesSeals"] and [s["id"] for s in grant["seals"]] == [seal]
    assert (grant["member"]["name"], grant["platform"]["name"]) == ("李四", platform.name)
    letter = grant["letter"]
    assert letter["signedDocumentUrl"] is None

    # Readable before signing, by the legal rep and the member; not by another member or anonymously.
    status, pdf = await _get(client, letter["documentUrl"], w.rep)
    assert status == 200 and pdf.startswith(b"%PDF") and hashlib.sha256(pdf).hexdigest() == letter["sha256"]
    assert (await _get(client, letter["documentUrl"], w.li))[0] == 200
    assert (await _get(client, letter["documentUrl"], w.wang))[0] == 404
    assert (await _get(client, unsigned(letter["documentUrl"]), None))[0] == 404
    assert (await gql.raw(NODE, {"id": grant["id"]}, token=w.li))["data"]["node"]["id"] == grant["id"]
    assert (await gql.raw(NODE, {"id": grant["id"]}, token=w.wang))["data"]["node"] is None
    assert (await gql.raw(MINE, token=w.li))["data"]["me"]["certificateGrants"] == [
        {"id": grant["id"], "status": "AWAITING_APPROVAL"}]

    clock.advance(seconds=61)
    appearances = (await gql.op("MySignatureAppearances"))["me"]["signatureAppearances"]
    approved = (await gql.op("ApproveCertificateGrant", {
        "grantId": grant["id"], "appearanceId": next(a["id"] for a in appearances if a["kind"] == "NAME_SIGNATURE"),
        "smsCode": await sms_code(gql, PHONE, "SIGN")}))["approveCertificateGrant"]
    assert approved["userErrors"] == [], approved
    letter = (await gql.raw(NODE, {"id": grant["id"]}))["data"]["node"]["letter"]
    status, signed = await _get(client, letter["signedDocumentUrl"], w.li)
    assert status == 200 and signed.startswith(pdf) and hashlib.sha256(signed).hexdigest() == letter["signedSha256"]

    revoked = await gql.cosigned("RevokeSeal", {"sealId": seal}, "revokeSeal", "seal.revoke")
    assert revoked["userErrors"] == [], revoked
    ended = (await gql.raw(NODE, {"id": grant["id"]}))["data"]["node"]
    assert (ended["status"], ended["endReason"], ended["seals"][0]["status"]) == (
        "ENDED", "SEAL_REVOKED", "REVOKED")


async def test_the_legal_rep_opens_a_service_application_and_reads_its_letter(gql, container, client, platform):
    w = await grant_scene(gql, container, platform)
    gql.token = w.li
    applied = (await gql.op("ApplyForEnterpriseService", {"enterpriseId": w.enterprise_id, "planId": w.plan}))
    application = applied["applyForEnterpriseService"]["application"]
    seen = (await gql.raw(APPLICATION, {"id": application["id"]}, token=w.rep))["data"]["node"]
    assert (seen["status"], seen["applicantName"]) == ("PENDING_APPROVAL", "李四")
    status, pdf = await _get(client, seen["letter"]["documentUrl"], w.rep)
    assert status == 200 and hashlib.sha256(pdf).hexdigest() == seen["letter"]["sha256"]
    assert seen["letter"]["signedDocumentUrl"] is None
    assert (await _get(client, seen["letter"]["documentUrl"], w.wang))[0] == 404
    assert (await gql.raw(APPLICATION, {"id": application["id"]}, token=w.wang))["data"]["node"] is None
