"""BankTransfer (§5.1.2), EnterpriseChange (§8.6) and the Enterprise's bank-transfer and change transitions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from domain.enterprises.bank_transfer import (
    BankTransfer,
    FailureReason,
    TransferClosed,
    TransferCodeInvalid,
    TransferExpired,
    TransferFailed,
    TransferPurpose,
    TransferStatus,
    mask_account_number,
)
from domain.enterprises.change import ChangeStatus, EnterpriseChange, NothingToChange
from domain.enterprises.credit_code import CreditCode
from domain.enterprises.enterprise import (
    CertificationMethod,
    CertificationStatus,
    Enterprise,
    EnterpriseAlreadyCertified,
    LegalRepEvidence,
    MethodUnavailable,
)
from domain.errors import DomainError
from tests.app_fixture import CREDIT_CODE

NOW = datetime(2026, 3, 8, 2, 0, tzinfo=UTC)
ZHANG = LegalRepEvidence("张三", b"cipher", "index-zhang", "4401**********123X")
LI = LegalRepEvidence("李四", b"cipher-li", "index-li", "1101**********0021")


def enterprise(*, passed: bool | None = True) -> Enterprise:
    e = Enterprise.register(name="北京数信科技有限公司", credit_code=CreditCode(CREDIT_CODE), legal_rep=ZHANG,
                            licence_blob_id="blob", licence_content_type="image/png", created_by=uuid4(), now=NOW)
    if passed is not None:
        e.four_element_checked(passed, NOW)
    return e


def transfer(**kw) -> BankTransfer:
    args = dict(transfer_id=uuid4(), enterprise_id=uuid4(), initiated_by=uuid4(),
                purpose=TransferPurpose.CERTIFICATION, change_id=None, account_number_ciphertext=b"c",
                account_number_masked="6222****1234", bank_name="中国工商银行北京海淀支行", code_hash="right",
                amount_fen=37, bank_reference="SXQ1", now=NOW)
    return BankTransfer.start(**{**args, **kw})


# ---- the enterprise's transitions


def test_a_passed_check_starts_a_bank_transfer_a_failed_one_a_manual_review():
    e, m = enterprise(passed=True), enterprise(passed=False)
    assert e.start_transfer(NOW) is CertificationMethod.BANK_TRANSFER
    assert m.start_transfer(NOW) is CertificationMethod.MANUAL_REVIEW
    assert e.status is m.status is CertificationStatus.AWAITING_TRANSFER


def test_no_transfer_before_the_four_element_check():
    with pytest.raises(MethodUnavailable):
        enterprise(passed=None).start_transfer(NOW)


def test_a_failed_transfer_returns_the_enterprise_to_choosing_a_path():
    e = enterprise()
    e.start_transfer(NOW)
    e.transfer_failed(NOW)
    assert e.status is CertificationStatus.AWAITING_AUTHORIZATION and e.method is None


def test_approval_certifies_and_claims_the_credit_code():
    e = enterprise()
    e.start_transfer(NOW)
    e.submit_for_review(NOW)
    e.approve_certification(NOW)
    assert e.is_certified and e.certified_credit_code == CREDIT_CODE and e.method is CertificationMethod.BANK_TRANSFER
    with pytest.raises(EnterpriseAlreadyCertified):
        e.start_transfer(NOW)


def test_a_rejected_enterprise_keeps_the_reason_and_may_start_again():
    e = enterprise()
    e.start_transfer(NOW)
    e.submit_for_review(NOW)
    e.reject_certification("授权书未加盖公章", NOW)
    assert (e.status, e.rejection_reason) == (CertificationStatus.REJECTED, "授权书未加盖公章")
    e.start_transfer(NOW)
    assert e.status is CertificationStatus.AWAITING_TRANSFER and e.rejection_reason is None


def test_no_review_without_a_confirmed_transfer():
    e = enterprise()
    with pytest.raises(DomainError):
        e.submit_for_review(NOW)
    with pytest.raises(DomainError):
        e.approve_certification(NOW)


def test_a_change_applies_to_a_certified_enterprise_only():
    e = enterprise()
    with pytest.raises(DomainError):
        e.apply_change(new_name="新名称有限公司", new_legal_rep=None, now=NOW)
    e.certify_by_legal_rep(NOW)
    e.apply_change(new_name="北京数信新科技有限公司", new_legal_rep=LI, now=NOW)
    assert (e.name, e.legal_rep_name, e.legal_rep_id_index, e.credit_code) == (
        "北京数信新科技有限公司", "李四", "index-li", CREDIT_CODE)


# ---- the transfer


def test_a_transfer_lasts_72_hours_with_three_tries():
    t = transfer()
    assert t.expires_at == NOW + timedelta(hours=72) and t.attempts_left == 3 and t.open_enterprise_id == t.enterprise_id


def test_the_right_code_confirms_and_closes():
    t = transfer()
    t.confirm("right", NOW + timedelta(hours=71))
    assert t.status is TransferStatus.CONFIRMED and t.open_enterprise_id is None and t.attempts_left == 0
    with pytest.raises(TransferClosed):
        t.confirm("right", NOW)


def test_wrong_codes_count_and_the_third_fails_the_transfer():
    t = transfer()
    with pytest.raises(TransferCodeInvalid) as first:
        t.confirm("wrong", NOW)
    assert "2" in first.value.message and t.attempts_left == 2
    with pytest.raises(TransferCodeInvalid):
        t.confirm("wrong", NOW)
    with pytest.raises(TransferFailed):
        t.confirm("wrong", NOW)
    assert (t.status, t.failure_reason, t.open_enterprise_id) == (TransferStatus.FAILED,
                                                                   FailureReason.TOO_MANY_ATTEMPTS, None)
    with pytest.raises(TransferFailed):
        t.confirm("right", NOW)  # even the right code is too late now


def test_after_72_hours_even_the_right_code_expires_the_transfer():
    t = transfer()
    with pytest.raises(TransferExpired):
        t.confirm("right", NOW + timedelta(hours=72))
    assert t.status is TransferStatus.EXPIRED and t.attempts == 0


def test_a_deposit_the_bank_could_not_make_fails_the_transfer_with_the_banks_reason():
    t = transfer()
    t.bank_failed(FailureReason.NAME_MISMATCH, NOW)
    with pytest.raises(TransferFailed) as err:
        t.confirm("right", NOW)
    assert "户名" in err.value.message


def test_a_change_transfer_names_its_change():
    with pytest.raises(ValueError):
        transfer(purpose=TransferPurpose.CHANGE)
    with pytest.raises(ValueError):
        transfer(change_id=uuid4())
    assert transfer(purpose=TransferPurpose.CHANGE, change_id=(cid := uuid4())).change_id == cid


def test_the_account_number_is_shown_masked():
    assert mask_account_number("6222020200112233445") == "6222***********3445"


# ---- the change


def change(**kw) -> EnterpriseChange:
    args = dict(change_id=uuid4(), enterprise_id=uuid4(), requested_by=uuid4(), old_name="北京数信科技有限公司",
                old_legal_rep_name="张三", new_name=None, new_legal_rep=LI, licence=("l", "image/png"),
                letter=("s", "application/pdf"), now=NOW)
    return EnterpriseChange.request(**{**args, **kw})


def test_a_change_needs_something_to_change():
    with pytest.raises(NothingToChange):
        change(new_legal_rep=None)
    with pytest.raises(NothingToChange):
        change(new_legal_rep=None, new_name="北京数信科技有限公司")


def test_a_change_waits_for_a_transfer_then_a_review():
    c = change()
    assert c.is_open and c.open_enterprise_id == c.enterprise_id and c.new_legal_rep == LI
    with pytest.raises(DomainError):
        c.approve(NOW)
    c.submit_for_review(NOW)
    c.approve(NOW)
    assert c.status is ChangeStatus.APPROVED and not c.is_open and c.open_enterprise_id is None


def test_a_rejected_change_keeps_the_reason():
    c = change(new_name="北京数信新科技有限公司", new_legal_rep=None)
    c.submit_for_review(NOW)
    c.reject("营业执照与名称不符", NOW)
    assert (c.status, c.reason, c.open_enterprise_id) == (ChangeStatus.REJECTED, "营业执照与名称不符", None)
