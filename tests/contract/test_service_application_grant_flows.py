"""§6.3 / §8.5.3 walked from outside, over GraphQL, as the people in it (issue 19, item 1): 李四, a member, applies
for the enterprise plan; 张三, the legal rep, opens the link of the SMS he receives, finds the application with the
ID it carries (node, and the enterprise's pending list), signs the 服务申请授权书; 李四 pays. Then 李四 holds the grant
the application asked for (`me.certificateGrants`: ACTIVE, the platform, the plan's operations, the entitlement's
life), logs in on the platform with the enterprise's certificate, and the platform verifies the signature against the
certificate it received. The grant ends like any grant: revoked by the legal rep, or when 李四 leaves."""

from __future__ import annotations

import asyncio
import base64
import importlib.util
import re
import shutil
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from sqlalchemy import delete, update

from adapters.ca.x509 import public_key_of
from adapters.crypto.sm2 import default_backend
from adapters.persistence import tables_commerce as tc
from adapters.persistence import tables_grants as tg
from tests.contract.test_certificates_flows import sms_code
from tests.contract.test_enterprise_flows import PHONE
from tests.contract.test_grant_flows import grant_scene
from tests.contract.test_scan_flows import cert_of, confirm, create, openssl_verifies, scan
from tests.e2e.test_commerce import pay
from tests.support.platform import PlatformClient, register_platform

sm2 = default_backend()

MY_GRANTS = """query { me { certificateGrants {
  id status operations validUntil activatedAt endReason
  platform { id } enterprise { id } letter { signedDocumentUrl }
} } }"""
APPLICATION = """query($id: ID!) { node(id: $id) { ... on ServiceApplication {
  id status applicantName plan { id name } letter { documentUrl }
} } }"""
PENDING = """query($id: ID!) { node(id: $id) { ... on Enterprise {
  serviceApplications(pendingOnly: true) { id status applicantName }
} } }"""


@pytest.fixture
async def platform(container):
    return await register_platform(container)


@pytest.fixture
def pc(client, platform):
    return PlatformClient(client, platform)


async def _data(gql, query: str, variables: dict | None = None) -> dict:
    body = await gql.raw(query, variables)
    assert not body.get("errors"), body
    return body["data"]


async def _link_in_sms(gql, container, phone: str) -> str:
    await container.dispatcher().dispatch_due()
    texts = [m["text"] for m in (await gql.op("SandboxSmsOutbox", {"phone": phone}))["sandbox"]["smsMessages"]]
    found = [u for t in texts if "服务申请授权书" in t for u in re.findall(r"https?://\S+", t)]
    assert found, texts
    return found[0]


async def _applied_approved_paid(gql, container, clock, w) -> tuple[str, dict]:
    """李四 applies, 张三 finds the application from his SMS link and signs, 李四 pays. Returns the application ID
    and the order."""
    gql.token = w.li
    applied = (await gql.op("ApplyForEnterpriseService", {"enterpriseId": w.enterprise_id,
                                                          "planId": w.plan}))["applyForEnterpriseService"]
    assert applied["userErrors"] == [], applied
    application_id = applied["application"]["id"]
    assert (await _data(gql, MY_GRANTS))["me"]["certificateGrants"] == []

    gql.token = w.rep
    link = await _link_in_sms(gql, container, PHONE)
    assert link == applied["application"]["approvalUrl"] == applied["application"]["approvalQrContent"]
    # The texted link opens the landing page, which hands the same ID over to the app (adapters/http/landing.py).
    assert urlparse(link).path == "/l/service-application"
    page = await gql.http.get(link)
    assert page.status_code == 200 and f"shuxinqian://service-application?id={application_id}" in page.text
    [carried] = parse_qs(urlparse(link).query)["id"]
    assert carried == application_id  # the ID the API takes, not a raw one
    opened = (await _data(gql, APPLICATION, {"id": carried}))["node"]
    assert (opened["status"], opened["applicantName"], opened["plan"]["id"]) == ("PENDING_APPROVAL", "李四", w.plan)
    pending = (await _data(gql, PENDING, {"id": w.enterprise_id}))["node"]["serviceApplications"]
    assert [p["id"] for p in pending] == [carried]
    paged = (await _data(gql, """query($id: ID!) { node(id: $id) { ... on Enterprise {
      serviceApplicationsConnection(pendingOnly: true, first: 1) { totalCount edges { node { id } }
                                                                    pageInfo { hasNextPage } } } } }""",
                         {"id": w.enterprise_id}))["node"]["serviceApplicationsConnection"]
    assert (paged["totalCount"], [e["node"]["id"] for e in paged["edges"]], paged["pageInfo"]["hasNextPage"]) == (
        1, [carried], False)
    clock.advance(seconds=61)
    appearances = (await gql.op("MySignatureAppearances"))["me"]["signatureAppearances"]
    appearance = next(a["id"] for a in appearances if a["kind"] == "NAME_SIGNATURE")
    approved = (await gql.op("ApproveServiceApplication", {
        "applicationId": carried, "appearanceId": appearance,
        "smsCode": await sms_code(gql, PHONE, "SIGN")}))["approveServiceApplication"]
    assert approved["userErrors"] == [] and approved["application"]["status"] == "APPROVED", approved

    gql.token = w.li
    placed = (await gql.op("PlaceOrder", {"planIds": [w.plan], "serviceApplicationId": application_id}))
    placed = placed["placeOrder"]
    assert placed["userErrors"] == [], placed
    await pay(gql, container, placed["order"]["id"])
    return application_id, placed["order"]


