"""§5.1.2 bank transfer, §5.1.3 manual review and the operator's review of both, on fakes."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

import pytest

from application.enterprises.confirm_bank_transfer import ConfirmBankTransferCommand
from application.enterprises.letter_template import PrepareLetterTemplateCommand
from application.enterprises.start_bank_transfer import StartBankTransferCommand
from application.identity.reviews import DecideReviewCommand
from application.identity.submit_manual_verification import UploadedImage
from domain.enterprises.bank_transfer import FailureReason, TransferStatus
from domain.enterprises.enterprise import CertificationMethod, CertificationStatus, Membership
from domain.errors import DomainError, ErrorCode
from domain.identity.review import ReviewKind, ReviewStatus
from tests.app_fixture import CREDIT_CODE, DEFAULT_META, ID_LI, ID_WANG, FakeApp, User
from tests.fakes import png

ACCOUNT = "6222020200112233445"
BANK = "中国工商银行北京海淀支行"
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def letter(data: bytes = PDF) -> UploadedImage:
    return UploadedImage(data, "letter.pdf")


async def start(app: FakeApp, user: User, enterprise_id, account: str = ACCOUNT):
    return await app.enterprises.transfers.start_bank_transfer(
        StartBankTransferCommand(user.principal, enterprise_id, account, BANK, DEFAULT_META))


async def confirm(app: FakeApp, user: User, transfer_id, code: str, signed: UploadedImage | None = None):
    return await app.enterprises.transfers.confirm_bank_transfer(
        ConfirmBankTransferCommand(user.principal, transfer_id, code, signed or letter(), DEFAULT_META))


async def decide(app: FakeApp, review_id, approve: bool, reason: str | None = None):
    return await app.decide_review(DecideReviewCommand(await app.operator(), review_id, approve, reason, DEFAULT_META))


async def stored(app: FakeApp, enterprise_id):
    async with app.uow() as uow:
        return await uow.enterprises.get(enterprise_id)


async def reviewed(app: FakeApp, user: User, **create):
    """An enterprise whose transfer was confirmed: it waits for an operator. Returns (enterprise id, confirmed)."""
    e = (await app.create_enterprise(user, **create)).enterprise
    t = await start(app, user, e.id)
    return e.id, await confirm(app, user, t.id, app.bank.code_sent_to(ACCOUNT))


async def test_the_deposit_goes_to_the_account_in_the_enterprises_name_with_a_code(app: FakeApp):
    user = await app.verified_user()
    e = (await app.create_enterprise(user, legal_rep_name="李四", legal_rep_id_number=ID_LI)).enterprise
    t = await start(app, user, e.id, account="6222 0202 0011 2233 445")
    order = app.bank.orders[-1]
    assert (order.account_number, order.account_name, order.bank_name) == (ACCOUNT, "北京数信科技有限公司", BANK)
    assert 1 <= order.amount_fen <= 99 and order.remark[-6:].isdigit()
    assert (t.status, t.attempts_left, t.expires_at) == (TransferStatus.AWAITING_CODE, 3,
                                                         app.clock.now() + timedelta(hours=72))
    row = app.db.rows("bank_transfers")[0]
    # Neither the account number nor the code is stored in clear.
    assert ACCOUNT.encode() not in row.account_number_ciphertext and row.account_number_masked == "6222***********3445"
    assert order.remark[-6:] not in row.code_hash
    e = await stored(app, e.id)
    assert (e.status, e.method) == (CertificationStatus.AWAITING_TRANSFER, CertificationMethod.BANK_TRANSFER)


async def test_the_right_code_and_letter_go_to_an_operator_who_certifies(app: FakeApp):
    user = await app.verified_user()
    enterprise_id, done = await reviewed(app, user)
    assert done.transfer.status is TransferStatus.CONFIRMED
    assert done.enterprise.status is CertificationStatus.PENDING_REVIEW
    review = app.db.reviews()[-1]
    assert (review.kind, review.subject_id, review.subject_account_id) == (
        ReviewKind.ENTERPRISE_CERTIFICATION, enterprise_id, user.account_id)
    assert "北京数信科技有限公司" in review.subject_summary and CREDIT_CODE in review.subject_summary
    assert "对公打款" in review.subject_summary
    # The operator reads the licence and the signed letter through the review's attachments.
    op = await app.operator()
    assert (await app.read_review_attachment(op, review.id, "signedLetter")) == (PDF, "application/pdf")
    assert (await app.read_review_attachment(op, review.id, "businessLicence"))[1] == "image/png"

    await decide(app, review.id, True)
    e = await stored(app, enterprise_id)
    assert (e.status, e.certified_credit_code) == (CertificationStatus.CERTIFIED, CREDIT_CODE)
    await app.deliver()
    assert "审核通过" in app.sms.to(user.phone)[-1].text


async def test_after_a_failed_four_element_check_the_same_path_is_a_manual_review(app: FakeApp):
    user = await app.verified_user()
    app.enterprise_verifier.mismatch.add(CREDIT_CODE)
    enterprise_id, _done = await reviewed(app, user)
    assert (await stored(app, enterprise_id)).method is CertificationMethod.MANUAL_REVIEW
    assert "人工审核" in app.db.reviews()[-1].subject_summary


async def test_a_rejection_keeps_the_reason_and_the_enterprise_may_start_again(app: FakeApp):
    user = await app.verified_user()
    enterprise_id, _done = await reviewed(app, user)
    await decide(app, app.db.reviews()[-1].id, False, "授权书未加盖企业公章")
    e = await stored(app, enterprise_id)
    assert (e.status, e.rejection_reason) == (CertificationStatus.REJECTED, "授权书未加盖企业公章")
    await app.deliver()
    assert "授权书未加盖企业公章" in app.sms.to(user.phone)[-1].text
    again = await start(app, user, enterprise_id)
    assert again.status is TransferStatus.AWAITING_CODE


async def test_a_wrong_code_costs_a_try_that_is_kept_and_the_third_fails_the_transfer(app: FakeApp):
    user = await app.verified_user()
    e = (await app.create_enterprise(user)).enterprise
    t = await start(app, user, e.id)
    right = app.bank.code_sent_to(ACCOUNT)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    for left in (2, 1):
        with pytest.raises(DomainError) as err:
            await confirm(app, user, t.id, wrong)
        assert err.value.code is ErrorCode.BANK_TRANSFER_CODE_INVALID and f"{left} 次" in err.value.message
        assert app.db.rows("bank_transfers")[0].attempts == 3 - left  # committed despite the error
    with pytest.raises(DomainError) as err:
        await confirm(app, user, t.id, wrong)
    assert err.value.code is ErrorCode.BANK_TRANSFER_FAILED
    assert app.db.rows("bank_transfers")[0].status is TransferStatus.FAILED
    assert (await stored(app, e.id)).status is CertificationStatus.AWAITING_AUTHORIZATION
    assert app.db.reviews() == [] and len(app.blobs.blobs) == 1  # only the licence: no letter kept
    with pytest.raises(DomainError) as err:
        await confirm(app, user, t.id, right)
    assert err.value.code is ErrorCode.BANK_TRANSFER_FAILED
    # A new transfer may be started.
    assert (await start(app, user, e.id)).attempts_left == 3


async def test_a_wrong_code_that_meets_a_rival_writer_is_counted_on_fresh_rows_not_lost_as_a_conflict(app: FakeApp):
    user = await app.verified_user()
    e = (await app.create_enterprise(user)).enterprise
    t = await start(app, user, e.id)
    wrong = f"{(int(app.bank.code_sent_to(ACCOUNT)) + 1) % 1_000_000:06d}"

    async def rival(uow):  # a writer of the row that does not take the transfer's lock
        (await uow.bank_transfers.get(t.id)).attempts += 1

    app.uow.interleave(rival)
    with pytest.raises(DomainError) as err:
        await confirm(app, user, t.id, wrong)
    assert err.value.code is ErrorCode.BANK_TRANSFER_CODE_INVALID and "1 次" in err.value.message
    assert app.db.rows("bank_transfers")[0].attempts == 2  # the rival's and this one: neither lost


async def test_after_72_hours_the_transfer_expires(app: FakeApp):
    user = await app.verified_user()
    e = (await app.create_enterprise(user)).enterprise
    t = await start(app, user, e.id)
    app.clock.advance(hours=72)
    with pytest.raises(DomainError) as err:
        await confirm(app, user, t.id, app.bank.code_sent_to(ACCOUNT))
    assert err.value.code is ErrorCode.BANK_TRANSFER_EXPIRED
    assert app.db.rows("bank_transfers")[0].status is TransferStatus.EXPIRED
    assert (await stored(app, e.id)).status is CertificationStatus.AWAITING_AUTHORIZATION


async def test_a_second_transfer_waits_for_the_first_unless_its_deposit_failed(app: FakeApp):
    user = await app.verified_user()
    e = (await app.create_enterprise(user)).enterprise
    app.bank.fail_later[ACCOUNT] = FailureReason.NAME_MISMATCH
    await start(app, user, e.id)
    other = "6222020200112233446"
    # The bank has since said the first deposit failed: a new one may go to another account.
    second = await start(app, user, e.id, account=other)
    assert [t.status for t in app.db.rows("bank_transfers")].count(TransferStatus.FAILED) == 1
    with pytest.raises(DomainError) as err:
        await start(app, user, e.id, account=other)
    assert err.value.code is ErrorCode.CONFLICT
    assert second.status is TransferStatus.AWAITING_CODE


async def test_a_late_bank_failure_fails_the_confirmation_with_the_banks_reason(app: FakeApp):
    user = await app.verified_user()
    e = (await app.create_enterprise(user)).enterprise
    t = await start(app, user, e.id)
    app.bank.fail_later[ACCOUNT] = FailureReason.NAME_MISMATCH
    with pytest.raises(DomainError) as err:
        await confirm(app, user, t.id, app.bank.code_sent_to(ACCOUNT))
    assert err.value.code is ErrorCode.BANK_TRANSFER_FAILED and "户名" in err.value.message
    assert (await stored(app, e.id)).status is CertificationStatus.AWAITING_AUTHORIZATION


async def test_the_bank_refusing_or_down_changes_nothing(app: FakeApp):
    user = await app.verified_user()
    e = (await app.create_enterprise(user)).enterprise
    app.bank.refuse[ACCOUNT] = FailureReason.ACCOUNT_NOT_FOUND
    with pytest.raises(DomainError) as err:
        await start(app, user, e.id)
    assert (err.value.code, err.value.field) == (ErrorCode.BANK_TRANSFER_FAILED, "accountNumber")
    app.bank.refuse.clear()
    app.bank.down = True
    with pytest.raises(DomainError) as err:
        await start(app, user, e.id)
    assert err.value.code is ErrorCode.SERVICE_UNAVAILABLE
    assert app.db.rows("bank_transfers") == []
    assert (await stored(app, e.id)).status is CertificationStatus.AWAITING_AUTHORIZATION


@pytest.mark.parametrize(("account", "bank", "field"), [("62-22", BANK, "accountNumber"),
                                                        ("6222abc0200112233", BANK, "accountNumber"),
                                                        (ACCOUNT, "x", "bankName")])
async def test_bad_account_or_bank_is_refused_before_the_bank_is_asked(app: FakeApp, account, bank, field):
    user = await app.verified_user()
    e = (await app.create_enterprise(user)).enterprise
    with pytest.raises(DomainError) as err:
        await app.enterprises.transfers.start_bank_transfer(
            StartBankTransferCommand(user.principal, e.id, account, bank, DEFAULT_META))
    assert (err.value.code, err.value.field) == (ErrorCode.INVALID_INPUT, field)
    assert app.bank.orders == []


async def test_a_letter_that_is_not_a_pdf_or_image_costs_no_try(app: FakeApp):
    user = await app.verified_user()
    e = (await app.create_enterprise(user)).enterprise
    t = await start(app, user, e.id)
    for bad in (b"GIF89a....", b"%PDF-1.7 cut off", b"x" * (5 * 1024 * 1024 + 1)):
        with pytest.raises(DomainError) as err:
            await confirm(app, user, t.id, app.bank.code_sent_to(ACCOUNT), letter(bad))
        assert err.value.field == "signedLetter"
    assert app.db.rows("bank_transfers")[0].attempts == 0
    done = await confirm(app, user, t.id, app.bank.code_sent_to(ACCOUNT), UploadedImage(png(), "letter.png"))
    assert app.db.reviews()[-1].attachments["signedLetter"] in app.blobs.blobs and done.review


async def test_a_member_may_not_and_an_outsider_learns_nothing(app: FakeApp):
    admin = await app.verified_user()
    e = (await app.create_enterprise(admin)).enterprise
    member = await app.verified_user("13900139000", "李四", ID_LI)
    async with app.uow() as uow:
        uow.memberships.add(Membership(enterprise_id=e.id, account_id=member.account_id,
                                       joined_at=app.clock.now()))
        await uow.commit()
    outsider = await app.verified_user("13700137000", "王五", ID_WANG)
    with pytest.raises(DomainError) as err:
        await start(app, member, e.id)
    assert err.value.code is ErrorCode.NOT_ENTERPRISE_ADMIN
    with pytest.raises(DomainError) as err:
        await start(app, outsider, e.id)
    assert err.value.code is ErrorCode.NOT_FOUND
    t = await start(app, admin, e.id)
    with pytest.raises(DomainError) as err:
        await confirm(app, outsider, t.id, app.bank.code_sent_to(ACCOUNT))
    assert err.value.code is ErrorCode.NOT_FOUND
    with pytest.raises(DomainError) as err:
        await app.enterprises.transfers.prepare_letter_template(PrepareLetterTemplateCommand(outsider.principal, e.id))
    assert err.value.code is ErrorCode.NOT_FOUND
    assert app.db.rows("bank_transfers")[0].attempts == 0


async def test_the_admin_gets_a_blank_letter_naming_them_that_members_can_read(app: FakeApp):
    admin = await app.verified_user()
    e = (await app.create_enterprise(admin, legal_rep_name="李四", legal_rep_id_number=ID_LI)).enterprise
    letter_row = await app.enterprises.transfers.prepare_letter_template(PrepareLetterTemplateCommand(
        admin.principal, e.id, meta=DEFAULT_META))
    content = app.blobs.blobs[letter_row.blob_id][0].decode()
    # The caller is the authorised agent; the legal rep is the enterprise's.
    assert "applicant_name='张三'" in content and "legal_rep_name='李四'" in content
    pdf = await app.enterprises.read_authorization_letter(admin.principal, letter_row.id, signed=False)
    assert pdf is not None and pdf.startswith(b"%PDF")


async def test_approval_is_refused_when_another_enterprise_was_certified_with_the_code_meanwhile(app: FakeApp):
    user = await app.verified_user()
    enterprise_id, _done = await reviewed(app, user)
    rival = await app.verified_user("13900139000", "李四", ID_LI)
    created = await app.create_enterprise(rival)  # same credit code, not yet certified
    t = await start(app, rival, created.enterprise.id, account="6222020200112233446")
    await confirm(app, rival, t.id, app.bank.code_sent_to("6222020200112233446"))
    first, second = app.db.reviews()[-2:]
    await decide(app, second.id, True)
    with pytest.raises(DomainError) as err:
        await decide(app, first.id, True)
    assert err.value.code is ErrorCode.ENTERPRISE_ALREADY_CERTIFIED
    assert app.db.tables["reviews"][first.id].status is ReviewStatus.PENDING
    assert (await stored(app, enterprise_id)).status is CertificationStatus.PENDING_REVIEW
    await decide(app, first.id, False, "该统一社会信用代码已被其他企业认证")
    assert (await stored(app, enterprise_id)).status is CertificationStatus.REJECTED


async def test_the_admin_resumes_the_open_transfer_a_member_does_not_see_it(app: FakeApp):
    admin = await app.verified_user()
    e = (await app.create_enterprise(admin)).enterprise
    progress = app.enterprises.transfers.certification_progress
    assert await progress(admin.principal, e.id) == (None, None)
    t = await start(app, admin, e.id)
    transfer, change = await progress(admin.principal, e.id)
    assert transfer.id == t.id and change is None
    member = await app.verified_user("13900139000", "李四", ID_LI)
    async with app.uow() as uow:
        uow.memberships.add(Membership(enterprise_id=e.id, account_id=member.account_id, joined_at=app.clock.now()))
        await uow.commit()
    assert await progress(member.principal, e.id) is None


async def test_an_initiator_who_deletes_their_account_leaves_the_enterprise_review_and_its_files(app: FakeApp):
    from application.accounts.delete_account import DeleteAccountCommand
    from domain.accounts.sms import SmsPurpose

    user = await app.verified_user()
    enterprise_id, _done = await reviewed(app, user)
    async with app.uow() as uow:  # no longer admin nor legal rep (e.g. after §8.4), so deletion is allowed
        m = await uow.memberships.of(enterprise_id, user.account_id)
        m.is_admin = m.is_legal_rep = False
        await uow.commit()
    code = await app.send_code(user.phone, SmsPurpose.DELETE_ACCOUNT, principal=user.principal)
    await app.delete_account(DeleteAccountCommand(user.principal, code, DEFAULT_META))
    await app.deliver()
    review = app.db.reviews()[-1]
    assert review.status is ReviewStatus.PENDING and set(review.attachments) == {"businessLicence", "signedLetter"}
    assert all(blob in app.blobs.blobs for blob in review.attachments.values())


async def test_a_concurrent_second_start_is_a_conflict_and_leaves_one_open_transfer(app: FakeApp):
    user = await app.verified_user()
    e = (await app.create_enterprise(user)).enterprise

    async def rival(uow):
        from domain.enterprises.bank_transfer import BankTransfer, TransferPurpose

        enterprise = await uow.enterprises.get(e.id)
        enterprise.start_transfer(app.clock.now())
        uow.bank_transfers.add(BankTransfer.start(
            transfer_id=uuid4(), enterprise_id=e.id, initiated_by=user.account_id,
            purpose=TransferPurpose.CERTIFICATION, change_id=None, account_number_ciphertext=b"c",
            account_number_masked="6222****3446", bank_name=BANK, code_hash="h", amount_fen=1,
            bank_reference="SXQRIVAL", now=app.clock.now()))

    app.uow.interleave(rival)
    with pytest.raises(DomainError) as err:
        await start(app, user, e.id)
    assert err.value.code is ErrorCode.CONFLICT
    assert [t.bank_reference for t in app.db.rows("bank_transfers")] == ["SXQRIVAL"]


async def test_an_open_transfer_past_its_72_hours_shows_as_expired(app: FakeApp):
    user = await app.verified_user()
    e = (await app.create_enterprise(user)).enterprise
    await start(app, user, e.id)
    app.clock.advance(hours=72)
    transfer, _change = await app.enterprises.transfers.certification_progress(user.principal, e.id)
    assert transfer.status is TransferStatus.EXPIRED and transfer.attempts_left == 0
