"""The Enterprise aggregate: the certification state machine, the paths a four-element check opens, roles."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

import pytest

from domain.enterprises.credit_code import CreditCode
from domain.enterprises.enterprise import (
    CertificationMethod,
    CertificationStatus,
    Enterprise,
    EnterpriseAlreadyCertified,
    EnterpriseRole,
    LegalRepEvidence,
    Membership,
    MethodUnavailable,
    founding_membership,
)
from tests.app_fixture import CREDIT_CODE

NOW = datetime(2026, 3, 8, 2, 0, tzinfo=UTC)


def enterprise() -> Enterprise:
    rep = LegalRepEvidence("张三", b"cipher", "index-zhang", "4401**********123X")
    return Enterprise.register(name="北京数信科技有限公司", credit_code=CreditCode(CREDIT_CODE), legal_rep=rep,
                               licence_blob_id="blob", licence_content_type="image/png", created_by=uuid4(), now=NOW)


def test_a_new_enterprise_is_a_draft_with_no_path_until_checked():
    e = enterprise()
    assert e.status is CertificationStatus.DRAFT and e.available_methods == ()


def test_a_passed_check_opens_legal_rep_authorisation_and_bank_transfer():
    e = enterprise()
    e.four_element_checked(True, NOW)
    assert e.status is CertificationStatus.AWAITING_AUTHORIZATION
    assert e.available_methods == (CertificationMethod.LEGAL_REP_AUTHORIZATION, CertificationMethod.BANK_TRANSFER)


def test_a_failed_check_leaves_only_manual_review_and_refuses_legal_rep_authorisation():
    e = enterprise()
    e.four_element_checked(False, NOW)
    assert e.available_methods == (CertificationMethod.MANUAL_REVIEW,)
    with pytest.raises(MethodUnavailable):
        e.certify_by_legal_rep(NOW)
    assert e.status is CertificationStatus.AWAITING_AUTHORIZATION


def test_legal_rep_authorisation_certifies_once():
    e = enterprise()
    e.four_element_checked(True, NOW)
    e.certify_by_legal_rep(NOW)
    assert e.is_certified and e.method is CertificationMethod.LEGAL_REP_AUTHORIZATION
    assert e.certified_credit_code == CREDIT_CODE and e.certified_at == NOW and e.available_methods == ()
    with pytest.raises(EnterpriseAlreadyCertified):
        e.certify_by_legal_rep(NOW)


def test_the_legal_rep_is_recognised_by_name_and_document_index_together():
    e = enterprise()
    assert e.is_legal_rep("张三", "index-zhang")
    assert not e.is_legal_rep("李四", "index-zhang")
    assert not e.is_legal_rep("张三", "index-other")
    assert not e.is_legal_rep(None, None)


def test_roles_read_as_the_stronger_flag():
    e = enterprise()
    assert founding_membership(e, founder_is_legal_rep=False).role is EnterpriseRole.ADMIN
    both = founding_membership(e, founder_is_legal_rep=True)
    assert both.role is EnterpriseRole.LEGAL_REP and both.is_admin and both.may_administer
    plain = Membership(enterprise_id=e.id, account_id=uuid4(), joined_at=NOW)
    assert plain.role is EnterpriseRole.MEMBER and not plain.may_administer
