"""The corporate bank transfer (对公打款, §5.1.2; also the last step of §5.1.3 and §8.6).

The bank sends a small random amount to the enterprise's corporate account, with a remark carrying a code; the
enterprise proves it controls the account by typing the code back. One transfer is one deposit: 72 hours and three
tries, then it is over (a new one may be started). Only the code's keyed hash and the encrypted account number are
kept; the account number is shown masked."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from uuid import UUID, uuid4

from domain.errors import DomainError, ErrorCode

VALIDITY = timedelta(hours=72)
MAX_ATTEMPTS = 3


class TransferPurpose(StrEnum):
    CERTIFICATION = "CERTIFICATION"  # §5.1.2 / §5.1.3: the enterprise is not certified yet
    CHANGE = "CHANGE"  # §8.6: a certified enterprise proves its account for an information change


class TransferStatus(StrEnum):
    AWAITING_CODE = "AWAITING_CODE"
    CONFIRMED = "CONFIRMED"
    FAILED = "FAILED"
    EXPIRED = "EXPIRED"


class FailureReason(StrEnum):
    ACCOUNT_NOT_FOUND = "ACCOUNT_NOT_FOUND"  # the bank: no such account at that bank
    NAME_MISMATCH = "NAME_MISMATCH"  # the bank: the account is not in the enterprise's name
    TOO_MANY_ATTEMPTS = "TOO_MANY_ATTEMPTS"


FAILURE_MESSAGES = {
    FailureReason.ACCOUNT_NOT_FOUND: "打款失败：开户行未找到该对公账号，请核对账号和开户行后重新发起",
    FailureReason.NAME_MISMATCH: "打款失败：该对公账户的户名与企业名称不一致，请使用企业本身的对公账户",
    FailureReason.TOO_MANY_ATTEMPTS: "打款验证码错误次数过多，本次打款认证已失败，请重新发起",
}

_T = TransferStatus
TRANSITIONS: dict[TransferStatus, frozenset[TransferStatus]] = {
    _T.AWAITING_CODE: frozenset({_T.CONFIRMED, _T.FAILED, _T.EXPIRED}),
    _T.CONFIRMED: frozenset(),
    _T.FAILED: frozenset(),
    _T.EXPIRED: frozenset(),
}


class TransferCodeInvalid(DomainError):
    code = ErrorCode.BANK_TRANSFER_CODE_INVALID
    default_message = "打款验证码错误"


class TransferExpired(DomainError):
    code = ErrorCode.BANK_TRANSFER_EXPIRED
    default_message = "打款认证已超过72小时有效期，请重新发起对公打款"


class TransferFailed(DomainError):
    code = ErrorCode.BANK_TRANSFER_FAILED
    default_message = "本次对公打款认证已失败，请重新发起"


class TransferClosed(DomainError):
    code = ErrorCode.CONFLICT
    default_message = "该打款认证已结束"


def mask_account_number(number: str) -> str:
    return f"{number[:4]}{'*' * max(4, len(number) - 8)}{number[-4:]}"


@dataclass(eq=False)
class BankTransfer:
    enterprise_id: UUID
    initiated_by: UUID
    purpose: TransferPurpose
    account_number_ciphertext: bytes
    account_number_masked: str
    bank_name: str
    code_hash: str
    amount_fen: int
    bank_reference: str
    created_at: datetime
    expires_at: datetime
    id: UUID = field(default_factory=uuid4)
    change_id: UUID | None = None  # the EnterpriseChange this transfer proves (purpose CHANGE)
    status: TransferStatus = TransferStatus.AWAITING_CODE
    attempts: int = 0
    failure_reason: FailureReason | None = None
    closed_at: datetime | None = None
    # Set while open: a unique column keeps "one open transfer per enterprise" under concurrent starts.
    open_enterprise_id: UUID | None = None
    version: int = 1

    @classmethod
    def start(cls, *, transfer_id: UUID, enterprise_id: UUID, initiated_by: UUID, purpose: TransferPurpose,
              change_id: UUID | None, account_number_ciphertext: bytes, account_number_masked: str, bank_name: str,
              code_hash: str, amount_fen: int, bank_reference: str, now: datetime) -> BankTransfer:
        if (purpose is TransferPurpose.CHANGE) != (change_id is not None):
            raise ValueError("a CHANGE transfer names its change, a CERTIFICATION one does not")
        return cls(enterprise_id=enterprise_id, initiated_by=initiated_by, purpose=purpose, change_id=change_id,
                   account_number_ciphertext=account_number_ciphertext, account_number_masked=account_number_masked,
                   bank_name=bank_name, code_hash=code_hash, amount_fen=amount_fen, bank_reference=bank_reference,
                   created_at=now, expires_at=now + VALIDITY, id=transfer_id, open_enterprise_id=enterprise_id)

    @property
    def attempts_left(self) -> int:
        return max(0, MAX_ATTEMPTS - self.attempts) if self.status is TransferStatus.AWAITING_CODE else 0

    @property
    def is_open(self) -> bool:
        return self.status is TransferStatus.AWAITING_CODE

    def is_live(self, now: datetime) -> bool:
        return self.is_open and now < self.expires_at

    def _close(self, to: TransferStatus, now: datetime) -> None:
        if to not in TRANSITIONS[self.status]:
            raise TransferClosed()
        self.status, self.closed_at, self.open_enterprise_id = to, now, None

    def expire_if_due(self, now: datetime) -> bool:
        """Closes an open transfer whose 72 hours are over; True when it did."""
        if self.is_open and now >= self.expires_at:
            self._close(TransferStatus.EXPIRED, now)
            return True
        return False

    def bank_failed(self, reason: FailureReason, now: datetime) -> None:
        """The bank answered (later) that the deposit could not be made."""
        self._close(TransferStatus.FAILED, now)
        self.failure_reason = reason

    def confirm(self, code_hash: str, now: datetime) -> None:
        """Checks the code typed back. A wrong code counts a try and raises: the caller commits the count before
        the error leaves (like an SMS code). The third wrong code fails the transfer."""
        if self.status is TransferStatus.EXPIRED or self.expire_if_due(now):
            raise TransferExpired(field="transferId")
        if self.status is TransferStatus.CONFIRMED:
            raise TransferClosed("该打款认证已完成", field="transferId")
        if not self.is_open:
            message = FAILURE_MESSAGES[self.failure_reason] if self.failure_reason else None
            raise TransferFailed(message, field="transferId")
        if code_hash != self.code_hash:
            self.attempts += 1
            if self.attempts >= MAX_ATTEMPTS:
                self.bank_failed(FailureReason.TOO_MANY_ATTEMPTS, now)
                raise TransferFailed(FAILURE_MESSAGES[FailureReason.TOO_MANY_ATTEMPTS], field="code",
                                     details={"attemptsLeft": 0})
            raise TransferCodeInvalid(f"打款验证码错误，还可尝试 {self.attempts_left} 次", field="code",
                                      details={"attemptsLeft": self.attempts_left})
        self._close(TransferStatus.CONFIRMED, now)
