"""The member service application's state machine (§6.3) and the gift order's holder (§8.1)."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

import pytest

from domain.commerce.catalogue import ServicePlan
from domain.commerce.entitlement import HolderKind, SubjectType
from domain.commerce.order import Order, PlanSubjectMismatch
from domain.enterprises.enterprise import EnterpriseNotCertified
from domain.enterprises.service_application import (
    APPROVAL_VALIDITY,
    PURCHASE_VALIDITY,
    TRANSITIONS,
    ServiceApplication,
    ServiceApplicationClosed,
    ServiceApplicationNotApproved,
    ServiceApplicationStatus,
    open_key,
)
from tests.unit.domain.test_admin_transfer import NOW, certified, member
from tests.unit.domain.test_enterprise import enterprise

S = ServiceApplicationStatus


def plan(subject=SubjectType.ENTERPRISE, name="企业标准版") -> ServicePlan:
    return ServicePlan(platform_id=uuid4(), subject_type=subject, name=name, operations=["LOGIN", "SIGN"],
                       validity_months=12, price_fen=199_900, created_at=NOW, sign_quota=1000)


def applied(e=None, p=None) -> ServiceApplication:
    e = e or certified()
    return ServiceApplication.apply(enterprise=e, membership=member(e), applicant_name="李四", plan=p or plan(),
                                    platform_name="北京市公共资源交易平台", now=NOW)


def approve(a: ServiceApplication, now=NOW) -> None:
    a.approve(approved_by=uuid4(), signed_blob_id="signed", signed_sha256="ab" * 32, certificate_id=uuid4(), now=now)


def test_an_application_waits_seven_days_for_the_legal_rep_and_keeps_the_letter_s_data():
    a = applied()
    assert a.status is S.PENDING_APPROVAL and a.expires_at == NOW + APPROVAL_VALIDITY
    assert (a.applicant_name, a.plan_name, a.platform_name) == ("李四", "企业标准版", "北京市公共资源交易平台")
    assert a.open_key == open_key(a.applicant_membership_id, a.plan_id)


def test_only_a_certified_enterprise_and_only_its_enterprise_plans():
    with pytest.raises(EnterpriseNotCertified):
        applied(enterprise())
    with pytest.raises(PlanSubjectMismatch) as excinfo:
        applied(p=plan(SubjectType.PERSONAL, "个人标准版"))
    assert excinfo.value.field == "planId"


def test_approval_opens_a_month_to_buy_and_buying_closes_it():
    a = applied()
    approve(a, NOW + timedelta(days=1))
    assert a.status is S.APPROVED and a.expires_at == NOW + timedelta(days=1) + PURCHASE_VALIDITY
    a.ensure_purchasable([a.plan_id], NOW + timedelta(days=2))
    order_id = uuid4()
    a.order_id = order_id
    a.purchased(order_id, NOW + timedelta(days=2))
    assert a.status is S.PURCHASED and a.open_key is None and a.closed_at == NOW + timedelta(days=2)
    with pytest.raises(ServiceApplicationNotApproved):
        a.ensure_purchasable([a.plan_id], NOW + timedelta(days=2))


def test_buying_needs_the_approval_and_exactly_the_plan_applied_for():
    a = applied()
    with pytest.raises(ServiceApplicationNotApproved):
        a.ensure_purchasable([a.plan_id], NOW)
    approve(a)
    for wrong in ([uuid4()], [a.plan_id, a.plan_id], []):
        with pytest.raises(ServiceApplicationNotApproved) as excinfo:
            a.ensure_purchasable(wrong, NOW)
        assert excinfo.value.field == "planIds"


def test_a_payment_for_another_order_does_not_purchase_it():
    a = applied()
    approve(a)
    a.order_id = uuid4()
    with pytest.raises(ServiceApplicationClosed):
        a.purchased(uuid4(), NOW)
    assert a.status is S.APPROVED


def test_deadlines_expire_both_open_states():
    pending = applied()
    assert pending.effective_status(NOW + APPROVAL_VALIDITY) is S.EXPIRED
    with pytest.raises(ServiceApplicationClosed):
        approve(pending, NOW + APPROVAL_VALIDITY)
    assert pending.expire_if_due(NOW + APPROVAL_VALIDITY) and pending.open_key is None
    assert not pending.expire_if_due(NOW + APPROVAL_VALIDITY)  # once
    approved = applied()
    approve(approved)
    late = NOW + PURCHASE_VALIDITY
    with pytest.raises(ServiceApplicationNotApproved):
        approved.ensure_purchasable([approved.plan_id], late)
    assert approved.effective_status(late) is S.EXPIRED


def test_rejected_and_closed_applications_are_final():
    a = applied()
    a.reject(NOW)
    assert a.status is S.REJECTED and a.open_key is None
    with pytest.raises(ServiceApplicationClosed):
        approve(a)
    for closed in (S.PURCHASED, S.REJECTED, S.EXPIRED):
        assert TRANSITIONS[closed] == frozenset()


def test_a_gift_is_paid_by_the_enterprise_and_held_by_the_member():
    e, giver, member_account = certified(), uuid4(), uuid4()
    order = Order.place_gift(account_id=giver, enterprise_id=e.id, member_account_id=member_account,
                             plans=[plan(SubjectType.PERSONAL, "个人标准版")], now=NOW,
                             payment_timeout=timedelta(minutes=30))
    assert (order.account_id, order.enterprise_id) == (giver, e.id)
    order.mark_paid(uuid4(), NOW, NOW)
    [held] = order.fulfil(NOW)
    assert (held.holder_kind, held.holder_id) == (HolderKind.ACCOUNT, member_account)
    with pytest.raises(PlanSubjectMismatch):
        Order.place_gift(account_id=giver, enterprise_id=e.id, member_account_id=member_account, plans=[plan()],
                         now=NOW, payment_timeout=timedelta(minutes=30))
