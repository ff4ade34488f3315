"""§6.3 member service applications and §8.1 赠送服务 over HTTP with the contract documents
(ApplyForEnterpriseService, ApproveServiceApplication, PlaceOrder with serviceApplicationId, MyServices) and this
project's own GiftService (tests/contract/operations/enterprise_gifts.graphql): a member applies, the legal rep
signs, the applicant buys and the enterprise holds the service; the legal rep gifts a personal plan that the
member holds and claims their own certificate with. Refusals store nothing."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from adapters.persistence import tables_commerce as tc
from adapters.persistence import tables_service_applications as tsa
from tests.contract.test_admin_transfer_flows import LI, LI_PHONE, _join
from tests.contract.test_certificates_flows import sms_code, verified
from tests.contract.test_enterprise_flows import PHONE
from tests.contract.test_enterprise_purchase_flows import certified
from tests.e2e.test_commerce import catalogue, pay


async def _count(container, table) -> int:
    async with container.engine().connect() as conn:
        return (await conn.execute(select(func.count()).select_from(table))).scalar_one()


async def _world(gql, container, clock):
    ids = await catalogue(gql, container)
    enterprise_id = await certified(gql, container)
    rep = gql.token
    account = await verified(gql, container, LI_PHONE, "李四", LI)
    member_id = await _join(container, clock, account, enterprise_id)
    return ids, enterprise_id, rep, gql.token, member_id


def _codes(payload) -> list[tuple[str, str | None]]:
    return [(e["code"], e["field"]) for e in payload["userErrors"]]


async def test_a_member_applies_the_legal_rep_signs_the_member_buys_for_the_enterprise(gql, container, clock):
    ids, enterprise_id, rep, member, _member_id = await _world(gql, container, clock)
    applied = (await gql.op("ApplyForEnterpriseService", {"enterpriseId": enterprise_id,
                                                          "planId": ids["enterprise"]}))["applyForEnterpriseService"]
    assert applied["userErrors"] == [], applied
    a = applied["application"]
    assert a["status"] == "PENDING_APPROVAL" and a["approvalUrl"] == a["approvalQrContent"]
    assert a["approvalUrl"].endswith(f"/l/service-application?id={a['id']}")
    # Before approval nothing can be bought; the member cannot approve their own application.
    early = (await gql.op("PlaceOrder", {"planIds": [ids["enterprise"]], "serviceApplicationId": a["id"]}))
    assert _codes(early["placeOrder"]) == [("SERVICE_APPLICATION_NOT_APPROVED", "serviceApplicationId")]
    mine = (await gql.op("MySignatureAppearances"))["me"]["signatureAppearances"]
    own = (await gql.op("ApproveServiceApplication", {
        "applicationId": a["id"], "appearanceId": mine[0]["id"],
        "smsCode": await sms_code(gql, LI_PHONE, "SIGN")}))["approveServiceApplication"]
    assert _codes(own) == [("NOT_LEGAL_REPRESENTATIVE", "applicationId")]

    gql.token = rep
    appearances = (await gql.op("MySignatureAppearances"))["me"]["signatureAppearances"]
    name_signature = next(x["id"] for x in appearances if x["kind"] == "NAME_SIGNATURE")
    clock.advance(seconds=61)
    approved = (await gql.op("ApproveServiceApplication", {
        "applicationId": a["id"], "appearanceId": name_signature,
        "smsCode": await sms_code(gql, PHONE, "SIGN")}))["approveServiceApplication"]
    assert approved["userErrors"] == [] and approved["application"] == {"id": a["id"], "status": "APPROVED"}
    # The legal rep is not the applicant: they cannot buy it.
    theirs = (await gql.op("PlaceOrder", {"planIds": [ids["enterprise"]], "serviceApplicationId": a["id"]}))
    assert _codes(theirs["placeOrder"]) == [("NOT_APPLICANT", "serviceApplicationId")]

    gql.token = member
    placed = (await gql.op("PlaceOrder", {"planIds": [ids["enterprise"]],
                                          "serviceApplicationId": a["id"]}))["placeOrder"]
    assert placed["userErrors"] == [] and placed["order"]["amountFen"] == 199_900, placed
    await pay(gql, container, placed["order"]["id"])
    services = (await gql.op("MyServices"))["me"]
    assert services["serviceApplications"] == [{"id": a["id"], "status": "PURCHASED",
                                                "plan": {"name": "enterprise 标准版"},
                                                "enterprise": {"name": "北京数信科技有限公司"}}]
    assert services["entitlements"] == []  # the enterprise holds it, not the member
    gql.token = rep
    held = (await gql.op("MyServices"))["me"]["entitlements"]
    assert [(e["status"], e["holder"]["__typename"], e["holder"].get("id")) for e in held] == [
        ("ACTIVE", "Enterprise", enterprise_id)]
    async with container.engine().connect() as conn:
        row = (await conn.execute(select(tsa.service_applications))).one()
    assert row.signed_blob_id and row.certificate_id and row.status == "PURCHASED"


async def test_the_legal_rep_gifts_a_personal_plan_the_member_claims_their_certificate(gql, container, clock):
    ids, enterprise_id, rep, member, member_id = await _world(gql, container, clock)
    # A plain member may not gift; nothing is stored.
    refused = (await gql.op("GiftService", {"enterpriseId": enterprise_id, "memberId": member_id,
                                            "planIds": [ids["personal"]]}))["giftService"]
    assert refused["order"] is None and _codes(refused) == [("NOT_ENTERPRISE_ADMIN", "enterpriseId")]
    assert await _count(container, tc.orders) == 0

    gql.token = rep
    wrong = (await gql.op("GiftService", {"enterpriseId": enterprise_id, "memberId": member_id,
                                          "planIds": [ids["enterprise"]]}))["giftService"]
    assert [c for c, _f in _codes(wrong)] == ["PLAN_SUBJECT_MISMATCH"]
    bogus = (await gql.op("GiftService", {"enterpriseId": enterprise_id, "memberId": enterprise_id,
                                          "planIds": [ids["personal"]]}))["giftService"]
    assert _codes(bogus) == [("NOT_FOUND", "memberId")]
    gift = (await gql.op("GiftService", {"enterpriseId": enterprise_id, "memberId": member_id,
                                         "planIds": [ids["personal"]]}))["giftService"]
    assert gift["userErrors"] == [] and gift["order"]["status"] == "PENDING_PAYMENT", gift
    await pay(gql, container, gift["order"]["id"])
    assert (await gql.op("MyServices"))["me"]["entitlements"] == []  # the giver holds nothing

    gql.token = member
    [held] = (await gql.op("MyServices"))["me"]["entitlements"]
    assert (held["status"], held["plan"], held["holder"]["__typename"]) == ("ACTIVE", {"name": "personal 标准版"},
                                                                          "Account")
    clock.offset = clock.offset + timedelta(seconds=61)  # past any code sent to this phone earlier
    await gql.enrol(LI_PHONE)
    claimed = await gql.cosigned("ClaimPersonalCertificate", {"entitlementId": held["id"]},
                                 "claimPersonalCertificate", "certificate.claim_personal")
    assert claimed["userErrors"] == [], claimed
    assert (claimed["signingCertificate"]["status"], claimed["encryptionCertificate"]["status"]) == (
        "ACTIVE", "ACTIVE")


async def test_the_legal_rep_declines_and_the_application_is_closed(gql, container, clock):
    ids, enterprise_id, rep, member, _member_id = await _world(gql, container, clock)
    a = (await gql.op("ApplyForEnterpriseService", {"enterpriseId": enterprise_id, "planId": ids["enterprise"]}))
    application_id = a["applyForEnterpriseService"]["application"]["id"]
    own = (await gql.op("RejectServiceApplication", {"applicationId": application_id}))["rejectServiceApplication"]
    assert own["application"] is None and _codes(own) == [("NOT_LEGAL_REPRESENTATIVE", "applicationId")]
    gql.token = rep
    r = (await gql.op("RejectServiceApplication", {"applicationId": application_id}))["rejectServiceApplication"]
    assert r["userErrors"] == [] and r["application"] == {"id": application_id, "status": "REJECTED"}
    gql.token = member
    [mine] = (await gql.op("MyServices"))["me"]["serviceApplications"]
    assert (mine["status"], mine["enterprise"]) == ("REJECTED", {"name": "北京数信科技有限公司"})
    assert await _count(container, tsa.service_applications) == 1
