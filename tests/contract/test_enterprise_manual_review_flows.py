"""§5.1.3 企业认证（人工审核）walked from outside: the sandbox registry is told to fail the four-element check over
GraphQL (SandboxSetEnterpriseRegistryAnswer), then the admin uploads the letter through the corporate transfer and an
operator decides, each as the person in the manual does it (contract documents only, no container hooks but the
operator's account, which `sxq operator create` makes)."""

from __future__ import annotations

from tests.app_fixture import CREDIT_CODE, CREDIT_CODE_2
from tests.contract.test_certificates_flows import verified
from tests.contract.test_enterprise_bank_transfer_flows import (
    TEMPLATE,
    confirm,
    deposit_code,
    operator_token,
    pending,
    start,
)
from tests.contract.test_enterprise_flows import LI, ZHANG, create

PHONE = "13712345678"


async def registry_answers(gql, code: str, answer: str) -> bool:
    return (await gql.op("SandboxSetEnterpriseRegistryAnswer", {"creditCode": code, "answer": answer})
            )["sandbox"]["setEnterpriseRegistryAnswer"]


async def progress(gql, enterprise_id: str) -> dict:
    return (await gql.op("EnterpriseCertificationProgress", {"id": enterprise_id}))["enterprise"]


async def latest_sms(gql, phone=PHONE) -> str:
    return (await gql.op("SandboxSmsOutbox", {"phone": phone}))["sandbox"]["smsMessages"][0]["text"]


async def test_a_failed_four_element_check_goes_to_manual_review_and_an_operator_decides(gql, container, client):
    await verified(gql, container, PHONE, "张三", ZHANG)
    assert await registry_answers(gql, CREDIT_CODE, "MISMATCH") is True

    # 1) fill in everything, 【下一步】: the automatic check fails and only 【人工审核】 is offered.
    r = await create(gql, rep="李四", number=LI)
    assert r["userErrors"] == [] and r["fourElementCheckPassed"] is False
    assert r["availableMethods"] == ["MANUAL_REVIEW"]
    e = r["enterprise"]
    assert (e["certificationStatus"], e["myRole"]) == ("AWAITING_AUTHORIZATION", "ADMIN")
    # The legal-rep paths are closed to it.
    invite = (await gql.op("InviteLegalRepAuthorization", {"enterpriseId": e["id"], "legalRepPhone": "13698765432"}))
    assert [x["code"] for x in invite["inviteLegalRepAuthorization"]["userErrors"]] == [
        "CERTIFICATION_METHOD_UNAVAILABLE"]

    # 2) 【人工审核】: the blank letter to print, sign and stamp.
    blank = (await gql.raw(TEMPLATE, {"enterpriseId": e["id"]}))["data"]["prepareLetterTemplate"]
    assert blank["userErrors"] == []
    pdf = await client.get(blank["letter"]["documentUrl"], headers={"Authorization": f"Bearer {gql.token}"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")

    # 3) 【下一步】 into the corporate transfer; the uploaded letter goes before an operator.
    s = await start(gql, e["id"])
    assert s["userErrors"] == [] and s["transfer"]["status"] == "AWAITING_CODE"
    got = await progress(gql, e["id"])
    assert (got["certificationStatus"], got["certificationMethod"]) == ("AWAITING_TRANSFER", "MANUAL_REVIEW")
    done = await confirm(gql, s["transfer"]["id"], await deposit_code(gql))
    assert done["userErrors"] == [] and done["enterprise"]["certificationStatus"] == "PENDING_REVIEW"
    assert done["enterprise"]["certificationMethod"] == "MANUAL_REVIEW"

    # The operator rejects the first letter: the admin reads why and starts again.
    op = await operator_token(gql, container)
    (edge,) = await pending(gql, op, "ENTERPRISE_CERTIFICATION")
    assert "人工审核" in edge["node"]["subjectSummary"] and CREDIT_CODE in edge["node"]["subjectSummary"]
    rejected = (await gql.op("DecideReview", {"reviewId": edge["node"]["id"], "approve": False,
                                              "reason": "授权书未加盖企业公章"}, token=op))["decideReview"]
    assert rejected["userErrors"] == [] and rejected["review"]["status"] == "REJECTED"
    got = await progress(gql, e["id"])
    assert (got["certificationStatus"], got["rejectionReason"], got["openBankTransfer"]) == (
        "REJECTED", "授权书未加盖企业公章", None)
    assert "授权书未加盖企业公章" in await latest_sms(gql)

    again = await start(gql, e["id"], account="6222020200112233446")
    assert again["userErrors"] == []
    done = await confirm(gql, again["transfer"]["id"], await deposit_code(gql, "6222020200112233446"))
    assert done["enterprise"]["certificationStatus"] == "PENDING_REVIEW"
    (edge,) = await pending(gql, op, "ENTERPRISE_CERTIFICATION")
    approved = (await gql.op("DecideReview", {"reviewId": edge["node"]["id"], "approve": True}, token=op))
    assert approved["decideReview"]["userErrors"] == []
    got = await progress(gql, e["id"])
    assert (got["certificationStatus"], got["certificationMethod"], got["myRole"]) == (
        "CERTIFIED", "MANUAL_REVIEW", "ADMIN")
    assert "审核通过" in await latest_sms(gql)
    assert await pending(gql, op, "ENTERPRISE_CERTIFICATION") == []


async def test_the_sandbox_registry_answers_as_told_and_only_in_the_three_words(gql, container):
    await verified(gql, container, PHONE, "张三", ZHANG)
    assert await registry_answers(gql, CREDIT_CODE_2, "MAYBE") is False
    assert (await create(gql, code=CREDIT_CODE_2))["fourElementCheckPassed"] is True  # nothing was forced

    assert await registry_answers(gql, CREDIT_CODE, "UNAVAILABLE") is True
    down = await create(gql)
    assert [x["code"] for x in down["userErrors"]] == ["SERVICE_UNAVAILABLE"] and down["enterprise"] is None
    assert await registry_answers(gql, CREDIT_CODE, "MISMATCH") is True
    assert (await create(gql))["availableMethods"] == ["MANUAL_REVIEW"]
    assert await registry_answers(gql, CREDIT_CODE, "MATCH") is True
    assert (await create(gql))["availableMethods"] == ["LEGAL_REP_AUTHORIZATION", "BANK_TRANSFER"]
