"""What the sandbox lets a developer or a test do in the outside world's place (absent in production)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import UUID


@dataclass(frozen=True)
class SandboxSms:
    phone: str
    purpose: str | None
    code: str | None
    text: str
    sent_at: datetime


@dataclass(frozen=True)
class SandboxDeposit:
    amount_fen: int
    remark: str
    sent_at: datetime


class SandboxConsole(Protocol):
    async def sms_messages(self, phone: str, last: int) -> list[SandboxSms]: ...
    async def finish_face_verification(self, token: str, passed: bool) -> bool: ...
    def set_identity_answer(self, id_number: str, answer: str) -> None: ...
    def set_enterprise_answer(self, credit_code: str, answer: str) -> None: ...
    async def complete_payment(self, payment_id: UUID) -> bool: ...
    async def bank_deposits(self, account_number: str) -> list[SandboxDeposit]: ...
