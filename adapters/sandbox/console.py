"""The sandbox console: the SandboxConsole port over the sandbox adapters."""

from __future__ import annotations

import asyncio
from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import async_sessionmaker

from adapters.persistence import tables as t
from adapters.sandbox.bank_transfers import SandboxBankTransferVerifier
from adapters.sandbox.enterprises import SandboxEnterpriseVerifier
from adapters.sandbox.face import SandboxFaceVerifier, UnknownFaceSession
from adapters.sandbox.identity import SandboxIdentityVerifier
from adapters.sandbox.payments import SandboxPaymentGateway
from adapters.sandbox.sms import SandboxSmsGateway
from application.accounts.sms_codes import SMS_TOPIC
from application.outbox import OutboxDispatcher
from application.sandbox import SandboxDeposit, SandboxSms


class SandboxConsoleAdapter:
    def __init__(self, sms: SandboxSmsGateway, faces: SandboxFaceVerifier, identities: SandboxIdentityVerifier,
                 dispatcher: OutboxDispatcher, session_factory: async_sessionmaker,
                 payments: SandboxPaymentGateway | None = None, *,
                 bank: SandboxBankTransferVerifier | None = None,
                 enterprises: SandboxEnterpriseVerifier | None = None) -> None:
        self._sms, self._faces, self._identities, self._dispatcher = sms, faces, identities, dispatcher
        self._sf = session_factory
        self._payments = payments
        self._bank = bank
        self._enterprises = enterprises

    async def bank_deposits(self, account_number: str) -> list[SandboxDeposit]:
        """What the sandbox bank credited to a corporate account, newest first (§5.1.2)."""
        if self._bank is None:
            return []
        return [SandboxDeposit(d.amount_fen, d.remark, d.sent_at) for d in await self._bank.deposits(account_number)]

    async def complete_payment(self, payment_id: UUID) -> bool:
        """The payer confirms in the sandbox wallet; the signed notification follows asynchronously."""
        return self._payments is not None and await self._payments.complete(payment_id)

    async def sms_messages(self, phone: str, last: int) -> list[SandboxSms]:
        # Let the carrier catch up first, so a read right after a request sees its message: deliver what is
        # due, and give a delivery the server's own worker has in hand a moment to land.
        # SMS only: a platform's callback receiver that hangs must not hold up the sandbox's phone.
        await self._dispatcher.dispatch_due(topics=(SMS_TOPIC,))
        for _ in range(40):
            if not await self._sms_in_flight():
                break
            await asyncio.sleep(0.05)
        return [SandboxSms(m.phone, m.purpose, m.code, m.text, m.sent_at) for m in await self._sms.messages(phone, last)]

    async def _sms_in_flight(self) -> bool:
        c = t.outbox_messages.c
        async with self._sf() as s:
            q = (select(func.count()).select_from(t.outbox_messages)
                 .where(c.topic == SMS_TOPIC, c.delivered_at.is_(None), c.attempts == 0, c.next_attempt_at.is_not(None)))
            return bool((await s.execute(q)).scalar_one())

    async def finish_face_verification(self, token: str, passed: bool) -> bool:
        try:
            await self._faces.finish(token, passed)
        except UnknownFaceSession:
            return False
        return True

    def set_identity_answer(self, id_number: str, answer: str) -> None:
        self._identities.answer(id_number, answer)

    def set_enterprise_answer(self, credit_code: str, answer: str) -> None:
        """The market-regulation registry's verdict for one company's four-element check (§5; a MISMATCH opens
        only the §5.1.3 manual review)."""
        if self._enterprises is not None:
            self._enterprises.answer(credit_code, answer)