async def _login_as_the_enterprise(gql, pc, platform, org_signing, tmp_path) -> dict:
    """李四 scans a LOGIN QR code, picks the enterprise's certificate, his phone co-signs: the platform's result."""
    s = await create(pc, operation="LOGIN")
    seen = await scan(gql, s["qrContent"])
    assert seen["userErrors"] == [], seen
    offered = [u["certificate"]["id"] for u in seen["session"]["usableCertificates"] if u["holderKind"] == "ENTERPRISE"]
    assert offered == [org_signing["id"]], seen
    done = await confirm(gql, seen["session"], org_signing["id"])
    assert done["userErrors"] == [] and done["session"]["status"] == "CONFIRMED", done
    res = (await pc.op("ScanSessionByTid", {"tId": s["tId"]}))["platformScanSession"]["result"]
    # The platform's check: the signature over the challenge verifies against the certificate it received, which is
    # the enterprise's, and the challenge is bound to this session and platform.
    challenge, signature = base64.b64decode(res["challenge"]), base64.b64decode(res["signature"])
    cert = cert_of(res["signingCertificatePem"])
    assert cert.dump() == cert_of(org_signing["pem"]).dump()
    assert sm2.verify(public_key_of(cert), challenge, signature)
    assert s["tId"].encode() in challenge and platform.code.encode() in challenge
    if shutil.which("openssl"):
        assert await asyncio.to_thread(openssl_verifies, tmp_path, res["signingCertificatePem"], challenge,
                                       signature)
    return res


async def test_the_member_holds_the_applied_grant_logs_in_as_the_enterprise_and_the_grant_is_revoked(
        gql, container, pc, platform, clock, tmp_path):
    w = await grant_scene(gql, container, platform, operations=("LOGIN", "SIGN"))
    application_id, order = await _applied_approved_paid(gql, container, clock, w)

    gql.token = w.li
    services = (await gql.op("MyServices"))["me"]["serviceApplications"]
    assert [(a["id"], a["status"]) for a in services] == [(application_id, "PURCHASED")]
    [grant] = (await _data(gql, MY_GRANTS))["me"]["certificateGrants"]
    a_year = date.fromisoformat(grant["validUntil"]) - date.today()
    assert (grant["status"], grant["operations"], grant["platform"]["id"], grant["enterprise"]["id"]) == (
        "ACTIVE", ["LOGIN", "SIGN"], w.platform_id, w.enterprise_id)
    assert timedelta(days=364) <= a_year <= timedelta(days=367) and grant["activatedAt"]
    assert grant["letter"]["signedDocumentUrl"]  # the 服务申请授权书 the legal rep signed
    usable = (await gql.op("MyCertificates"))["me"]["usableEnterpriseCertificates"]
    assert [(u["certificate"]["id"], u["enterprise"]["name"]) for u in usable] == [
        (w.org_signing["id"], "北京数信科技有限公司")]

    res = await _login_as_the_enterprise(gql, pc, platform, w.org_signing, tmp_path)
    h = res["holder"]
    assert (h["kind"], h["name"], h["creditCode"]) == ("ENTERPRISE", "北京数信科技有限公司", "91110108MA01ABCD1E")

    # The legal rep sees it among the enterprise's grants and revokes it like any other.
    gql.token = w.rep
    listed = "query($id: ID!) { node(id: $id) { ... on Enterprise { certificateGrants { id status } } } }"
    assert (await _data(gql, listed, {"id": w.enterprise_id}))["node"]["certificateGrants"] == [
        {"id": grant["id"], "status": "ACTIVE"}]
    paged = "query($id: ID!) { node(id: $id) { ... on Enterprise { certificateGrantsConnection(first: 5) { " \
            "totalCount edges { node { id } } } } } }"
    as_connection = (await _data(gql, paged, {"id": w.enterprise_id}))["node"]["certificateGrantsConnection"]
    assert (as_connection["totalCount"], [e["node"]["id"] for e in as_connection["edges"]]) == (1, [grant["id"]])
    gql.token = w.li
    mine = (await _data(gql, "{ me { certificateGrantsConnection(first: 5) { totalCount edges { node { id } } } } }"
                        ))["me"]["certificateGrantsConnection"]
    assert (mine["totalCount"], [e["node"]["id"] for e in mine["edges"]]) == (1, [grant["id"]])
    gql.token = w.rep
    revoked = (await gql.op("RevokeCertificateGrant", {"grantId": grant["id"]}))["revokeCertificateGrant"]
    assert revoked["userErrors"] == [] and revoked["grant"]["status"] == "REVOKED"
    gql.token = w.li
    assert (await gql.op("MyCertificates"))["me"]["usableEnterpriseCertificates"] == []
    s = await create(pc, operation="LOGIN")
    seen = await scan(gql, s["qrContent"])
    offered = [u for u in (seen["session"] or {}).get("usableCertificates", []) if u["holderKind"] == "ENTERPRISE"]
    assert offered == []


