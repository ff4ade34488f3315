"""A review's full file for the operator deciding it: the claimed data in clear beside the attachments.

Opening it is written to the audit log with who looked (the masked summary is all the queue shows)."""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID

from application.audit import audit
from application.context import Principal, RequestMeta, require_operator
from application.identity.evidence import EvidenceSealer
from application.ports import Clock, FieldCipher, UnitOfWork, UnitOfWorkFactory
from domain.errors import NotFound
from domain.identity.review import Review, ReviewKind, ReviewStatus

_METHODS = {"LEGAL_REP_AUTHORIZATION": "法定代表人授权", "BANK_TRANSFER": "对公打款", "MANUAL_REVIEW": "人工审核"}
_ATTACHMENTS = {"front": "证件正面", "back": "证件背面", "portrait": "手持证件照", "businessLicence": "营业执照",
                "signedLetter": "盖章授权书", "confirmationLetter": "打款确认授权书"}


@dataclass(frozen=True)
class Dossier:
    review: Review
    fields: list[tuple[str, str]]
    attachments: list[tuple[str, str]]  # (role, label)
    first_approver: str | None = None
    decided_by: str | None = None
    notes: list[str] = field(default_factory=list)


def attachment_label(role: str) -> str:
    return _ATTACHMENTS.get(role, role)


class OpenReviewDossier:
    def __init__(self, uow: UnitOfWorkFactory, sealer: EvidenceSealer, cipher: FieldCipher, clock: Clock) -> None:
        self._uow, self._sealer, self._cipher, self._clock = uow, sealer, cipher, clock

    async def __call__(self, principal: Principal | None, review_id: UUID, meta: RequestMeta) -> Dossier:
        op = require_operator(principal)
        async with self._uow() as uow:
            review = await uow.reviews.get(review_id)
            if review is None:
                raise NotFound("审核不存在", field="reviewId")
            account = await uow.accounts.get(review.subject_account_id)
            applicant = await uow.identities.for_account(review.subject_account_id)
            fields: list[tuple[str, str]] = [
                ("申请人手机号", account.phone if account is not None else "（账号已注销）"),
                ("申请人姓名", (applicant.legal_name or "—") if applicant is not None else "—")]
            if review.kind is ReviewKind.IDENTITY:
                fields = [*fields, *await self._identity(uow, review)]
            elif review.kind is ReviewKind.ENTERPRISE_CERTIFICATION:
                fields = [*fields, *await self._certification(uow, review)]
            else:
                fields = [*fields, *await self._change(uow, review)]
            names = {}
            for operator_id in {review.first_approved_by, review.decided_by} - {None}:
                found = await uow.operators.get(operator_id)
                names[operator_id] = found.username if found else str(operator_id)
            audit(uow, "review.viewed", self._clock.now(), meta, operator_id=op.id,
                  account_id=review.subject_account_id, review=str(review.id), review_kind=review.kind.value)
            await uow.commit()
        return Dossier(review, fields, [(role, attachment_label(role)) for role in sorted(review.attachments)],
                       first_approver=names.get(review.first_approved_by),
                       decided_by=names.get(review.decided_by))

    async def _identity(self, uow: UnitOfWork, review: Review) -> list[tuple[str, str]]:
        identity = await uow.identities.for_account(review.subject_account_id)
        if identity is None or identity.number_ciphertext is None:
            return [("证件", "（申请人已撤回或注销，资料已删除）")]
        number = self._sealer.reveal_number(review.subject_account_id, identity.number_ciphertext)
        # The claim lives on the identity, which a later claim overwrites: a decided review shows what is there now.
        note = [] if review.status is ReviewStatus.PENDING else [("说明", "审核已结束；以下为该账号当前的实名资料")]
        return [*note, ("姓名", identity.legal_name or ""),
                ("证件类型", identity.document_type.label if identity.document_type else ""),
                ("证件号码", number),
                ("证件有效期至", identity.expires_on.isoformat() if identity.expires_on else "长期")]

    async def _enterprise_fields(self, uow: UnitOfWork, enterprise_id: UUID) -> list[tuple[str, str]]:
        enterprise = await uow.enterprises.get(enterprise_id)
        if enterprise is None:
            return [("企业", "（不存在）")]
        four = {True: "一致", False: "不一致", None: "未核验"}[enterprise.four_element_passed]
        return [("企业名称", enterprise.name), ("统一社会信用代码", enterprise.credit_code),
                ("法定代表人", enterprise.legal_rep_name),
                ("法定代表人身份证号", self._sealer.reveal_legal_rep_number(enterprise.id,
                                                                     enterprise.legal_rep_id_ciphertext)),
                ("认证方式", _METHODS.get(enterprise.method.value, enterprise.method.value)
                 if enterprise.method else "—"),
                ("四要素核验结果", four)]

    async def _bank_account(self, uow: UnitOfWork, enterprise_id: UUID, change_id: UUID | None) -> list[tuple[str, str]]:
        from application.enterprises.start_bank_transfer import account_context
        from domain.enterprises.bank_transfer import TransferStatus

        transfers = [t for t in await uow.bank_transfers.for_enterprise(enterprise_id)
                     if t.change_id == change_id and t.status is TransferStatus.CONFIRMED]
        if not transfers:
            return [("对公账户", "—")]
        t = transfers[-1]
        number = self._cipher.decrypt(t.account_number_ciphertext, account_context(t.id)).decode()
        return [("对公账户", f"{number}（{t.bank_name}）"), ("打款金额", f"{t.amount_fen / 100:.2f} 元，已回填验证码")]

    async def _certification(self, uow: UnitOfWork, review: Review) -> list[tuple[str, str]]:
        assert review.subject_id is not None
        return [*await self._enterprise_fields(uow, review.subject_id),
                *await self._bank_account(uow, review.subject_id, None)]

    async def _change(self, uow: UnitOfWork, review: Review) -> list[tuple[str, str]]:
        assert review.subject_id is not None
        change = await uow.enterprise_changes.get(review.subject_id)
        if change is None:
            return [("变更申请", "（不存在）")]
        rows = [*await self._enterprise_fields(uow, change.enterprise_id),
                ("变更：企业名称", f"{change.old_name} → {change.new_name}" if change.new_name else "不变"),
                ("变更：法定代表人", f"{change.old_legal_rep_name} → {change.new_legal_rep_name}"
                 if change.new_legal_rep_name else "不变")]
        if change.new_legal_rep_id_ciphertext is not None:
            rows.append(("新法定代表人身份证号", self._sealer.reveal_legal_rep_number(
                change.enterprise_id, change.new_legal_rep_id_ciphertext)))
        return [*rows, *await self._bank_account(uow, change.enterprise_id, change.id)]
