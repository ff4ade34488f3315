"""§5 create an enterprise and §5.1.1.1 the legal rep's authorisation letter, over HTTP with the contract
documents of enterprise.graphql (CreateEnterprise, PrepareAuthorizationLetter, SignAuthorizationLetter) and Me."""

from __future__ import annotations

from adapters.documents.pades.validation import async_validate_pdf
from tests.app_fixture import CREDIT_CODE, CREDIT_CODE_2
from tests.contract.test_certificates_flows import sms_code, verified
from tests.support.data import id_number, image_bytes

PHONE, OTHER = "13712345678", "13698765432"
ZHANG = id_number()
LI = id_number("19850615", "320102", "441")
PNG = ("licence.png", image_bytes(), "image/png")


def variables(code=CREDIT_CODE, rep="张三", number=ZHANG, name="北京数信科技有限公司"):
    return {"name": name, "creditCode": code, "legalRepName": rep, "legalRepIdNumber": number}


async def create(gql, **kw):
    return (await gql.upload("CreateEnterprise", variables(**kw), {"licence": PNG}))["createEnterprise"]


async def test_the_legal_rep_creates_signs_the_letter_and_the_enterprise_is_certified(gql, container, client):
    await verified(gql, container, PHONE, "张三", ZHANG)
    r = await create(gql)
    assert r["userErrors"] == [] and r["fourElementCheckPassed"] is True
    assert r["availableMethods"] == ["LEGAL_REP_AUTHORIZATION", "BANK_TRANSFER"]
    e = r["enterprise"]
    assert (e["certificationStatus"], e["myRole"], e["creditCode"]) == ("AWAITING_AUTHORIZATION", "LEGAL_REP",
                                                                       CREDIT_CODE)

    p = (await gql.op("PrepareAuthorizationLetter", {"enterpriseId": e["id"]}))["prepareAuthorizationLetter"]
    assert p["userErrors"] == []
    kinds = [a["kind"] for a in p["signatureAppearances"]]
    assert "NAME_SIGNATURE" in kinds
    letter = p["letter"]
    pdf = await client.get(letter["documentUrl"], headers={"Authorization": f"Bearer {gql.token}"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    import hashlib

    assert hashlib.sha256(pdf.content).hexdigest() == letter["sha256"]

    appearance = next(a for a in p["signatureAppearances"] if a["kind"] == "NAME_SIGNATURE")
    code = await sms_code(gql, PHONE, "SIGN")
    s = (await gql.op("SignAuthorizationLetter", {"letterId": letter["id"], "appearanceId": appearance["id"],
                                                   "smsCode": code}))["signAuthorizationLetter"]
    assert s["userErrors"] == [], s
    assert s["enterprise"]["certificationStatus"] == "CERTIFIED"
    assert s["enterprise"]["certificationMethod"] == "LEGAL_REP_AUTHORIZATION" and s["letter"]["signedAt"]

    signed = await client.get(s["letter"]["signedDocumentUrl"], headers={"Authorization": f"Bearer {gql.token}"})
    assert signed.status_code == 200
    ca = container.certificate_authority()
    reports = await async_validate_pdf(signed.content, [await ca.ca_certificate("root")],
                                       container.sm2_backend(), other_certs=[await ca.ca_certificate("issuing")])
    assert len(reports) == 1 and reports[0].ok and reports[0].covers_whole_file, reports[0].summary
    assert "张三" in (reports[0].signer_subject or "")

    me = (await gql.op("Me"))["me"]
    assert me["memberships"] == [{"role": "LEGAL_REP", "enterprise": {
        "id": e["id"], "name": "北京数信科技有限公司", "certificationStatus": "CERTIFIED"}}]

    # Another account: the enterprise and its letters do not exist for it.
    owner_token = gql.token
    await verified(gql, container, OTHER, "李四", LI)
    assert (await gql.raw("query($id: ID!) { node(id: $id) { id } enterprise(id: $id) { id } }",
                          {"id": e["id"]}))["data"] == {"node": None, "enterprise": None}
    denied = await client.get(s["letter"]["signedDocumentUrl"], headers={"Authorization": f"Bearer {gql.token}"})
    assert denied.status_code == 404
    p2 = (await gql.op("PrepareAuthorizationLetter", {"enterpriseId": e["id"]}))["prepareAuthorizationLetter"]
    assert [x["code"] for x in p2["userErrors"]] == ["NOT_FOUND"]
    # The certified credit code cannot be registered again.
    again = await create(gql, rep="李四", number=LI)
    assert [x["code"] for x in again["userErrors"]] == ["ENTERPRISE_ALREADY_CERTIFIED"]
    gql.token = owner_token
    mine = await gql.raw("query($id: ID!) { enterprise(id: $id) { myRole certificationStatus } }", {"id": e["id"]})
    assert mine["data"]["enterprise"] == {"myRole": "LEGAL_REP", "certificationStatus": "CERTIFIED"}


async def test_unhappy_paths(gql, container):
    await verified(gql, container, PHONE, "张三", ZHANG)
    bad = await create(gql, code=CREDIT_CODE[:-1] + ("0" if CREDIT_CODE[-1] != "0" else "1"))
    assert [(x["code"], x["field"]) for x in bad["userErrors"]] == [("INVALID_INPUT", "creditCode")]
    assert bad["enterprise"] is None

    container.enterprise_verifier().answer(CREDIT_CODE_2, "UNAVAILABLE")
    down = await create(gql, code=CREDIT_CODE_2)
    assert [x["code"] for x in down["userErrors"]] == ["SERVICE_UNAVAILABLE"]
    assert (await gql.op("Me"))["me"]["memberships"] == []

    container.enterprise_verifier().answer(CREDIT_CODE_2, "MISMATCH")
    failed = await create(gql, code=CREDIT_CODE_2)
    assert failed["fourElementCheckPassed"] is False and failed["availableMethods"] == ["MANUAL_REVIEW"]
    p = (await gql.op("PrepareAuthorizationLetter", {"enterpriseId": failed["enterprise"]["id"]}))
    assert [x["code"] for x in p["prepareAuthorizationLetter"]["userErrors"]] == ["CERTIFICATION_METHOD_UNAVAILABLE"]

    # An admin who is not the legal rep may not prepare the letter.
    other = await create(gql, rep="李四", number=LI)
    assert other["enterprise"]["myRole"] == "ADMIN"
    p = (await gql.op("PrepareAuthorizationLetter", {"enterpriseId": other["enterprise"]["id"]}))
    assert [x["code"] for x in p["prepareAuthorizationLetter"]["userErrors"]] == ["NOT_LEGAL_REPRESENTATIVE"]

    # The legal rep with a wrong SMS code: nothing is signed.
    mine = await create(gql)
    p = (await gql.op("PrepareAuthorizationLetter", {"enterpriseId": mine["enterprise"]["id"]}))
    p = p["prepareAuthorizationLetter"]
    code = await sms_code(gql, PHONE, "SIGN")
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    s = (await gql.op("SignAuthorizationLetter", {"letterId": p["letter"]["id"],
                                                   "appearanceId": p["signatureAppearances"][-1]["id"],
                                                   "smsCode": wrong}))["signAuthorizationLetter"]
    assert [x["code"] for x in s["userErrors"]] == ["SMS_CODE_INVALID"] and s["enterprise"] is None
    roles = {m["enterprise"]["id"]: m["enterprise"]["certificationStatus"]
             for m in (await gql.op("Me"))["me"]["memberships"]}
    assert roles[mine["enterprise"]["id"]] == "AWAITING_AUTHORIZATION"
