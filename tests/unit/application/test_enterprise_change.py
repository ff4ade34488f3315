"""§8.6 企业信息变更 on fakes: request, bank transfer with purpose CHANGE, the operator's decision and its effects."""

from __future__ import annotations

import pytest

from application.enterprises.enterprise_reviews import EnterpriseChangedHook
from application.enterprises.request_enterprise_change import RequestEnterpriseChangeCommand
from application.enterprises.review_outcomes import review_outcomes
from application.identity.reviews import DecideReview, DecideReviewCommand
from application.identity.submit_manual_verification import UploadedImage
from domain.enterprises.bank_transfer import TransferPurpose
from domain.enterprises.change import ChangeStatus
from domain.enterprises.enterprise import CertificationStatus, EnterpriseRole
from domain.errors import DomainError, ErrorCode
from domain.identity.review import ReviewKind, ReviewStatus
from domain.operators.operator import OperatorRole
from tests.app_fixture import CREDIT_CODE, DEFAULT_META, ID_LI, ID_WANG, FakeApp, User
from tests.fakes import png
from tests.unit.application.test_enterprise_bank_transfer import (
    ACCOUNT,
    PDF,
    confirm,
    decide,
    reviewed,
    start,
    stored,
)


async def certified(app: FakeApp, user: User):
    enterprise_id, _ = await reviewed(app, user)
    await decide(app, app.db.reviews()[-1].id, True)
    return enterprise_id


async def request(app: FakeApp, user: User, enterprise_id, *, name: str | None = None, rep: str | None = None,
                  number: str | None = None, letter: bytes = PDF):
    return await app.enterprises.transfers.request_enterprise_change(RequestEnterpriseChangeCommand(
        user.principal, enterprise_id, name, rep, number, UploadedImage(png(), "licence.png"),
        UploadedImage(letter, "letter.pdf"), DEFAULT_META))


async def through_transfer(app: FakeApp, user: User, enterprise_id):
    t = await start(app, user, enterprise_id)
    assert t.purpose is TransferPurpose.CHANGE
    return await confirm(app, user, t.id, app.bank.code_sent_to(ACCOUNT))


async def roles(app: FakeApp, enterprise_id) -> dict:
    async with app.uow() as uow:
        return {m.account_id: m.role for m in await uow.memberships.for_enterprise(enterprise_id)}


async def test_a_new_legal_rep_approved_replaces_the_old_who_stays_a_member(app: FakeApp):
    zhang = await app.verified_user()
    enterprise_id = await certified(app, zhang)
    li = await app.verified_user("13900139000", "李四", ID_LI)  # already verified: linked on approval
    change = await request(app, zhang, enterprise_id, rep="李四", number=ID_LI)
    assert change.status is ChangeStatus.AWAITING_TRANSFER
    done = await through_transfer(app, zhang, enterprise_id)
    review = done.review
    assert (review.kind, review.subject_id) == (ReviewKind.ENTERPRISE_CHANGE, change.id)
    assert "张三 → 李四" in review.subject_summary and CREDIT_CODE in review.subject_summary
    assert set(review.attachments) == {"businessLicence", "signedLetter", "confirmationLetter"}

    await app.four_eyes(review.id)
    e = await stored(app, enterprise_id)
    assert (e.legal_rep_name, e.credit_code, e.status) == ("李四", CREDIT_CODE, CertificationStatus.CERTIFIED)
    assert await roles(app, enterprise_id) == {zhang.account_id: EnterpriseRole.ADMIN,
                                               li.account_id: EnterpriseRole.LEGAL_REP}
    assert app.db.tables["enterprise_changes"][change.id].status is ChangeStatus.APPROVED
    await app.deliver()
    assert "已审核通过" in app.sms.to(zhang.phone)[-1].text


