"""Review.decide: once, by an operator; a rejection needs a reason."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

import pytest

from domain.errors import ErrorCode, ReasonRequired, ReviewAlreadyDecided
from domain.identity.review import Review, ReviewKind, ReviewStatus

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
