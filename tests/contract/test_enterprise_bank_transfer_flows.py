"""§5.1.2 bank transfer, §5.1.3 manual review and §8.6 information change, over HTTP with the contract documents
(StartBankTransferVerification, ConfirmBankTransfer, SandboxBankDeposits, RequestEnterpriseChange, PendingReviews,
DecideReview) and the review attachment route."""

from __future__ import annotations

from domain.operators.operator import OperatorRole
from tests.app_fixture import CREDIT_CODE
from tests.contract.test_certificates_flows import verified
from tests.contract.test_enterprise_flows import LI, ZHANG, create
from tests.support.data import image_bytes

PHONE = "13712345678"
ACCOUNT = "6222020200112233445"
BANK = "中国工商银行北京海淀支行"
LETTER = b"%PDF-1.7\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
TEMPLATE = """mutation PrepareLetterTemplate($enterpriseId: ID!) {
  prepareLetterTemplate(input: { enterpriseId: $enterpriseId }) { letter { id documentUrl } userErrors { code } }
}"""


async def operator_token(gql, container, username: str = "reviewer",
                         role: OperatorRole = OperatorRole.REVIEWER) -> str:
    await container.use_cases().create_operator(username, "Operat0rPass", role)
    r = (await gql.op("OperatorLogin", {"username": username, "password": "Operat0rPass"}, token=""))
    return r["operatorLogin"]["session"]["accessToken"]


async def deposit_code(gql, account=ACCOUNT) -> str:
    deposits = (await gql.op("SandboxBankDeposits", {"accountNumber": account}))["sandbox"]["bankDeposits"]
    assert deposits and 1 <= deposits[0]["amountFen"] <= 99
    return deposits[0]["remark"][-6:]


async def start(gql, enterprise_id, account=ACCOUNT):
    return (await gql.op("StartBankTransferVerification", {"enterpriseId": enterprise_id, "accountNumber": account,
                                                            "bankName": BANK}))["startBankTransferVerification"]


async def confirm(gql, transfer_id, code):
    return (await gql.upload("ConfirmBankTransfer", {"transferId": transfer_id, "code": code},
                             {"signedLetter": ("letter.pdf", LETTER, "application/pdf")}))["confirmBankTransfer"]


async def pending(gql, token, kind):
    return (await gql.op("PendingReviews", {"kind": kind}, token=token))["reviews"]["edges"]


