"""§8.2 org seals over HTTP with the contract documents: CreateEnterpriseSeal (refused before the org certificate,
then a 公章 in two calls and a refused second one), the face image served to the enterprise's admin only, ExportSeal
as a GB/T 38540 organisation SES_Seal naming the org signing certificate, ChangeSealFace with an information code
(a wrong PIN and a replayed co-signature change nothing), and RevokeSeal (final). Every act is two calls approved
by the phone's co-signature (SPEC §C)."""

from __future__ import annotations

import base64
import io

from asn1crypto import x509
from PIL import Image

from adapters.seals import SEAL_TYPE_ORG, parse_ses_seal
from sxq_phone import OnScreen
from tests.contract.test_certificates_flows import verified
from tests.contract.test_enterprise_flows import PHONE
from tests.contract.test_enterprise_purchase_flows import LI, certified
from tests.e2e.test_commerce import catalogue, pay
from tests.support.links import unsigned
from tests.support.phones import WRONG_PIN

ENTERPRISE_SEALS = "query($id: ID!) { enterprise(id: $id) { seals(includeInvalid: true) { id kind status infoCode } } }"


def _codes(payload: dict, field: str) -> list[tuple[str, str | None]]:
    return [(e["code"], e["field"]) for e in payload[field]["userErrors"]]


