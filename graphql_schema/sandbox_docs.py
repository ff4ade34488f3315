"""Descriptions of the sandbox fields (only in sandbox mode; see graphql_schema/common/docs.py)."""

from __future__ import annotations

DOCS: dict[str, str] = {
    "Query.sandbox": "Sandbox mode only: look into the simulated vendors (SMS, bank). Absent in production.",
    "Mutation.sandbox": "Sandbox mode only: play the outside world (face check, ID registry, payer). Absent in "
                        "production.",
    "SandboxQuery": "What the simulated vendors delivered.",
    "SandboxQuery.smsMessages(phone)": "The phone number.",
    "SandboxQuery.smsMessages(last)": "How many (default 5, at most 50).",
    "SandboxQuery.bankDeposits(accountNumber)": "The corporate account number given to "
                                                "`startBankTransferVerification`.",
    "SandboxSmsMessage": "An SMS the sandbox gateway delivered.",
    "SandboxSmsMessage.phone": "The recipient.",
    "SandboxSmsMessage.purpose": "The `SmsPurpose` of a verification code; null for other messages (links, "
                                 "notices).",
    "SandboxSmsMessage.code": "The verification code it carries; null for other messages.",
    "SandboxSmsMessage.text": "The full text as sent.",
    "SandboxSmsMessage.sentAt": "When it was sent.",
    "SandboxBankDeposit": "A micro-deposit the sandbox bank credited.",
    "SandboxBankDeposit.amountFen": "Amount in fen (分).",
    "SandboxBankDeposit.sentAt": "When it was credited.",
    "SandboxMutation": "Acts of the outside world, simulated.",
    "SandboxMutation.finishFaceVerification(token)": "The face check's token (`FaceVerificationTicket.token`).",
    "SandboxMutation.finishFaceVerification(pass)": "True: the person passes; false: the check fails.",
    "SandboxMutation.setEnterpriseRegistryAnswer(creditCode)": "The credit code of the enterprise whose four-element "
                                                               "check (四要素核验) should answer.",
    "SandboxMutation.setEnterpriseRegistryAnswer(answer)": "MATCH, MISMATCH (opens only MANUAL_REVIEW, §5.1.3) or "
                                                           "UNAVAILABLE (anything else: false, nothing changes).",
    "SandboxMutation.setIdentityRegistryAnswer(idNumber)": "The ID number the answer is for.",
    "SandboxMutation.setIdentityRegistryAnswer(answer)": "MATCH, MISMATCH or UNAVAILABLE (anything else: false, "
                                                         "nothing set).",
    "SandboxMutation.completePayment(paymentId)": "A `Payment.id` from `payOrder`.",
}
