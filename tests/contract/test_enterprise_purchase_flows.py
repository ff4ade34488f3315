"""§6.2 an enterprise buys and §6.2.1 claims its org certificates: PlaceOrder with enterpriseId, PayOrder,
SandboxCompletePayment, MyServices and ClaimEnterpriseCertificate over HTTP
with the contract documents; the entitlement's holder is the Enterprise, and §8.3 Enterprise.certificates lists
the org pair with the services each carries. A plain member and an outsider are refused and nothing is stored."""

from __future__ import annotations

from sqlalchemy import func, select

from adapters.persistence import tables_commerce as tc
from tests.contract.test_certificates_flows import sms_code, verified
from tests.contract.test_enterprise_flows import PHONE, ZHANG, create
from tests.e2e.test_commerce import catalogue, pay
from tests.support.data import id_number
from tests.support.phones import WRONG_PIN

LI = id_number("19850615", "320102", "441")
ORG_CERTIFICATES = """query($id: ID!) {
  enterprise(id: $id) {
    certificates { id usage services { id status validFrom validUntil platform { name } plan { name } } }
  }
}"""


async def certified(gql, container) -> str:
    """张三 verifies, creates the enterprise and certifies it by signing the letter; returns its global id."""
    await verified(gql, container, PHONE, "张三", ZHANG)
    e = (await create(gql))["enterprise"]
    p = (await gql.op("PrepareAuthorizationLetter", {"enterpriseId": e["id"]}))["prepareAuthorizationLetter"]
    appearance = next(a for a in p["signatureAppearances"] if a["kind"] == "NAME_SIGNATURE")
    s = (await gql.op("SignAuthorizationLetter", {"letterId": p["letter"]["id"], "appearanceId": appearance["id"],
                                                   "smsCode": await sms_code(gql, PHONE, "SIGN")}))
    assert s["signAuthorizationLetter"]["enterprise"]["certificationStatus"] == "CERTIFIED", s
    return e["id"]


async def orders(container) -> int:
    async with container.engine().connect() as conn:
        return (await conn.execute(select(func.count()).select_from(tc.orders))).scalar_one()


async def test_the_legal_rep_buys_for_the_enterprise(gql, container):
    ids = await catalogue(gql, container)
    enterprise_id = await certified(gql, container)
    placed = (await gql.op("PlaceOrder", {"planIds": [ids["enterprise"]], "enterpriseId": enterprise_id}))
    placed = placed["placeOrder"]
    assert placed["userErrors"] == [] and placed["order"]["amountFen"] == 199_900, placed
    await pay(gql, container, placed["order"]["id"])
    services = (await gql.op("MyServices"))["me"]["entitlements"]
    assert [(s["status"], s["holder"]) for s in services] == [
        ("ACTIVE", {"__typename": "Enterprise", "id": enterprise_id, "name": "北京数信科技有限公司"})]
    # §6.2.1 the legal rep claims the org pair in two calls, approved by their own phone's co-signature.
    claim = {"enterpriseId": enterprise_id, "entitlementId": services[0]["id"]}
    unenrolled = (await gql.op("ClaimEnterpriseCertificate", claim))["claimEnterpriseCertificate"]
    assert [e["code"] for e in unenrolled["userErrors"]] == ["SIGNING_KEY_REQUIRED"], unenrolled
    await gql.enrol(PHONE)
    first = (await gql.op("ClaimEnterpriseCertificate", claim))["claimEnterpriseCertificate"]
    assert first["userErrors"] == [] and first["signingCertificate"] is None, first
    assert first["signingRequest"]["purpose"] == "CLAIM_ENTERPRISE_CERTIFICATE"
    assert "北京数信科技有限公司" in first["signingRequest"]["display"]
    c = await gql.cosigned("ClaimEnterpriseCertificate", claim, "claimEnterpriseCertificate",
                           "certificate.claim_enterprise")
    assert c["userErrors"] == [] and c["signingRequest"] is None, c
    signing = c["signingCertificate"]
    assert (signing["usage"], signing["status"]) == ("SIGNING", "ACTIVE")
    assert "北京数信科技有限公司" in signing["subjectDn"] and "NTRCN-" in signing["subjectDn"]
    assert c["encryptionCertificate"]["pem"].startswith("-----BEGIN CERTIFICATE-----")
    listed = await gql.raw(ORG_CERTIFICATES, {"id": enterprise_id})
    assert {x["id"] for x in listed["data"]["enterprise"]["certificates"]} == {
        signing["id"], c["encryptionCertificate"]["id"]}
    # §8.3 each org certificate carries the enterprise's service its life overlaps.
    for cert in listed["data"]["enterprise"]["certificates"]:
        assert [(s["id"], s["status"], s["platform"]["name"], s["plan"]["name"]) for s in cert["services"]] == [
            (services[0]["id"], "ACTIVE", services[0]["platform"]["name"], services[0]["plan"]["name"])], cert
    mine = (await gql.op("MyCertificates"))["me"]
    assert mine["certificates"] == []  # org certificates are the enterprise's, not the claimer's
    wrong_pin = await gql.cosigned("ClaimEnterpriseCertificate", claim, "claimEnterpriseCertificate",
                                   "certificate.claim_enterprise", pin=WRONG_PIN)
    assert [e["code"] for e in wrong_pin["userErrors"]] == ["PIN_INCORRECT"], wrong_pin

    # The personal plan is not an enterprise plan.
    wrong = (await gql.op("PlaceOrder", {"planIds": [ids["personal"]], "enterpriseId": enterprise_id}))
    assert [e["code"] for e in wrong["placeOrder"]["userErrors"]] == ["PLAN_SUBJECT_MISMATCH"]

    # An outsider: the enterprise does not exist for them, and its services are not theirs.
    await verified(gql, container, "13698765432", "李四", LI)
    before = await orders(container)
    r = (await gql.op("PlaceOrder", {"planIds": [ids["enterprise"]], "enterpriseId": enterprise_id}))["placeOrder"]
    assert r["order"] is None and [(e["code"], e["field"]) for e in r["userErrors"]] == [("NOT_FOUND", "enterpriseId")]
    assert await orders(container) == before
    assert (await gql.op("MyServices"))["me"]["entitlements"] == []
    outsider_view = (await gql.raw(ORG_CERTIFICATES, {"id": enterprise_id}))["data"]["enterprise"]
    assert outsider_view is None or outsider_view["certificates"] == []
    refused = (await gql.op("ClaimEnterpriseCertificate", claim))["claimEnterpriseCertificate"]
    assert [e["code"] for e in refused["userErrors"]] == ["NOT_FOUND"] and refused["signingRequest"] is None
