"""ConfirmBankTransfer (§5.1.2 step 2): the code from the deposit's remark and the signed, stamped letter. The right
code puts the letter (with the licence) before an operator: a Review of kind ENTERPRISE_CERTIFICATION (the
enterprise goes PENDING_REVIEW) or ENTERPRISE_CHANGE (the change goes PENDING_REVIEW).

A wrong code counts a try even though the caller gets an error: the count is committed before the error leaves.
The third wrong code fails the transfer, and an expired one expires it; a certification then returns to
AWAITING_AUTHORIZATION (a change stays AWAITING_TRANSFER), so a new transfer may be started."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.audit import audit
from application.context import Principal, RequestMeta, require_account
from application.enterprises.bank_transfer_ports import BankTransferVerifier, DepositState
from application.enterprises.member_access import administered
from application.enterprises.start_bank_transfer import code_hash
from application.enterprises.transfer_access import checked_letter
from application.identity.submit_manual_verification import UploadedImage
from application.ports import (
    BlobStore,
    Clock,
    ExternalServiceUnavailable,
    ImageInspector,
    SecretHasher,
    UnitOfWork,
    UnitOfWorkFactory,
)
from domain.canonical import identifier, is_ascii_digits
from domain.enterprises.bank_transfer import BankTransfer, FailureReason, TransferPurpose, TransferStatus
from domain.enterprises.change import EnterpriseChange
from domain.enterprises.enterprise import CertificationStatus, Enterprise, Membership
from domain.errors import Conflict, DomainError, NotFound
from domain.identity.review import Review, ReviewKind

_RETRIES = 5
METHOD_LABELS = {"BANK_TRANSFER": "对公打款", "MANUAL_REVIEW": "人工审核（四要素核验未通过）+ 对公打款"}


def certification_summary(enterprise: Enterprise) -> str:
    method = METHOD_LABELS.get(enterprise.method.value if enterprise.method else "", "对公打款")
    return f"企业认证｜{enterprise.name}｜统一社会信用代码 {enterprise.credit_code}｜认证方式：{method}"


def change_summary(enterprise: Enterprise, change: EnterpriseChange) -> str:
    parts = []
    if change.new_name:
        parts.append(f"企业名称：{change.old_name} → {change.new_name}")
    if change.new_legal_rep_name:
        parts.append(f"法定代表人：{change.old_legal_rep_name} → {change.new_legal_rep_name}"
                     f"（{change.new_legal_rep_id_masked}）")
    return f"企业信息变更｜{enterprise.name}｜统一社会信用代码 {enterprise.credit_code}｜{'；'.join(parts)}"


@dataclass(frozen=True)
class ConfirmBankTransferCommand:
    principal: Principal | None
    transfer_id: UUID
    code: str
    signed_letter: UploadedImage | None
    meta: RequestMeta | None = None


@dataclass(frozen=True)
class TransferConfirmed:
    transfer: BankTransfer
    enterprise: Enterprise
    membership: Membership
    review: Review


class ConfirmBankTransfer:
    def __init__(self, uow: UnitOfWorkFactory, bank: BankTransferVerifier, blobs: BlobStore, images: ImageInspector,
                 hasher: SecretHasher, clock: Clock, upload_limit: int) -> None:
        self._uow, self._bank, self._blobs, self._images = uow, bank, blobs, images
        self._hasher, self._clock, self.upload_limit = hasher, clock, upload_limit

    async def _bank_failure(self, reference: str) -> FailureReason | None:
        try:
            status = await self._bank.status(reference)
        except ExternalServiceUnavailable:
            return None  # the code decides; the bank's silence is no failure
        if status.state is DepositState.FAILED:
            return status.reason or FailureReason.ACCOUNT_NOT_FOUND
        return None

    async def __call__(self, cmd: ConfirmBankTransferCommand) -> TransferConfirmed:
        p = require_account(cmd.principal)
        # Bad input changes nothing and costs no try.
        letter = checked_letter(self._images, cmd.signed_letter, self.upload_limit, "signedLetter")
        content_type = letter.content_type
        code = identifier(cmd.code)
        if not is_ascii_digits(code, 6):
            raise DomainError("请输入打款备注中的6位数字验证码", field="code")
        async with self._uow() as uow:
            transfer = await uow.bank_transfers.get(cmd.transfer_id)
            # An outsider is told what they would be told of a transfer that does not exist.
            if transfer is None or await uow.memberships.of(transfer.enterprise_id, p.id) is None:
                raise NotFound("打款认证不存在", field="transferId")
            await administered(uow, p.id, transfer.enterprise_id, "transferId")
        failure = await self._bank_failure(transfer.bank_reference) if transfer.is_open else None
        blob_id = await self._blobs.put(letter.data, content_type)
        try:
            attempt = 1
            while True:
                try:
                    return await self._confirm(uow_factory=self._uow, p=p, cmd=cmd, code=code, failure=failure,
                                               blob=(blob_id, content_type))
                except Conflict:
                    # A writer that does not take the transfer's lock (a new transfer closing this one, a change to
                    # the enterprise) won a row: nothing of this try was kept, so it is tried again on fresh rows
                    # rather than left uncounted.
                    if attempt == _RETRIES:
                        raise
                    attempt += 1
        except BaseException:
            await self._blobs.delete(blob_id)
            raise

    async def _confirm(self, *, uow_factory: UnitOfWorkFactory, p: Principal, cmd: ConfirmBankTransferCommand,
                       code: str, failure: FailureReason | None, blob: tuple[str, str]) -> TransferConfirmed:
        async with uow_factory() as uow:
            now = self._clock.now()
            # Parallel confirmations of one transfer would each read the same tries and all but one meet a version
            # conflict that counts nothing: the transfer's lock makes them read, count and commit one after another.
            await uow.locks.hold(f"bank-transfer:{cmd.transfer_id}", now)
            transfer = await uow.bank_transfers.get(cmd.transfer_id)
            assert transfer is not None
            enterprise, membership = await administered(uow, p.id, transfer.enterprise_id, "transferId")
            try:
                if failure is not None and transfer.is_live(now):
                    transfer.bank_failed(failure, now)
                transfer.confirm(code_hash(self._hasher, transfer.id, code), now)
            except DomainError:
                await self._record_failure(uow, transfer, enterprise, p, cmd.meta, now)
                await uow.commit()
                raise
            review = await self._submit(uow, transfer, enterprise, p.id, blob[0], now)
            audit(uow, "enterprise.bank_transfer_confirmed", now, cmd.meta, account_id=p.id,
                  enterprise_id=str(enterprise.id), transfer_id=str(transfer.id), review=str(review.id))
            await uow.commit()
            return TransferConfirmed(transfer, enterprise, membership, review)

    @staticmethod
    async def _record_failure(uow: UnitOfWork, transfer: BankTransfer, enterprise: Enterprise, p: Principal,
                              meta: RequestMeta | None, now) -> None:
        closed = transfer.status in (TransferStatus.FAILED, TransferStatus.EXPIRED)
        if (closed and transfer.purpose is TransferPurpose.CERTIFICATION
                and enterprise.status is CertificationStatus.AWAITING_TRANSFER):
            enterprise.transfer_failed(now)
        audit(uow, "enterprise.bank_transfer_code", now, meta, ok=False, account_id=p.id,
              enterprise_id=str(enterprise.id), transfer_id=str(transfer.id), status=transfer.status.value,
              attempts=transfer.attempts)

    @staticmethod
    async def _submit(uow: UnitOfWork, transfer: BankTransfer, enterprise: Enterprise, account_id: UUID,
                      letter_blob: str, now) -> Review:
        if transfer.purpose is TransferPurpose.CERTIFICATION:
            enterprise.submit_for_review(now)
            review = Review(kind=ReviewKind.ENTERPRISE_CERTIFICATION, subject_account_id=account_id,
                            subject_summary=certification_summary(enterprise), submitted_at=now,
                            attachments={"businessLicence": enterprise.licence_blob_id, "signedLetter": letter_blob},
                            subject_id=enterprise.id)
        else:
            assert transfer.change_id is not None
            change = await uow.enterprise_changes.get(transfer.change_id)
            if change is None or not change.is_open:
                raise NotFound("企业信息变更申请不存在", field="transferId")
            change.submit_for_review(now)
            # The letter from the request and the one uploaded with the code are both before the operator.
            review = Review(kind=ReviewKind.ENTERPRISE_CHANGE, subject_account_id=account_id,
                            subject_summary=change_summary(enterprise, change), submitted_at=now,
                            attachments={"businessLicence": change.licence_blob_id,
                                         "signedLetter": change.letter_blob_id, "confirmationLetter": letter_blob},
                            subject_id=change.id)
        uow.reviews.add(review)
        return review
