"""Operators list and decide manual reviews; the subject hears the decision by SMS."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import UUID

from application.accounts.sms_codes import SMS_TOPIC
from application.audit import audit
from application.context import Principal, RequestMeta, operator_may, require_operator
from application.identity.verified import IdentityVerifiedHook, identity_verified
from application.ports import BlobStore, Clock, Page, UnitOfWork, UnitOfWorkFactory
from domain.errors import NotFound
from domain.identity.review import Review, ReviewKind, ReviewStatus
from domain.operators.operator import OperatorRole
from domain.text import bounded

MAX_PAGE = 100


class ListReviews:
    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def __call__(self, principal: Principal | None, *, kind: ReviewKind | None, status: ReviewStatus | None,
                       first: int, after: str | None) -> Page[Review]:
        require_operator(principal)
        first = max(1, min(first, MAX_PAGE))
        async with self._uow() as uow:
            return await uow.reviews.page(kind=kind, status=status, first=first, after=after)


class GetReview:
    """A review is visible to operators and to the person it is about; to anyone else it does not exist."""

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def __call__(self, principal: Principal | None, review_id: UUID) -> Review | None:
        if principal is None:
            return None
        async with self._uow() as uow:
            review = await uow.reviews.get(review_id)
        if review is None:
            return None
        if principal.is_operator or review.subject_account_id == principal.id:
            return review
        return None


class ReadReviewAttachment:
    """A review's photo or PDF, for operators and the person it is about; an operator's look is audited."""

    def __init__(self, reviews: GetReview, blobs: BlobStore, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._reviews, self._blobs, self._uow, self._clock = reviews, blobs, uow, clock

    async def __call__(self, principal: Principal | None, review_id: UUID, role: str,
                       meta: RequestMeta | None = None) -> tuple[bytes, str] | None:
        review = await self._reviews(principal, review_id)
        if review is None or role not in review.attachments:
            return None
        found = await self._blobs.get(review.attachments[role])
        if principal is not None and principal.is_operator:
            async with self._uow() as uow:
                audit(uow, "review.attachment_viewed", self._clock.now(), meta, operator_id=principal.id,
                      account_id=review.subject_account_id, review=str(review.id), role=role)
                await uow.commit()
        return found


@dataclass(frozen=True)
class DecideReviewCommand:
    principal: Principal | None
    review_id: UUID
    approve: bool
    reason: str | None
    meta: RequestMeta


class ReviewOutcome(Protocol):
    """Applies a decided review to what it is about, inside the deciding transaction."""

    async def __call__(self, uow: UnitOfWork, review: Review, now: datetime) -> None: ...


class IdentityReviewOutcome:
    """§4.2: an approved identity becomes VERIFIED (and the other chapters' hooks run); the person hears by SMS."""

    def __init__(self, on_verified: Sequence[IdentityVerifiedHook] = ()) -> None:
        self._on_verified = tuple(on_verified)

    async def __call__(self, uow: UnitOfWork, review: Review, now: datetime) -> None:
        identity = await uow.identities.for_account(review.subject_account_id)
        account = await uow.accounts.get(review.subject_account_id)
        if identity is None or account is None:
            raise NotFound("审核对象不存在", field="reviewId")
        if review.status is ReviewStatus.APPROVED:
            identity.approve(now)
            await identity_verified(uow, identity, now, self._on_verified)
            text = "【数信签】您的实名认证已审核通过，现在可以办理证书服务了。"
        else:
            identity.reject(review.reason or "", now)
            text = f"【数信签】您的实名认证未通过审核，原因：{review.reason}。请修改后重新提交。"
        if account.is_active:
            uow.outbox.put(SMS_TOPIC, {"phone": account.phone, "text": text, "purpose": "NOTICE"})


class DecideReview:
    """An operator's decision; the outcome for the review's kind applies it in the same transaction."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock,
                 outcomes: Mapping[ReviewKind, ReviewOutcome] | None = None) -> None:
        self._uow, self._clock = uow, clock
        self._outcomes: dict[ReviewKind, ReviewOutcome] = {ReviewKind.IDENTITY: IdentityReviewOutcome(),
                                                            **(outcomes or {})}

    async def __call__(self, cmd: DecideReviewCommand) -> Review:
        op = require_operator(cmd.principal)
        reason = bounded(cmd.reason, field="reason", max_len=200) if cmd.reason else None
        async with self._uow() as uow:
            review = await uow.reviews.get(cmd.review_id)
            if review is None:
                raise NotFound("审核不存在", field="reviewId")
            now = self._clock.now()
            outcome = self._outcomes.get(review.kind)
            if outcome is None:
                raise NotFound("该类审核暂不能处理", field="reviewId")
            decided = review.decide(approve=cmd.approve, reason=reason, operator_id=op.id, now=now,
                                    may_countersign=operator_may(op, OperatorRole.SUPERVISOR))
            if not decided:
                # Four eyes: the first approval of an enterprise change is recorded; nothing changes yet.
                audit(uow, "review.first_approval", now, cmd.meta, operator_id=op.id,
                      account_id=review.subject_account_id, review=str(review.id), review_kind=review.kind.value)
                await uow.commit()
                return review
            await outcome(uow, review, now)
            audit(uow, "review.decided", now, cmd.meta, operator_id=op.id, account_id=review.subject_account_id,
                  review=str(review.id), review_kind=review.kind.value, status=review.status.value)
            await uow.commit()
            return review
