"""The sandbox bank for corporate micro-deposits (§5.1.2). It keeps what it "credited" in its own table, so tests
and the dev console read a deposit's remark (the code) as the enterprise would read its bank statement.

Deterministic outcomes by the account number's last digit, like the other sandbox vendors' triggers:
  …0  the bank's service is unavailable (the order is not placed; the user may retry);
  …4  refused at once: no such account at that bank;
  …7  accepted, then failed on settlement: the account is not held in the enterprise's name (asynchronous);
  any other digit: credited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker

from adapters.persistence import tables_enterprise_transfers as t
from application.enterprises.bank_transfer_ports import (
    DepositOrder,
    DepositRefused,
    DepositState,
    DepositStatus,
)
from application.ports import Clock, ExternalServiceUnavailable
from domain.enterprises.bank_transfer import FailureReason

UNAVAILABLE, NOT_FOUND, NAME_MISMATCH = "0", "4", "7"


@dataclass(frozen=True)
class SandboxCredit:
    amount_fen: int
    remark: str
    sent_at: datetime


class SandboxBankTransferVerifier:
    def __init__(self, session_factory: async_sessionmaker, clock: Clock) -> None:
        self._sf, self._clock = session_factory, clock

    async def send(self, order: DepositOrder) -> None:
        last = order.account_number[-1:]
        if last == UNAVAILABLE:
            raise ExternalServiceUnavailable("sandbox bank: service unavailable")
        if last == NOT_FOUND:
            raise DepositRefused(FailureReason.ACCOUNT_NOT_FOUND)
        failed = last == NAME_MISMATCH
        async with self._sf() as s, s.begin():
            await s.execute(t.sandbox_bank_deposits.insert().values(
                reference=order.reference, account_number=order.account_number, bank_name=order.bank_name,
                account_name=order.account_name, amount_fen=order.amount_fen, remark=order.remark,
                state=DepositState.FAILED.value if failed else DepositState.SENT.value,
                failure_reason=FailureReason.NAME_MISMATCH.value if failed else None, sent_at=self._clock.now()))

    async def status(self, reference: str) -> DepositStatus:
        c = t.sandbox_bank_deposits.c
        async with self._sf() as s:
            row = (await s.execute(select(c.state, c.failure_reason).where(c.reference == reference))).first()
        if row is None:
            return DepositStatus(DepositState.PENDING)
        return DepositStatus(DepositState(row.state), FailureReason(row.failure_reason) if row.failure_reason else None)

    async def deposits(self, account_number: str, last: int = 20) -> list[SandboxCredit]:
        """What was credited to the account, newest first (failed deposits never reach a statement)."""
        c = t.sandbox_bank_deposits.c
        q = (select(c.amount_fen, c.remark, c.sent_at)
             .where(c.account_number == account_number, c.state == DepositState.SENT.value)
             .order_by(c.sent_at.desc()).limit(last))
        async with self._sf() as s:
            rows = (await s.execute(q)).all()
        return [SandboxCredit(r.amount_fen, r.remark, r.sent_at) for r in rows]
