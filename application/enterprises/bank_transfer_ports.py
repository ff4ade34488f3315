"""Ports of the bank-transfer and information-change paths (§5.1.2, §5.1.3, §8.6): their repositories and the
corporate micro-deposit service."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol
from uuid import UUID

from domain.enterprises.bank_transfer import BankTransfer, FailureReason
from domain.enterprises.change import EnterpriseChange


class BankTransferRepository(Protocol):
    def add(self, transfer: BankTransfer) -> None: ...
    async def get(self, transfer_id: UUID) -> BankTransfer | None: ...
    async def open_for(self, enterprise_id: UUID) -> list[BankTransfer]:
        """The enterprise's transfers still AWAITING_CODE, oldest first."""
        ...
    async def for_enterprise(self, enterprise_id: UUID) -> list[BankTransfer]:
        """Every transfer of the enterprise, oldest first (the review desk shows the confirmed account)."""
        ...


class EnterpriseChangeRepository(Protocol):
    def add(self, change: EnterpriseChange) -> None: ...
    async def get(self, change_id: UUID) -> EnterpriseChange | None: ...
    async def open_for(self, enterprise_id: UUID) -> EnterpriseChange | None: ...


@dataclass(frozen=True)
class DepositOrder:
    """One micro-deposit: `amount_fen` to the account, the remark carrying the code the enterprise types back."""

    reference: str  # ours, unique: the bank's idempotency key and how we ask about the deposit later
    account_number: str
    bank_name: str
    account_name: str  # the enterprise's registered name: the bank refuses an account held by anyone else
    amount_fen: int
    remark: str


class DepositState(StrEnum):
    PENDING = "PENDING"  # accepted, not settled yet
    SENT = "SENT"  # credited to the account
    FAILED = "FAILED"


@dataclass(frozen=True)
class DepositStatus:
    state: DepositState
    reason: FailureReason | None = None


class DepositRefused(Exception):
    """The bank refused the order at once (the account is unknown, or not held in that name)."""

    def __init__(self, reason: FailureReason) -> None:
        super().__init__(reason.value)
        self.reason = reason


class BankTransferVerifier(Protocol):
    """The corporate micro-deposit service (对公打款). Banks settle asynchronously: `send` only places the order
    (raising DepositRefused when the bank can tell at once, application.ports.ExternalServiceUnavailable when it
    cannot be reached); `status` tells later whether the deposit went out or failed."""

    async def send(self, order: DepositOrder) -> None: ...
    async def status(self, reference: str) -> DepositStatus: ...
