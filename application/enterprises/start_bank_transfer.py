"""StartBankTransferVerification (§5.1.2 企业对公打款认证; the transfer step of §5.1.3 and §8.6): the ADMIN or the
legal rep gives the corporate account and its bank; the bank deposits a small random amount whose remark carries a
code. For an enterprise not yet certified the purpose is CERTIFICATION (method BANK_TRANSFER after a passed
four-element check, MANUAL_REVIEW after a failed one); for a certified one with an open §8.6 change, CHANGE.

Reading, asking the bank and writing are three steps, so no transaction stays open while the bank answers; the
write re-reads and a unique "open transfer" column turns a concurrent second start into a Conflict."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from uuid import UUID, uuid4

from application.audit import audit
from application.context import Principal, RequestMeta, require_account
from application.enterprises.bank_transfer_ports import (
    BankTransferVerifier,
    DepositOrder,
    DepositRefused,
    DepositState,
)
from application.enterprises.member_access import administered
from application.ports import (
    Clock,
    ExternalServiceUnavailable,
    FieldCipher,
    SecretHasher,
    UnitOfWork,
    UnitOfWorkFactory,
)
from domain import canonical
from domain.canonical import identifier, is_ascii_digits
from domain.enterprises.bank_transfer import (
    FAILURE_MESSAGES,
    BankTransfer,
    FailureReason,
    TransferFailed,
    TransferPurpose,
    mask_account_number,
)
from domain.enterprises.change import ChangeStatus, EnterpriseChange
from domain.enterprises.enterprise import CertificationStatus, Enterprise, EnterpriseAlreadyCertified
from domain.errors import DomainError, ErrorCode, InvalidInput, ServiceUnavailable

_BANK = re.compile(r"[\u3400-\u9fffA-Za-z0-9（）·&.\- ]{2,60}")
MAX_AMOUNT_FEN = 99  # at most ¥0.99: a token amount, not a payment


class TransferInProgress(DomainError):
    code = ErrorCode.CONFLICT
    default_message = "已发起对公打款，请查收到账记录并回填验证码（72小时内有效）"


def normalize_account_number(raw: str | None) -> str:
    number = identifier(raw, drop=" -")
    if not is_ascii_digits(number) or not 8 <= len(number) <= 32:
        raise InvalidInput("请输入正确的企业对公账号（8-32位数字）", field="accountNumber")
    return number


def normalize_bank_name(raw: str | None) -> str:
    text = canonical.enterprise_name(raw, field="bankName", error=InvalidInput)
    if not _BANK.fullmatch(text):
        raise InvalidInput("请输入开户行全称，如“中国工商银行北京分行海淀支行”", field="bankName")
    return text


def account_context(transfer_id: UUID) -> bytes:
    return b"bank-transfer:" + transfer_id.bytes


def code_hash(hasher: SecretHasher, transfer_id: UUID, code: str) -> str:
    # The transfer id is part of the hash: a code is good for one deposit only.
    return hasher.hash("bank-transfer", f"{transfer_id}|{code}")


@dataclass(frozen=True)
class StartBankTransferCommand:
    principal: Principal | None
    enterprise_id: UUID
    account_number: str
    bank_name: str
    meta: RequestMeta | None = None


@dataclass(frozen=True)
class _Plan:
    purpose: TransferPurpose
    change_id: UUID | None
    account_name: str
    open_references: dict[UUID, str]  # open transfers → their bank reference, to ask the bank about


async def _open_change(uow: UnitOfWork, enterprise: Enterprise) -> EnterpriseChange:
    change = await uow.enterprise_changes.open_for(enterprise.id)
    if change is None or change.status is not ChangeStatus.AWAITING_TRANSFER:
        raise EnterpriseAlreadyCertified("该企业已完成认证；如需变更企业信息，请先提交信息变更申请", field="enterpriseId")
    return change


class StartBankTransferVerification:
    def __init__(self, uow: UnitOfWorkFactory, bank: BankTransferVerifier, cipher: FieldCipher,
                 hasher: SecretHasher, clock: Clock) -> None:
        self._uow, self._bank, self._cipher, self._hasher, self._clock = uow, bank, cipher, hasher, clock

    async def _plan(self, p: Principal, enterprise_id: UUID) -> _Plan:
        async with self._uow() as uow:
            enterprise, _membership = await administered(uow, p.id, enterprise_id, "enterpriseId")
            if enterprise.is_certified:
                change = await _open_change(uow, enterprise)
                # The account is held in the name on the new licence once the name changes.
                purpose, change_id, account_name = TransferPurpose.CHANGE, change.id, change.new_name or enterprise.name
            else:
                if enterprise.status not in (CertificationStatus.AWAITING_AUTHORIZATION, CertificationStatus.REJECTED,
                                             CertificationStatus.AWAITING_TRANSFER):
                    raise DomainError("企业认证正在审核中，请耐心等待", code=ErrorCode.CONFLICT, field="enterpriseId")
                purpose, change_id, account_name = TransferPurpose.CERTIFICATION, None, enterprise.name
                # Fails early (MethodUnavailable) when this enterprise may not take the bank path at all.
                enterprise.ensure_method(enterprise.transfer_method)
            opened = {t.id: t.bank_reference for t in await uow.bank_transfers.open_for(enterprise.id)}
        return _Plan(purpose, change_id, account_name, opened)

    async def _bank_failures(self, references: dict[UUID, str]) -> dict[UUID, FailureReason]:
        """The open transfers whose deposit the bank reports as failed, with why (unknown counts as not failed)."""
        failed: dict[UUID, FailureReason] = {}
        for transfer_id, reference in references.items():
            try:
                status = await self._bank.status(reference)
            except ExternalServiceUnavailable:
                continue
            if status.state is DepositState.FAILED:
                failed[transfer_id] = status.reason or FailureReason.ACCOUNT_NOT_FOUND
        return failed

    async def __call__(self, cmd: StartBankTransferCommand) -> BankTransfer:
        p = require_account(cmd.principal)
        number = normalize_account_number(cmd.account_number)
        bank_name = normalize_bank_name(cmd.bank_name)
        plan = await self._plan(p, cmd.enterprise_id)
        failures = await self._bank_failures(plan.open_references)
        now = self._clock.now()
        async with self._uow() as uow:
            # A previous transfer still running blocks a new one, unless it is over (72 h) or its deposit failed.
            for previous in await uow.bank_transfers.open_for(cmd.enterprise_id):
                if previous.expire_if_due(now):
                    continue
                if previous.id in failures:
                    previous.bank_failed(failures[previous.id], now)
                    continue
                raise TransferInProgress(field="enterpriseId")
            # With no transfer left open, the enterprise is back to choosing a path, whatever the bank says next.
            enterprise = await uow.enterprises.get(cmd.enterprise_id)
            if (plan.purpose is TransferPurpose.CERTIFICATION and enterprise is not None
                    and enterprise.status is CertificationStatus.AWAITING_TRANSFER):
                enterprise.transfer_failed(now)
            await uow.commit()

        transfer_id = uuid4()
        code = self._hasher.new_sms_code()
        amount = secrets.randbelow(MAX_AMOUNT_FEN) + 1
        reference = f"SXQ{transfer_id.hex.upper()}"
        order = DepositOrder(reference=reference, account_number=number, bank_name=bank_name,
                             account_name=plan.account_name, amount_fen=amount, remark=f"数信签认证码{code}")
        try:
            await self._bank.send(order)
        except DepositRefused as refused:
            raise TransferFailed(FAILURE_MESSAGES[refused.reason], field="accountNumber") from None
        except ExternalServiceUnavailable:
            raise ServiceUnavailable("银行打款服务暂不可用，请稍后重试") from None

        async with self._uow() as uow:
            now = self._clock.now()
            enterprise, _membership = await administered(uow, p.id, cmd.enterprise_id, "enterpriseId")
            if plan.purpose is TransferPurpose.CERTIFICATION:
                enterprise.start_transfer(now)  # a concurrent start got there first: Conflict
            else:
                await _open_change(uow, enterprise)
            transfer = BankTransfer.start(
                transfer_id=transfer_id, enterprise_id=enterprise.id, initiated_by=p.id, purpose=plan.purpose,
                change_id=plan.change_id,
                account_number_ciphertext=self._cipher.encrypt(number.encode(), account_context(transfer_id)),
                account_number_masked=mask_account_number(number), bank_name=bank_name,
                code_hash=code_hash(self._hasher, transfer_id, code), amount_fen=amount, bank_reference=reference,
                now=now)
            uow.bank_transfers.add(transfer)
            audit(uow, "enterprise.bank_transfer_started", now, cmd.meta, account_id=p.id,
                  enterprise_id=str(enterprise.id), transfer_id=str(transfer.id), purpose=plan.purpose.value,
                  account=transfer.account_number_masked)
            await uow.commit()
        return transfer

