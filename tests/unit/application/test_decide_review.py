"""Operators list and decide manual reviews; the person hears the decision by SMS (§4.2)."""

from __future__ import annotations

from uuid import uuid4

import pytest

from application.identity.reviews import DecideReviewCommand
from domain.errors import (
    DocumentAlreadyUsed,
    Forbidden,
    NotFound,
    ReasonRequired,
    ReviewAlreadyDecided,
    Unauthenticated,
)
from domain.identity.identity import RealNameStatus
from domain.identity.review import ReviewKind, ReviewStatus
from tests.app_fixture import DEFAULT_META, FakeApp

PHONE = "13800138000"


async def submitted(app: FakeApp, phone: str = PHONE, number: str = "E12345678"):
    user = await app.register_user(phone)
    result = await app.submit_manual(user, number=number)
    return user, result.review.id


def decide(principal, review_id, approve: bool, reason: str | None = None) -> DecideReviewCommand:
    return DecideReviewCommand(principal, review_id, approve, reason, DEFAULT_META)


async def test_approval_verifies_and_notifies_by_sms(app: FakeApp) -> None:
    user, review_id = await submitted(app)
    operator = await app.operator()
    review = await app.decide_review(decide(operator, review_id, True))
    assert (review.status, review.decided_by) == (ReviewStatus.APPROVED, operator.id)
    stored = app.db.reviews()[0]
    assert (stored.status, stored.decided_at) == (ReviewStatus.APPROVED, app.clock.now())
    identity = app.db.identity(user.account_id)
    assert identity.status is RealNameStatus.VERIFIED
    assert identity.verified_at == app.clock.now()
    assert identity.document_key is not None
    await app.deliver()
    notice = app.sms.last(PHONE)
    assert notice.purpose == "NOTICE" and notice.code is None
    assert "审核通过" in notice.text
    assert app.db.audit_events("review.decided")[0].operator_id == operator.id


async def test_rejection_needs_a_reason(app: FakeApp) -> None:
    user, review_id = await submitted(app)
    operator = await app.operator()
    sent = len(app.sms.sent)
    for reason in (None, "", "   "):
        with pytest.raises(ReasonRequired):
            await app.decide_review(decide(operator, review_id, False, reason))
    assert app.db.reviews()[0].status is ReviewStatus.PENDING
    assert app.db.identity(user.account_id).status is RealNameStatus.PENDING_REVIEW
    await app.deliver()
    assert len(app.sms.sent) == sent


async def test_rejection_tells_the_reason_and_frees_the_document(app: FakeApp) -> None:
    user, review_id = await submitted(app)
    operator = await app.operator()
    await app.decide_review(decide(operator, review_id, False, "证件照片不清晰"))
    identity = app.db.identity(user.account_id)
    assert (identity.status, identity.rejected_reason, identity.document_key) == (
        RealNameStatus.REJECTED, "证件照片不清晰", None)
    await app.deliver()
    assert "未通过审核，原因：证件照片不清晰" in app.sms.last(PHONE).text
    # The person may try again, and the document is no longer held.
    await app.submit_manual(user)
    assert app.db.identity(user.account_id).status is RealNameStatus.PENDING_REVIEW


async def test_a_decided_review_cannot_be_decided_again(app: FakeApp) -> None:
    user, review_id = await submitted(app)
    operator = await app.operator()
    await app.decide_review(decide(operator, review_id, True))
    with pytest.raises(ReviewAlreadyDecided):
        await app.decide_review(decide(operator, review_id, False, "改判"))
    assert app.db.identity(user.account_id).status is RealNameStatus.VERIFIED


async def test_only_operators_decide(app: FakeApp) -> None:
    user, review_id = await submitted(app)
    with pytest.raises(Forbidden):
        await app.decide_review(decide(user.principal, review_id, True))
    with pytest.raises(Unauthenticated):
        await app.decide_review(decide(None, review_id, True))
    assert app.db.reviews()[0].status is ReviewStatus.PENDING
    assert app.db.identity(user.account_id).status is RealNameStatus.PENDING_REVIEW


async def test_an_unknown_review_is_not_found(app: FakeApp) -> None:
    operator = await app.operator()
    with pytest.raises(NotFound):
        await app.decide_review(decide(operator, uuid4(), True))


async def test_an_approved_document_is_refused_elsewhere(app: FakeApp) -> None:
    _, review_id = await submitted(app)
    await app.decide_review(decide(await app.operator(), review_id, True))
    other = await app.register_user("13900139000")
    with pytest.raises(DocumentAlreadyUsed):
        await app.submit_manual(other)


async def test_operators_page_through_the_queue_oldest_first(app: FakeApp) -> None:
    ids = []
    for i in range(3):
        _, review_id = await submitted(app, f"1390013900{i}", number=f"E1234567{i}")
        ids.append(review_id)
        app.clock.advance(minutes=1)
    operator = await app.operator()
    first = await app.list_reviews(operator, kind=ReviewKind.IDENTITY, status=ReviewStatus.PENDING, first=2,
                                   after=None)
    assert [r.id for r in first.items] == ids[:2] and first.has_next
    rest = await app.list_reviews(operator, kind=None, status=None, first=2, after=first.end_cursor)
    assert [r.id for r in rest.items] == ids[2:] and not rest.has_next
    # Every item carries its own cursor: resuming after the first item skips exactly one.
    assert len(first.cursors) == 2 and first.end_cursor == first.cursors[-1]
    after_one = await app.list_reviews(operator, kind=None, status=None, first=10, after=first.cursors[0])
    assert [r.id for r in after_one.items] == ids[1:]
    await app.decide_review(decide(operator, ids[0], True))
    pending = await app.list_reviews(operator, kind=None, status=ReviewStatus.PENDING, first=10, after=None)
    assert [r.id for r in pending.items] == ids[1:]


async def test_accounts_cannot_list_reviews(app: FakeApp) -> None:
    user, _ = await submitted(app)
    with pytest.raises(Forbidden):
        await app.list_reviews(user.principal, kind=None, status=None, first=10, after=None)


async def test_a_review_is_visible_to_its_subject_and_operators_only(app: FakeApp) -> None:
    user, review_id = await submitted(app)
    stranger = await app.register_user("13900139000")
    operator = await app.operator()
    assert (await app.get_review(user.principal, review_id)).id == review_id
    assert (await app.get_review(operator, review_id)).id == review_id
    assert await app.get_review(stranger.principal, review_id) is None
    assert await app.get_review(None, review_id) is None
    photo = await app.read_review_attachment(operator, review_id, "front")
    assert photo is not None and photo[1] == "image/png"
    assert await app.read_review_attachment(stranger.principal, review_id, "front") is None
    assert await app.read_review_attachment(operator, review_id, "selfie") is None
