"""Review.decide: once, by an operator; a rejection needs a reason."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

import pytest

from domain.errors import ErrorCode, ReasonRequired, ReviewAlreadyDecided, SecondApproverRequired
from domain.identity.review import Review, ReviewKind, ReviewStatus
from domain.operators.operator import OperatorRole

T0 = datetime(2025, 3, 10, 2, 0, tzinfo=UTC)
OP = uuid4()


def review() -> Review:
    return Review(kind=ReviewKind.IDENTITY, subject_account_id=uuid4(), subject_summary="陈* · 护照 · E123*5678",
                  submitted_at=T0, attachments={"front": "b1", "back": "b2", "portrait": "b3"})


def test_a_new_review_is_pending() -> None:
    r = review()
    assert r.status is ReviewStatus.PENDING
    assert (r.decided_at, r.decided_by, r.reason) == (None, None, None)


def test_approve_without_a_reason() -> None:
    r = review()
    r.decide(approve=True, reason=None, operator_id=OP, now=T0)
    assert (r.status, r.decided_by, r.decided_at, r.reason) == (ReviewStatus.APPROVED, OP, T0, None)


def test_approve_may_carry_a_note() -> None:
    r = review()
    r.decide(approve=True, reason="  资料齐全 ", operator_id=OP, now=T0)
    assert r.reason == "资料齐全"


def test_reject_with_a_reason() -> None:
    r = review()
    r.decide(approve=False, reason="证件照片不清晰", operator_id=OP, now=T0)
    assert (r.status, r.reason) == (ReviewStatus.REJECTED, "证件照片不清晰")


@pytest.mark.parametrize("reason", [None, "", "   "])
def test_reject_without_a_reason_is_refused_and_changes_nothing(reason) -> None:
    r = review()
    with pytest.raises(ReasonRequired) as err:
        r.decide(approve=False, reason=reason, operator_id=OP, now=T0)
    assert err.value.code is ErrorCode.REASON_REQUIRED
    assert err.value.field == "reason"
    assert r.status is ReviewStatus.PENDING
    assert r.decided_by is None


@pytest.mark.parametrize("first", [True, False])
def test_a_decided_review_cannot_be_decided_again(first: bool) -> None:
    r = review()
    r.decide(approve=first, reason="原因", operator_id=OP, now=T0)
    with pytest.raises(ReviewAlreadyDecided):
        r.decide(approve=not first, reason="改主意", operator_id=uuid4(), now=T0)
    assert r.status is (ReviewStatus.APPROVED if first else ReviewStatus.REJECTED)
    assert r.decided_by == OP


def test_an_enterprise_change_needs_two_different_approvers_the_second_a_supervisor() -> None:
    now = T0
    review = Review(kind=ReviewKind.ENTERPRISE_CHANGE, subject_account_id=uuid4(), subject_summary="x",
                    submitted_at=now)
    first, second = uuid4(), uuid4()
    assert review.decide(approve=True, reason=None, operator_id=first, now=now) is False
    assert review.awaiting_second_approval and review.status is ReviewStatus.PENDING
    with pytest.raises(SecondApproverRequired):
        review.decide(approve=True, reason=None, operator_id=first, now=now, may_countersign=True)
    with pytest.raises(SecondApproverRequired):
        review.decide(approve=True, reason=None, operator_id=second, now=now, may_countersign=False)
    assert review.decide(approve=True, reason=None, operator_id=second, now=now, may_countersign=True) is True
    assert (review.status, review.decided_by, review.first_approved_by) == (ReviewStatus.APPROVED, second, first)


def test_other_reviews_are_decided_by_one_operator() -> None:
    now = T0
    for kind in (ReviewKind.IDENTITY, ReviewKind.ENTERPRISE_CERTIFICATION):
        review = Review(kind=kind, subject_account_id=uuid4(), subject_summary="x", submitted_at=now)
        assert review.decide(approve=True, reason=None, operator_id=uuid4(), now=now) is True
        assert review.status is ReviewStatus.APPROVED


def test_roles_rank_admin_over_supervisor_over_reviewer() -> None:
    R = OperatorRole
    assert R.ADMIN.allows(R.SUPERVISOR) and R.SUPERVISOR.allows(R.REVIEWER) and R.REVIEWER.allows(R.REVIEWER)
    assert not R.REVIEWER.allows(R.SUPERVISOR) and not R.SUPERVISOR.allows(R.ADMIN)
