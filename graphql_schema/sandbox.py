"""`sandbox` fields: present only while the server runs its sandbox adapters (api/README.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from domain.canonical import identifier
from graphql_schema.common.context import Info
from graphql_schema.common.node import from_global_id


@strawberry.type
class SandboxSmsMessage:
    phone: str
    purpose: str | None
    code: str | None
    text: str
    sent_at: datetime


def _console(info: Info):
    if info.context.sandbox is None:  # pragma: no cover - the field does not exist outside the sandbox
        raise RuntimeError("sandbox is off")
    return info.context.sandbox


@strawberry.type
class SandboxQuery:
    @strawberry.field(description="What the sandbox SMS gateway delivered to a phone, newest first.")
    async def sms_messages(self, info: Info, phone: str, last: int = 5) -> list[SandboxSmsMessage]:
        msgs = await _console(info).sms_messages(identifier(phone, drop=" -")[:20], max(1, min(last, 50)))
        return [SandboxSmsMessage(phone=m.phone, purpose=m.purpose, code=m.code, text=m.text, sent_at=m.sent_at)
                for m in msgs]

    @strawberry.field(description="What the sandbox bank credited to a corporate account (§5.1.2), newest first: "
                                  "read the code from the remark.")
    async def bank_deposits(self, info: Info, account_number: str) -> list[SandboxBankDeposit]:
        found = await _console(info).bank_deposits(identifier(account_number, drop=" -")[:32])
        return [SandboxBankDeposit(amount_fen=d.amount_fen, remark=d.remark, sent_at=d.sent_at) for d in found]


@strawberry.type
class SandboxBankDeposit:
    amount_fen: int
    remark: str = strawberry.field(description="The bank statement's remark: it carries the verification code.")
    sent_at: datetime


@strawberry.type
class SandboxMutation:
    @strawberry.field(description="Play the person in front of the camera: pass or fail the liveness check.")
    async def finish_face_verification(self, info: Info, token: str,
                                       pass_: Annotated[bool, strawberry.argument(name="pass")]) -> bool:
        return await _console(info).finish_face_verification(token[:128], pass_)

    @strawberry.field(description="Make the sandbox ID registry answer MATCH, MISMATCH or UNAVAILABLE for a number.")
    def set_identity_registry_answer(self, info: Info, id_number: str, answer: str) -> bool:
        if answer not in ("MATCH", "MISMATCH", "UNAVAILABLE"):
            return False
        _console(info).set_identity_answer(id_number[:32], answer)
        return True

    @strawberry.field(description="Make the sandbox enterprise registry answer MATCH, MISMATCH or UNAVAILABLE to the "
                                  "four-element check of a credit code (§5): a company created after MISMATCH may "
                                  "only take the manual review of §5.1.3. False for another answer.")
    def set_enterprise_registry_answer(self, info: Info, credit_code: str, answer: str) -> bool:
        if answer not in ("MATCH", "MISMATCH", "UNAVAILABLE"):
            return False
        _console(info).set_enterprise_answer(credit_code.strip()[:32], answer)
        return True

    @strawberry.field(description="Play the payer: confirm a payment in the sandbox wallet. The gateway then sends "
                                  "its signed notification to the server. False for an unknown payment or one that "
                                  "failed (支付失败 on the cashier page).")
    async def complete_payment(self, info: Info, payment_id: strawberry.ID) -> bool:
        ref = from_global_id(payment_id, "Payment")
        return ref is not None and await _console(info).complete_payment(ref[1])


@strawberry.type
class SandboxRootQuery:
    @strawberry.field
    def sandbox(self) -> SandboxQuery:
        return SandboxQuery()


@strawberry.type
class SandboxRootMutation:
    @strawberry.field
    def sandbox(self) -> SandboxMutation:
        return SandboxMutation()