async def test_a_new_name_approved_renames_and_the_hooks_hear_it_in_the_same_transaction(app: FakeApp):
    zhang = await app.verified_user()
    enterprise_id = await certified(app, zhang)
    heard = []

    async def hook(uow, event):
        heard.append((event, (await uow.enterprises.get(event.enterprise_id)).name))

    decide_with_hook = DecideReview(app.uow, app.clock, review_outcomes((), [hook]))
    await request(app, zhang, enterprise_id, name="北京数信新科技有限公司")
    done = await through_transfer(app, zhang, enterprise_id)
    await app.four_eyes(done.review.id, decide_with_hook)
    (event, name_seen), = heard
    assert (event.old_name, event.new_name, event.legal_rep_changed) == ("北京数信科技有限公司",
                                                                         "北京数信新科技有限公司", False)
    assert name_seen == "北京数信新科技有限公司"
    assert (await stored(app, enterprise_id)).name == "北京数信新科技有限公司"
    assert (await roles(app, enterprise_id))[zhang.account_id] is EnterpriseRole.LEGAL_REP


async def test_a_failing_hook_rolls_the_approval_back(app: FakeApp):
    zhang = await app.verified_user()
    enterprise_id = await certified(app, zhang)

    async def broken(uow, event):
        raise RuntimeError("seal service down")

    hooks: list[EnterpriseChangedHook] = [broken]
    await request(app, zhang, enterprise_id, name="北京数信新科技有限公司")
    done = await through_transfer(app, zhang, enterprise_id)
    with pytest.raises(RuntimeError):
        await app.four_eyes(done.review.id, DecideReview(app.uow, app.clock, review_outcomes((), hooks)))
    assert (await stored(app, enterprise_id)).name == "北京数信科技有限公司"
    assert app.db.tables["reviews"][done.review.id].status is ReviewStatus.PENDING


async def test_a_rejected_change_changes_nothing(app: FakeApp):
    zhang = await app.verified_user()
    enterprise_id = await certified(app, zhang)
    change = await request(app, zhang, enterprise_id, rep="李四", number=ID_LI)
    done = await through_transfer(app, zhang, enterprise_id)
    await decide(app, done.review.id, False, "新营业执照不清晰")
    e = await stored(app, enterprise_id)
    assert e.legal_rep_name == "张三"
    assert (await roles(app, enterprise_id))[zhang.account_id] is EnterpriseRole.LEGAL_REP
    c = app.db.tables["enterprise_changes"][change.id]
    assert (c.status, c.reason) == (ChangeStatus.REJECTED, "新营业执照不清晰")
    # The enterprise may ask again.
    assert (await request(app, zhang, enterprise_id, name="北京数信新科技有限公司")).is_open


async def test_a_new_legal_rep_who_verifies_later_is_linked_then(app: FakeApp):
    zhang = await app.verified_user()
    enterprise_id = await certified(app, zhang)
    await request(app, zhang, enterprise_id, rep="王五", number=ID_WANG)
    done = await through_transfer(app, zhang, enterprise_id)
    await app.four_eyes(done.review.id)
    wang = await app.verified_user("13700137000", "王五", ID_WANG)
    assert (await roles(app, enterprise_id))[wang.account_id] is EnterpriseRole.LEGAL_REP


async def test_one_open_change_at_a_time_and_only_for_a_certified_enterprise(app: FakeApp):
    zhang = await app.verified_user()
    pending = (await app.create_enterprise(zhang)).enterprise
    with pytest.raises(DomainError) as err:
        await request(app, zhang, pending.id, name="北京数信新科技有限公司")
    assert err.value.code is ErrorCode.ENTERPRISE_NOT_CERTIFIED
    enterprise_id = await certified(app, zhang)
    await request(app, zhang, enterprise_id, name="北京数信新科技有限公司")
    with pytest.raises(DomainError) as err:
        await request(app, zhang, enterprise_id, rep="李四", number=ID_LI)
    assert err.value.code is ErrorCode.ENTERPRISE_CHANGE_IN_PROGRESS
    assert len(app.db.rows("enterprise_changes")) == 1