async def test_bank_transfer_then_the_operator_certifies(gql, container, client):
    await verified(gql, container, PHONE, "张三", ZHANG)
    e = (await create(gql, rep="李四", number=LI))["enterprise"]
    blank = (await gql.raw(TEMPLATE, {"enterpriseId": e["id"]}))["data"]["prepareLetterTemplate"]
    pdf = await client.get(blank["letter"]["documentUrl"], headers={"Authorization": f"Bearer {gql.token}"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")

    s = await start(gql, e["id"])
    assert s["userErrors"] == [] and s["transfer"]["status"] == "AWAITING_CODE" and s["transfer"]["attemptsLeft"] == 3
    code = await deposit_code(gql)
    wrong = await confirm(gql, s["transfer"]["id"], f"{(int(code) + 1) % 1_000_000:06d}")
    assert wrong["userErrors"][0]["code"] == "BANK_TRANSFER_CODE_INVALID"
    # The refused code answers the transfer as it now stands, not only a message (issue 19).
    assert wrong["transfer"] == {"id": s["transfer"]["id"], "status": "AWAITING_CODE", "attemptsLeft": 2}
    done = await confirm(gql, s["transfer"]["id"], code)
    assert done["userErrors"] == [], done
    assert done["transfer"]["status"] == "CONFIRMED"
    assert (done["enterprise"]["certificationStatus"], done["enterprise"]["certificationMethod"],
            done["enterprise"]["myRole"]) == ("PENDING_REVIEW", "BANK_TRANSFER", "ADMIN")

    op = await operator_token(gql, container)
    (edge,) = await pending(gql, op, "ENTERPRISE_CERTIFICATION")
    review = edge["node"]
    assert review["kind"] == "ENTERPRISE_CERTIFICATION" and CREDIT_CODE in review["subjectSummary"]
    letter = await client.get(f"/files/reviews/{review['id']}/signedLetter", headers={"Authorization": f"Bearer {op}"})
    assert letter.status_code == 200 and letter.content == LETTER
    licence = await client.get(f"/files/reviews/{review['id']}/businessLicence",
                               headers={"Authorization": f"Bearer {op}"})
    assert licence.status_code == 200 and licence.content == image_bytes()
    decided = (await gql.op("DecideReview", {"reviewId": review["id"], "approve": True}, token=op))["decideReview"]
    assert decided["userErrors"] == [] and decided["review"]["status"] == "APPROVED"
    me = (await gql.op("Me"))["me"]["memberships"]
    assert me[0]["enterprise"]["certificationStatus"] == "CERTIFIED"


async def test_an_outsider_cannot_start_or_confirm(gql, container):
    await verified(gql, container, PHONE, "张三", ZHANG)
    e = (await create(gql))["enterprise"]
    s = await start(gql, e["id"])
    owner = gql.token
    await verified(gql, container, "13698765432", "李四", LI)
    assert (await start(gql, e["id"]))["userErrors"][0]["code"] == "NOT_FOUND"
    refused = await confirm(gql, s["transfer"]["id"], "123456")
    assert refused["userErrors"][0]["code"] == "NOT_FOUND" and refused["transfer"] is None  # told nothing of it
    gql.token = owner
    code = await deposit_code(gql)
    assert (await confirm(gql, s["transfer"]["id"], code))["userErrors"] == []


async def test_a_change_of_legal_rep_through_transfer_and_review(gql, container):
    await verified(gql, container, PHONE, "张三", ZHANG)
    e = (await create(gql))["enterprise"]
    s = await start(gql, e["id"])
    await confirm(gql, s["transfer"]["id"], await deposit_code(gql))
    op = await operator_token(gql, container)
    (edge,) = await pending(gql, op, "ENTERPRISE_CERTIFICATION")
    await gql.op("DecideReview", {"reviewId": edge["node"]["id"], "approve": True}, token=op)

    r = (await gql.upload("RequestEnterpriseChange", {"enterpriseId": e["id"], "newLegalRepName": "李四",
                                                      "newLegalRepIdNumber": LI},
                          {"licence": ("licence.png", image_bytes(), "image/png"),
                           "signedLetter": ("letter.pdf", LETTER, "application/pdf")}))["requestEnterpriseChange"]
    assert r["userErrors"] == [] and r["change"]["status"] == "AWAITING_TRANSFER"
    s = await start(gql, e["id"], account="6222020200112233446")
    assert s["userErrors"] == []
    done = await confirm(gql, s["transfer"]["id"], await deposit_code(gql, "6222020200112233446"))
    assert done["userErrors"] == [] and done["enterprise"]["certificationStatus"] == "CERTIFIED"
    (edge,) = await pending(gql, op, "ENTERPRISE_CHANGE")
    assert "张三 → 李四" in edge["node"]["subjectSummary"]
    first = (await gql.op("DecideReview", {"reviewId": edge["node"]["id"], "approve": True}, token=op))
    assert first["decideReview"]["userErrors"] == []
    assert first["decideReview"]["review"]["status"] == "PENDING"  # four eyes: nothing changes on one approval
    again = (await gql.op("DecideReview", {"reviewId": edge["node"]["id"], "approve": True}, token=op))
    assert again["decideReview"]["userErrors"][0]["code"] == "SECOND_APPROVER_REQUIRED"
    supervisor = await operator_token(gql, container, "supervisor", OperatorRole.SUPERVISOR)
    decided = (await gql.op("DecideReview", {"reviewId": edge["node"]["id"], "approve": True}, token=supervisor))
    assert decided["decideReview"]["userErrors"] == [] and decided["decideReview"]["review"]["status"] == "APPROVED"
    me = (await gql.op("Me"))["me"]["memberships"]
    assert me[0]["role"] == "ADMIN"  # was LEGAL_REP: the old legal rep stays, as admin
    members = (await gql.op("EnterpriseMembers", {"enterpriseId": e["id"]}))["node"]
    assert members["legalRepName"] == "李四" and members["certificationStatus"] == "CERTIFIED"


PROGRESS = """query Progress($id: ID!) {
  enterprise(id: $id) {
    certificationStatus rejectionReason
    openBankTransfer { id status attemptsLeft accountNumberMasked }
    openChange { id status }
  }
}"""


async def test_the_admin_resumes_a_transfer_and_reads_why_it_was_rejected(gql, container):
    await verified(gql, container, PHONE, "张三", ZHANG)
    e = (await create(gql))["enterprise"]
    s = await start(gql, e["id"])
    got = (await gql.raw(PROGRESS, {"id": e["id"]}))["data"]["enterprise"]
    assert got["openBankTransfer"] == {"id": s["transfer"]["id"], "status": "AWAITING_CODE", "attemptsLeft": 3,
                                       "accountNumberMasked": "6222***********3445"}
    await confirm(gql, got["openBankTransfer"]["id"], await deposit_code(gql))
    op = await operator_token(gql, container)
    (edge,) = await pending(gql, op, "ENTERPRISE_CERTIFICATION")
    await gql.op("DecideReview", {"reviewId": edge["node"]["id"], "approve": False, "reason": "授权书未盖章"}, token=op)
    got = (await gql.raw(PROGRESS, {"id": e["id"]}))["data"]["enterprise"]
    assert got == {"certificationStatus": "REJECTED", "rejectionReason": "授权书未盖章", "openBankTransfer": None,
                   "openChange": None}
