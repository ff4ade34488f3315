"""GraphQLDriver's acts of §5.1.2 (对公打款认证), §5.1.3 (人工审核) and §8.6 (企业信息变更), with the contract
documents where one exists: a mixin of GraphQLDriver, which provides `_app`, `_mutate`, `_op`, `_query`, `_upload`
and `_local_id`."""

from __future__ import annotations

from typing import Any

from features.driver import Refused
from features.driver_bank_transfer import EnterpriseDetail, TransferInfo

# Operations no contract document has.
PREPARE_LETTER_TEMPLATE = """mutation DriverPrepareLetterTemplate($enterpriseId: ID!) {
  prepareLetterTemplate(input: { enterpriseId: $enterpriseId }) {
    letter { id documentUrl }
    userErrors { code field message }
  }
}"""
ENTERPRISE_DETAIL = """query DriverEnterpriseDetail($id: ID!) {
  enterprise(id: $id) { name legalRepName certificationStatus certificationMethod }
}"""
# The sandbox bank's triggers (adapters/sandbox/bank_transfers.py): the account number's last digit.
NOT_FOUND_DIGIT = "4"


class EnterpriseTransferGraphQLDriver:
    def bank_refuses_account(self, account_number: str) -> None:
        assert account_number.endswith(NOT_FOUND_DIGIT), "the sandbox bank refuses accounts ending in 4"

    async def letter_template(self, session, enterprise_id: Any) -> bytes:
        r = (await self._query(PREPARE_LETTER_TEMPLATE, {"enterpriseId": enterprise_id}, session))["prepareLetterTemplate"]
        if r["userErrors"]:
            e = r["userErrors"][0]
            raise Refused(e["code"], e["message"], e["field"])
        # Served by the letters route, to the enterprise's members only.
        url = r["letter"]["documentUrl"]
        resp = await self._http.get(url, headers={"Authorization": f"Bearer {session.access_token}"})
        assert resp.status_code == 200, resp.text
        return resp.content

    async def start_bank_transfer(self, session, enterprise_id: Any, account_number: str,
                                  bank_name: str) -> TransferInfo:
        r = await self._mutate("StartBankTransferVerification", "startBankTransferVerification", {
            "enterpriseId": enterprise_id, "accountNumber": account_number, "bankName": bank_name}, session)
        t = r["transfer"]
        return TransferInfo(t["id"], t["status"], t["attemptsLeft"])

    async def deposit_code(self, account_number: str) -> str:
        deposits = (await self._op("SandboxBankDeposits", {"accountNumber": account_number}))["sandbox"]["bankDeposits"]
        return deposits[0]["remark"][-6:]

    async def confirm_bank_transfer(self, session, transfer_id: Any, code: str, letter: bytes) -> TransferInfo:
        r = await self._upload("ConfirmBankTransfer", "confirmBankTransfer", {"transferId": transfer_id, "code": code},
                               {"signedLetter": letter}, session)
        t = r["transfer"]
        return TransferInfo(t["id"], t["status"], t["attemptsLeft"])

    async def pending_review_summaries(self, session, kind: str) -> list[tuple[Any, str]]:
        found, after = [], None
        while True:
            page = (await self._op("PendingReviews", {"kind": kind, "first": 100, "after": after}, session))["reviews"]
            found += [(self._local_id(e["node"]["id"], "Review"), e["node"]["subjectSummary"]) for e in page["edges"]]
            if not page["pageInfo"]["hasNextPage"]:
                return found
            after = page["pageInfo"]["endCursor"]

    async def enterprise_detail(self, session, enterprise_id: Any) -> EnterpriseDetail | None:
        e = (await self._query(ENTERPRISE_DETAIL, {"id": enterprise_id}, session))["enterprise"]
        if e is None:
            return None
        return EnterpriseDetail(e["name"], e["legalRepName"], e["certificationStatus"], e["certificationMethod"])

    async def request_enterprise_change(self, session, enterprise_id: Any, new_name: str | None,
                                        new_legal_rep_name: str | None, new_legal_rep_id_number: str | None,
                                        licence: bytes, letter: bytes) -> str:
        r = await self._upload("RequestEnterpriseChange", "requestEnterpriseChange", {
            "enterpriseId": enterprise_id, "newName": new_name, "newLegalRepName": new_legal_rep_name,
            "newLegalRepIdNumber": new_legal_rep_id_number}, {"licence": licence, "signedLetter": letter}, session)
        return r["change"]["status"]