@pytest.mark.parametrize(("kw", "field"), [
    ({}, "newName"),
    ({"name": "北京数信科技有限公司"}, "newName"),  # the same name: nothing to change
    ({"rep": "张三", "number": None}, "newLegalRepIdNumber"),
    ({"rep": None, "number": ID_LI}, "newLegalRepName"),
    ({"rep": "李四", "number": "110105194912310020"}, "newLegalRepIdNumber"),
    ({"name": "北京数信新科技有限公司", "letter": b"GIF89a"}, "signedLetter"),
])
async def test_bad_change_requests_are_refused_and_nothing_is_kept(app: FakeApp, kw, field):
    zhang = await app.verified_user()
    enterprise_id = await certified(app, zhang)
    blobs = len(app.blobs.blobs)
    with pytest.raises(DomainError) as err:
        await request(app, zhang, enterprise_id, **kw)
    assert err.value.field == field
    assert app.db.rows("enterprise_changes") == [] and len(app.blobs.blobs) == blobs


async def test_a_certified_enterprise_without_an_open_change_has_no_transfer_to_make(app: FakeApp):
    zhang = await app.verified_user()
    enterprise_id = await certified(app, zhang)
    with pytest.raises(DomainError) as err:
        await start(app, zhang, enterprise_id)
    assert err.value.code is ErrorCode.ENTERPRISE_ALREADY_CERTIFIED


async def test_a_failed_change_transfer_leaves_the_change_waiting_for_another(app: FakeApp):
    zhang = await app.verified_user()
    enterprise_id = await certified(app, zhang)
    change = await request(app, zhang, enterprise_id, name="北京数信新科技有限公司")
    t = await start(app, zhang, enterprise_id)
    wrong = f"{(int(app.bank.code_sent_to(ACCOUNT)) + 1) % 1_000_000:06d}"
    for _ in range(3):
        with pytest.raises(DomainError):
            await confirm(app, zhang, t.id, wrong)
    assert app.db.tables["enterprise_changes"][change.id].status is ChangeStatus.AWAITING_TRANSFER
    assert (await stored(app, enterprise_id)).status is CertificationStatus.CERTIFIED
    done = await through_transfer(app, zhang, enterprise_id)
    assert done.review.subject_id == change.id
    # The order went to the account held in the new name.
    assert app.bank.orders[-1].account_name == "北京数信新科技有限公司"


async def test_four_eyes_a_change_needs_a_second_operator_who_is_a_supervisor(app: FakeApp):
    zhang = await app.verified_user()
    enterprise_id = await certified(app, zhang)
    await request(app, zhang, enterprise_id, name="北京数信新科技有限公司")
    done = await through_transfer(app, zhang, enterprise_id)
    first = await decide(app, done.review.id, True)
    assert (first.status, first.awaiting_second_approval) == (ReviewStatus.PENDING, True)
    assert (await stored(app, enterprise_id)).name == "北京数信科技有限公司"  # nothing changes on one approval
    with pytest.raises(DomainError) as same:
        await decide(app, done.review.id, True)
    assert same.value.code is ErrorCode.SECOND_APPROVER_REQUIRED
    other_reviewer = await app.operator("reviewer2")
    with pytest.raises(DomainError) as junior:
        await app.decide_review(DecideReviewCommand(other_reviewer, done.review.id, True, None, DEFAULT_META))
    assert junior.value.code is ErrorCode.SECOND_APPROVER_REQUIRED
    assert (await stored(app, enterprise_id)).name == "北京数信科技有限公司"
    supervisor = await app.operator("supervisor", role=OperatorRole.SUPERVISOR)
    final = await app.decide_review(DecideReviewCommand(supervisor, done.review.id, True, None, DEFAULT_META))
    assert (final.status, final.decided_by, final.first_approved_by) == (
        ReviewStatus.APPROVED, supervisor.id, (await app.operator()).id)
    assert (await stored(app, enterprise_id)).name == "北京数信新科技有限公司"
    assert [e.kind for e in app.db.audit_events() if e.kind.startswith("review.")][-2:] == [
        "review.first_approval", "review.decided"]


async def test_either_operator_may_reject_a_change_on_their_own(app: FakeApp):
    zhang = await app.verified_user()
    enterprise_id = await certified(app, zhang)
    await request(app, zhang, enterprise_id, name="北京数信新科技有限公司")
    done = await through_transfer(app, zhang, enterprise_id)
    await decide(app, done.review.id, True)
    rejected = await decide(app, done.review.id, False, "复核发现执照不符")
    assert rejected.status is ReviewStatus.REJECTED
    assert (await stored(app, enterprise_id)).name == "北京数信科技有限公司"
