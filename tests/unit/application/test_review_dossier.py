"""The console's review file: the claimed data in full for operators only, each opening audited with who looked."""

from __future__ import annotations

import pytest

from domain.errors import Forbidden, NotFound, Unauthenticated
from tests.app_fixture import DEFAULT_META, FakeApp
from tests.unit.application.test_decide_review import submitted


async def test_an_operator_sees_the_claim_in_full_and_the_look_is_audited(app: FakeApp) -> None:
    user, review_id = await submitted(app, number="E12345678")
    operator = await app.operator()
    dossier = await app.review_dossier(operator, review_id, DEFAULT_META)
    fields = dict(dossier.fields)
    assert fields["证件号码"] == "E12345678" and fields["证件类型"] == "护照"
    assert fields["姓名"] == "CHAN TAI MAN" and fields["申请人手机号"] == user.phone
    assert [role for role, _ in dossier.attachments] == ["back", "front", "portrait"]
    [looked] = app.db.audit_events("review.viewed")
    assert (looked.operator_id, looked.account_id, looked.detail["review"]) == (
        operator.id, user.account_id, str(review_id))
    assert "说明" not in fields


async def test_each_attachment_an_operator_opens_is_audited_the_subjects_own_looks_are_not(app: FakeApp) -> None:
    user, review_id = await submitted(app)
    operator = await app.operator()
    data, content_type = await app.read_review_attachment(operator, review_id, "front", DEFAULT_META)
    assert data and content_type.startswith("image/")
    await app.read_review_attachment(user.principal, review_id, "front")
    assert await app.read_review_attachment(operator, review_id, "nonsense") is None
    [looked] = app.db.audit_events("review.attachment_viewed")
    assert (looked.operator_id, looked.account_id, looked.detail["role"]) == (operator.id, user.account_id, "front")


async def test_a_decided_review_says_its_data_is_the_current_identity(app: FakeApp) -> None:
    from application.identity.reviews import DecideReviewCommand

    _user, review_id = await submitted(app, number="E12345678")
    operator = await app.operator()
    await app.decide_review(DecideReviewCommand(operator, review_id, True, None, DEFAULT_META))
    fields = dict((await app.review_dossier(operator, review_id, DEFAULT_META)).fields)
    assert "当前的实名资料" in fields["说明"] and fields["证件号码"] == "E12345678"


async def test_nobody_else_opens_it_and_a_refusal_is_not_audited(app: FakeApp) -> None:
    user, review_id = await submitted(app)
    with pytest.raises(Forbidden):
        await app.review_dossier(user.principal, review_id, DEFAULT_META)  # not even the applicant
    with pytest.raises(Unauthenticated):
        await app.review_dossier(None, review_id, DEFAULT_META)
    with pytest.raises(NotFound):
        from uuid import uuid4

        await app.review_dossier(await app.operator(), uuid4(), DEFAULT_META)
    assert app.db.audit_events("review.viewed") == []
