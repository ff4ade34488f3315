"""What an operator's decision does to an enterprise (registered with DecideReview in review_outcomes.py):

- ENTERPRISE_CERTIFICATION (§5.1.2, §5.1.3): approve → CERTIFIED, unless another enterprise was certified with the
  same credit code meanwhile (refused, nothing changes: the operator should reject); reject → REJECTED with the
  reason, and the enterprise may start again.
- ENTERPRISE_CHANGE (§8.6): approve → the new name and/or legal rep replace the old ones in the deciding
  transaction; the old legal rep's membership loses LEGAL_REP (the person stays a member); an account whose verified
  identity is the new legal rep's becomes LEGAL_REP; EnterpriseInformationChanged goes to the change hooks.
  Reject → REJECTED, the enterprise is untouched.

The person who started the transfer hears the decision by SMS (outbox), as an identity review's subject does.

Change hooks (ENTERPRISE_CHANGE_HOOKS): async callables `hook(uow, event)` run in order, inside the approving
transaction, after the enterprise and memberships are updated. A hook that raises rolls the whole approval back
(the review stays PENDING), so what must follow a change (re-issuing org certificates under the new name,
re-making the org and legal-rep seals) either happens with it or not at all. The next chapter appends its hooks."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from uuid import UUID

from application.accounts.sms_codes import SMS_TOPIC
from application.audit import audit
from application.enterprises.identity_links import make_legal_rep
from application.ports import UnitOfWork
from domain.enterprises.change import EnterpriseInformationChanged
from domain.enterprises.enterprise import Enterprise, EnterpriseAlreadyCertified
from domain.errors import NotFound
from domain.identity.review import Review, ReviewStatus

EnterpriseChangedHook = Callable[[UnitOfWork, EnterpriseInformationChanged], Awaitable[None]]

# The hooks the composition root hands to EnterpriseChangeOutcome, in order (none yet: org certificates and seals
# come with the next issue).
ENTERPRISE_CHANGE_HOOKS: tuple[EnterpriseChangedHook, ...] = ()


async def _notify(uow: UnitOfWork, account_id: UUID, text: str) -> None:
    account = await uow.accounts.get(account_id)
    if account is not None and account.is_active:
        uow.outbox.put(SMS_TOPIC, {"phone": account.phone, "text": text, "purpose": "NOTICE"})


class EnterpriseCertificationOutcome:
    async def __call__(self, uow: UnitOfWork, review: Review, now: datetime) -> None:
        enterprise = await uow.enterprises.get(review.subject_id) if review.subject_id else None
        if enterprise is None:
            raise NotFound("审核对象不存在", field="reviewId")
        if review.status is ReviewStatus.APPROVED:
            other = await uow.enterprises.certified_with_code(enterprise.credit_code)
            if other is not None and other.id != enterprise.id:
                raise EnterpriseAlreadyCertified("已有其他企业以该统一社会信用代码完成认证，不能通过，请驳回",
                                                 field="reviewId")
            enterprise.approve_certification(now)
            text = f"【数信签】您提交的企业“{enterprise.name}”认证已审核通过。"
        else:
            enterprise.reject_certification(review.reason or "", now)
            text = f"【数信签】您提交的企业“{enterprise.name}”认证未通过审核，原因：{review.reason}。请修改后重新提交。"
        audit(uow, "enterprise.certification_decided", now, None, account_id=review.subject_account_id,
              enterprise_id=str(enterprise.id), status=enterprise.status.value)
        await _notify(uow, review.subject_account_id, text)


class EnterpriseChangeOutcome:
    def __init__(self, on_changed: Sequence[EnterpriseChangedHook] = ENTERPRISE_CHANGE_HOOKS) -> None:
        self._on_changed = tuple(on_changed)

    async def __call__(self, uow: UnitOfWork, review: Review, now: datetime) -> None:
        change = await uow.enterprise_changes.get(review.subject_id) if review.subject_id else None
        enterprise = await uow.enterprises.get(change.enterprise_id) if change is not None else None
        if change is None or enterprise is None:
            raise NotFound("审核对象不存在", field="reviewId")
        if review.status is not ReviewStatus.APPROVED:
            change.reject(review.reason or "", now)
            await _notify(uow, review.subject_account_id,
                          f"【数信签】企业“{enterprise.name}”的信息变更未通过审核，原因：{review.reason}。")
            return
        change.approve(now)
        old_name, old_rep = enterprise.name, enterprise.legal_rep_name
        new_rep = change.new_legal_rep
        enterprise.apply_change(new_name=change.new_name, new_legal_rep=new_rep, now=now)
        if new_rep is not None:
            await self._replace_legal_rep(uow, enterprise, now)
        event = EnterpriseInformationChanged(
            enterprise_id=enterprise.id, change_id=change.id, old_name=old_name, new_name=enterprise.name,
            old_legal_rep_name=old_rep, new_legal_rep_name=enterprise.legal_rep_name,
            legal_rep_changed=new_rep is not None, occurred_at=now)
        audit(uow, "enterprise.information_changed", now, None, account_id=review.subject_account_id,
              enterprise_id=str(enterprise.id), change_id=str(change.id), name_changed=old_name != enterprise.name,
              legal_rep_changed=new_rep is not None)
        for hook in self._on_changed:
            await hook(uow, event)
        await _notify(uow, review.subject_account_id,
                      f"【数信签】企业“{enterprise.name}”的信息变更已审核通过，企业信息已更新。")

    @staticmethod
    async def _replace_legal_rep(uow: UnitOfWork, enterprise: Enterprise, now: datetime) -> None:
        for membership in await uow.memberships.for_enterprise(enterprise.id):
            if membership.is_legal_rep:
                membership.is_legal_rep = False  # stays a member (and admin, if they were)
                audit(uow, "enterprise.legal_rep_demoted", now, None, account_id=membership.account_id,
                      enterprise_id=str(enterprise.id))
        # The new legal rep, when they already have a verified account; otherwise the identity hook links them
        # the day they verify (identity_links.link_legal_rep).
        identity = await uow.identities.claimed(enterprise.legal_rep_id_index)
        if identity is not None and identity.is_verified and enterprise.is_legal_rep(identity.legal_name,
                                                                                     identity.number_index):
            await make_legal_rep(uow, enterprise.id, identity.account_id, now)