async def test_the_applied_grant_ends_when_the_member_leaves(gql, container, pc, platform, clock):
    w = await grant_scene(gql, container, platform)
    await _applied_approved_paid(gql, container, clock, w)
    gql.token = w.rep
    removed = (await gql.op("RemoveMember", {"memberId": w.members["李四"]}))["removeMember"]
    assert removed["userErrors"] == [], removed
    gql.token = w.li
    [grant] = (await _data(gql, MY_GRANTS))["me"]["certificateGrants"]
    assert (grant["status"], grant["endReason"], grant["operations"]) == ("ENDED", "MEMBER_REMOVED", ["LOGIN", "SIGN"])
    assert (await gql.op("MyCertificates"))["me"]["usableEnterpriseCertificates"] == []


def _migration_0014():
    path = Path(__file__).resolve().parents[2] / "migrations" / "versions" / (
        "0014_grants_for_purchased_service_applications.py")
    spec = importlib.util.spec_from_file_location("migration_0014", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


async def test_migration_0014_gives_the_grant_to_members_who_paid_before_the_fix(gql, container, pc, platform,
                                                                                 clock, tmp_path):
    """Applications paid before this fix are PURCHASED without a grant: the revision makes the grant the fulfilment
    now makes, once, and the member then logs in as the enterprise."""
    w = await grant_scene(gql, container, platform)
    application_id, _order = await _applied_approved_paid(gql, container, clock, w)
    gql.token = w.li
    [made_at_payment] = (await _data(gql, MY_GRANTS))["me"]["certificateGrants"]
    async with container.engine().begin() as conn:  # the state a payment left before the fix
        await conn.execute(delete(tg.certificate_grants))
    assert (await _data(gql, MY_GRANTS))["me"]["certificateGrants"] == []

    backfill = _migration_0014().backfill_application_grants
    revoked = tc.entitlements.c.revoked_at
    async with container.engine().begin() as conn:  # a revoked entitlement grants nothing
        await conn.execute(update(tc.entitlements).values(revoked_at=clock.now()))
        assert await conn.run_sync(backfill) == 0
        await conn.execute(update(tc.entitlements).where(revoked.is_not(None)).values(revoked_at=None))
    async with container.engine().begin() as conn:
        assert await conn.run_sync(backfill) == 1
    async with container.engine().begin() as conn:
        assert await conn.run_sync(backfill) == 0  # once
    [grant] = (await _data(gql, MY_GRANTS))["me"]["certificateGrants"]
    same = ("status", "operations", "validUntil", "platform", "enterprise")
    assert {k: grant[k] for k in same} == {k: made_at_payment[k] for k in same}
    assert grant["letter"]["signedDocumentUrl"]
    await _login_as_the_enterprise(gql, pc, platform, w.org_signing, tmp_path)