async def test_an_official_seal_from_making_to_revoking(gql, container, client):
    ids = await catalogue(gql, container)
    enterprise_id = await certified(gql, container)
    await gql.enrol(PHONE)
    make = {"enterpriseId": enterprise_id, "name": "北京数信科技有限公司公章", "kind": "OFFICIAL"}
    early = await gql.op("CreateEnterpriseSeal", make)
    assert _codes(early, "createEnterpriseSeal") == [("ORG_CERTIFICATE_REQUIRED", "enterpriseId")]

    placed = (await gql.op("PlaceOrder", {"planIds": [ids["enterprise"]], "enterpriseId": enterprise_id}))
    await pay(gql, container, placed["placeOrder"]["order"]["id"])
    services = (await gql.op("MyServices"))["me"]["entitlements"]
    claimed = await gql.cosigned("ClaimEnterpriseCertificate", {"enterpriseId": enterprise_id,
                                                                "entitlementId": services[0]["id"]},
                                 "claimEnterpriseCertificate", "certificate.claim_enterprise")
    signing_pem = claimed["signingCertificate"]["pem"]

    # The first call makes nothing but a signing request for the phone.
    first = (await gql.op("CreateEnterpriseSeal", make))["createEnterpriseSeal"]
    assert first["userErrors"] == [] and first["seal"] is None, first
    request = first["signingRequest"]
    assert request["purpose"] == "CREATE_ENTERPRISE_SEAL" and "北京数信科技有限公司公章" in request["display"]
    assert (await gql.raw(ENTERPRISE_SEALS, {"id": enterprise_id}))["data"]["enterprise"]["seals"] == []

    made = await gql.cosigned("CreateEnterpriseSeal", make, "createEnterpriseSeal", "seal.create_enterprise")
    assert made["userErrors"] == [], made
    seal = made["seal"]
    assert (seal["kind"], seal["status"], seal["name"]) == ("OFFICIAL", "ACTIVE", "北京数信科技有限公司公章")
    second = await gql.op("CreateEnterpriseSeal", {**make, "name": "新公章"})
    assert _codes(second, "createEnterpriseSeal") == [("SEAL_KIND_TAKEN", "kind")]

    # The round red face, served to the enterprise's admin only.
    auth = {"Authorization": f"Bearer {gql.token}"}
    img = await client.get(seal["imageUrl"], headers=auth)
    assert img.status_code == 200 and img.headers["content-type"] == "image/png"
    face = Image.open(io.BytesIO(img.content))
    assert face.size == (420, 420) and face.mode == "RGBA"
    assert (await client.get(unsigned(seal["imageUrl"]))).status_code == 404

    # GB/T 38540: an organisation seal naming the org signing certificate, signed by our seal maker.
    der = base64.b64decode((await gql.op("ExportSeal", {"sealId": seal["id"]}))["node"]["sesSealDer"])
    ca = container.certificate_authority()
    parsed = parse_ses_seal(der, container.sm2_backend(), maker_issuer=await ca.ca_certificate("issuing"))
    assert parsed.seal_type == SEAL_TYPE_ORG and parsed.name == "北京数信科技有限公司公章"
    signing = x509.Certificate.load(base64.b64decode("".join(signing_pem.strip().splitlines()[1:-1])))
    assert parsed.names_holder(signing) and parsed.picture.data == img.content

    # §8.2.3 a new face with the information code; a malformed code changes nothing.
    bad = await gql.op("ChangeSealFace", {"sealId": seal["id"], "infoCode": "110108"})
    assert _codes(bad, "changeSealFace") == [("INVALID_INPUT", "infoCode")]
    face = {"sealId": seal["id"], "style": "DOUBLE_RING", "infoCode": "1101080012345"}
    wrong = await gql.cosigned("ChangeSealFace", face, "changeSealFace", "seal.change_face", pin=WRONG_PIN)
    assert [e["code"] for e in wrong["userErrors"]] == ["PIN_INCORRECT"] and wrong["seal"] is None, wrong
    assert (await client.get(seal["imageUrl"], headers=auth)).content == img.content
    first = (await gql.op("ChangeSealFace", face))["changeSealFace"]
    (co,) = gql.phones.co_sign_inputs(PHONE, [first["signingRequest"]], OnScreen.act("seal.change_face"))
    changed = (await gql.op("ChangeSealFace", {**face, "coSignature": co}))["changeSealFace"]
    assert changed["userErrors"] == [] and changed["seal"]["status"] == "ACTIVE", changed
    replayed = await gql.op("ChangeSealFace", {**face, "coSignature": co})
    assert [e["code"] for e in replayed["changeSealFace"]["userErrors"]] == ["SIGNING_REQUEST_USED"]
    assert (await client.get(seal["imageUrl"], headers=auth)).content != img.content
    listed = (await gql.raw(ENTERPRISE_SEALS, {"id": enterprise_id}))["data"]["enterprise"]["seals"]
    assert [(s["id"], s["infoCode"]) for s in listed] == [(seal["id"], "1101080012345")]

    # An outsider is told the seal does not exist.
    owner = gql.token
    await verified(gql, container, "13698765432", "李四", LI)
    outsider = await gql.op("RevokeSeal", {"sealId": seal["id"]})
    assert _codes(outsider, "revokeSeal") == [("NOT_FOUND", "sealId")]
    assert (await gql.op("ExportSeal", {"sealId": seal["id"]}))["node"] is None
    gql.token = owner

    # A co-signature approves the act it was asked for only: a revoke request answered to changeSealFace.
    asked = (await gql.op("RevokeSeal", {"sealId": seal["id"]}))["revokeSeal"]
    assert asked["seal"] is None and asked["signingRequest"]["purpose"] == "REVOKE_SEAL", asked
    (co,) = gql.phones.co_sign_inputs(PHONE, [asked["signingRequest"]], OnScreen.act("seal.revoke"))
    other = await gql.op("ChangeSealFace", {**face, "coSignature": co})
    assert _codes(other, "changeSealFace") == [("SIGNING_REQUEST_INVALID", "coSignature.requestId")]
    assert [s["status"] for s in (await gql.raw(ENTERPRISE_SEALS, {"id": enterprise_id}))["data"]["enterprise"][
        "seals"]] == ["ACTIVE"]

    # §8.2.4 final.
    revoked = await gql.cosigned("RevokeSeal", {"sealId": seal["id"]}, "revokeSeal", "seal.revoke")
    assert revoked["seal"]["status"] == "REVOKED" and revoked["seal"]["revokedAt"], revoked
    again = await gql.op("RevokeSeal", {"sealId": seal["id"]})
    assert _codes(again, "revokeSeal") == [("SEAL_NOT_ACTIVE", "sealId")]
    assert (await gql.op("ExportSeal", {"sealId": seal["id"]}))["node"]["sesSealDer"] is None
