"""§8.5 certificate grants and §7.3 scanning with the company certificate, over HTTP with the contract documents:
CreateCertificateGrant → ApproveCertificateGrant (SMS + signed letter) → PlaceOrder(grantId) → MyCertificates'
usableEnterpriseCertificates → ScanQrCode (holderKind ENTERPRISE, enterprise { id name }) → ConfirmScanSession,
the member's own phone co-signing a consent to this use of the org key (SPEC §C) → the platform's result names
the enterprise and the acting person and is signed by the org key → RevokeCertificateGrant. A third person's
purchase is refused and stores nothing."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from adapters.ca.x509 import public_key_of
from adapters.crypto.sm2 import default_backend
from graphql_schema.common.node import to_global_id
from tests.contract.test_certificates_flows import entitlement, sms_code, verified
from tests.contract.test_enterprise_flows import PHONE
from tests.contract.test_enterprise_purchase_flows import LI, certified, orders
from tests.contract.test_scan_flows import (
    ask,
    cert_of,
    claim_with_phone,
    co_sign,
    confirm,
    create,
    finish,
    scan,
)
from tests.e2e.test_commerce import operator_token, pay
from tests.support.data import id_number
from tests.support.phones import WRONG_PIN
from tests.support.platform import PlatformClient, register_platform

sm2 = default_backend()
LI_PHONE, WANG_PHONE = "13698765432", "13587654321"


@pytest.fixture
async def platform(container):
    return await register_platform(container)


@pytest.fixture
def pc(client, platform):
    return PlatformClient(client, platform)


@dataclass
class GrantScene:
    """A certified enterprise (张三, legal rep and admin) with an ENTERPRISE plan bought on the platform and its org
    certificate claimed, and two verified members: 李四 (with his own certificate) and 王五."""

    plan: str
    platform_id: str
    enterprise_id: str
    rep: str  # access tokens
    li: str
    wang: str
    members: dict[str, str]  # name → Member ID
    org_signing: dict


async def grant_scene(gql, container, platform, operations=("LOGIN", "SIGN")) -> GrantScene:
    token = await operator_token(gql, container)
    platform_id = to_global_id("TradingPlatform", platform.id)
    plan = (await gql.op("CreateServicePlan", {
        "platformId": platform_id, "subjectType": "ENTERPRISE", "name": "企业标准版",
        "operations": list(operations), "validityMonths": 12, "signQuota": 100, "priceFen": 199_900},
        token=token))["createServicePlan"]["plan"]["id"]
    enterprise_id = await certified(gql, container)  # 张三, the legal rep (and admin)
    rep = gql.token
    placed = (await gql.op("PlaceOrder", {"planIds": [plan], "enterpriseId": enterprise_id}))["placeOrder"]
    await pay(gql, container, placed["order"]["id"])
    services = (await gql.op("MyServices"))["me"]["entitlements"]
    await gql.enrol(PHONE)
    org = await gql.cosigned("ClaimEnterpriseCertificate", {"enterpriseId": enterprise_id,
                                                            "entitlementId": services[0]["id"]},
                             "claimEnterpriseCertificate", "certificate.claim_enterprise")
    assert org["userErrors"] == [], org
    org_signing = org["signingCertificate"]

    li_account = await verified(gql, container, LI_PHONE, "李四", LI)  # with his own certificate and phone
    li = gql.token
    assert (await claim_with_phone(gql, LI_PHONE, await entitlement(container, li_account)))["userErrors"] == []
    await verified(gql, container, WANG_PHONE, "王五", id_number("19900307", "110101", "001"))
    wang = gql.token
    gql.token = rep
    members = {}
    for name, phone in (("李四", LI_PHONE), ("王五", WANG_PHONE)):
        added = (await gql.op("AddMember", {"enterpriseId": enterprise_id, "name": name, "phone": phone,
                                            "role": "MEMBER"}))["addMember"]
        assert added["userErrors"] == [], added
        members[name] = added["member"]["id"]
    return GrantScene(plan, platform_id, enterprise_id, rep, li, wang, members, org_signing)


async def test_granted_member_logs_in_as_the_enterprise_and_the_grant_is_revoked(gql, container, pc, platform,
                                                                                 clock):
    w = await grant_scene(gql, container, platform)
    plan, platform_id, enterprise_id, members = w.plan, w.platform_id, w.enterprise_id, w.members
    rep, li, wang, org_signing = w.rep, w.li, w.wang, w.org_signing

    until = (date.today() + timedelta(days=30)).isoformat()
    created = (await gql.op("CreateCertificateGrant", {
        "enterpriseId": enterprise_id, "memberId": members["李四"], "platformId": platform_id,
        "operations": ["LOGIN"], "validUntil": until}))["createCertificateGrant"]
    assert created["userErrors"] == [], created
    grant = created["grant"]
    assert grant["status"] == "AWAITING_APPROVAL" and "/l/certificate-grant?grant=" in grant["approvalUrl"]
    clock.advance(seconds=61)  # past the cooldown of the code that certified the enterprise
    appearances = (await gql.op("MySignatureAppearances"))["me"]["signatureAppearances"]
    appearance = next(a["id"] for a in appearances if a["kind"] == "NAME_SIGNATURE")
    approved = (await gql.op("ApproveCertificateGrant", {
        "grantId": grant["id"], "appearanceId": appearance,
        "smsCode": await sms_code(gql, PHONE, "SIGN")}))
    approved = approved["approveCertificateGrant"]
    assert approved["userErrors"] == [] and approved["grant"]["status"] == "AWAITING_PAYMENT", approved

    # 王五 is a member too, but neither the grantor nor the member: he cannot pay for it.
    gql.token = wang
    before = await orders(container)
    refused = (await gql.op("PlaceOrder", {"planIds": [plan], "grantId": grant["id"]}))["placeOrder"]
    assert [(e["code"], e["field"]) for e in refused["userErrors"]] == [("PERMISSION_DENIED", "grantId")]
    assert await orders(container) == before

    gql.token = li
    bought = (await gql.op("PlaceOrder", {"planIds": [plan], "grantId": grant["id"]}))["placeOrder"]
    assert bought["userErrors"] == [], bought
    await pay(gql, container, bought["order"]["id"])
    usable = (await gql.op("MyCertificates"))["me"]["usableEnterpriseCertificates"]
    assert [(u["certificate"]["id"], u["enterprise"]["name"]) for u in usable] == [
        (org_signing["id"], "北京数信科技有限公司")]

    s = await create(pc, operation="LOGIN")
    seen = await scan(gql, s["qrContent"])
    assert seen["userErrors"] == [], seen
    offered = [u for u in seen["session"]["usableCertificates"] if u["holderKind"] == "ENTERPRISE"]
    assert [(u["certificate"]["id"], u["enterprise"]) for u in offered] == [
        (org_signing["id"], {"id": enterprise_id, "name": "北京数信科技有限公司"})]
    view = seen["session"]
    wrong = await confirm(gql, view, org_signing["id"], pin=WRONG_PIN)  # his own PIN counts, not the company's
    assert (wrong["userErrors"][0]["code"], wrong["pinAttemptsLeft"]) == ("PIN_INCORRECT", 5)
    (request,) = await ask(gql, view, org_signing["id"])
    consent = json.loads(base64.b64decode(request["message"]))
    assert request["purpose"] == "SCAN_CONSENT" and consent["action"] == "scan.consent"
    assert consent["input"] == {"tId": s["tId"], "platformCode": platform.code, "operation": "LOGIN",
                                "certificateSerial": org_signing["serialNumber"], "creditCode": "91110108MA01ABCD1E"}
    assert "北京数信科技有限公司" in request["display"]
    org_key = public_key_of(cert_of(org_signing["pem"]))
    assert base64.b64decode(request["publicKey"]) != org_key  # 李四's own key approves the use of the org key
    done = await finish(gql, view, org_signing["id"], co_sign(gql, view, [request]))
    assert done["userErrors"] == [] and done["session"]["status"] == "CONFIRMED", done
    res = (await pc.op("ScanSessionByTid", {"tId": s["tId"]}))["platformScanSession"]["result"]
    h = res["holder"]
    assert (h["kind"], h["name"], h["creditCode"]) == ("ENTERPRISE", "北京数信科技有限公司", "91110108MA01ABCD1E")
    assert len(h["unifiedTransactionCode"]) == 32 and len(h["personalTransactionCode"]) == 32
    assert cert_of(res["signingCertificatePem"]).dump() == cert_of(org_signing["pem"]).dump()
    assert sm2.verify(org_key, base64.b64decode(res["challenge"]), base64.b64decode(res["signature"]))

    gql.token = rep
    revoked = (await gql.op("RevokeCertificateGrant", {"grantId": grant["id"]}))["revokeCertificateGrant"]
    assert revoked["userErrors"] == [] and revoked["grant"]["status"] == "REVOKED"
    gql.token = li
    assert (await gql.op("MyCertificates"))["me"]["usableEnterpriseCertificates"] == []
