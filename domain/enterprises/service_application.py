"""A member's application for an enterprise certificate service (企业普通员工购买机构证书服务, manual §6.3).

A plain member may not buy an enterprise plan (§6.2); they apply for one, the legal representative approves it by
signing the service application letter (服务申请授权书), and then the applicant — and only they — buys that plan
for the enterprise: the enterprise holds the service.

An explicit state machine: PENDING_APPROVAL → APPROVED → PURCHASED, PENDING_APPROVAL → REJECTED, either open
state → EXPIRED once its deadline passes unused, and either open state → WITHDRAWN when the applicant leaves the
enterprise (removed, or their account deleted): nobody may approve or buy it any more. `open_key` is set while the application is open (pending or
approved) and cleared on leaving, so a unique column keeps one open application per member and plan even under
concurrent requests."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from uuid import UUID, uuid4

from domain.commerce.catalogue import ServicePlan
from domain.commerce.entitlement import SubjectType
from domain.commerce.order import PlanSubjectMismatch
from domain.enterprises.enterprise import Enterprise, EnterpriseNotCertified, Membership
from domain.errors import DomainError, ErrorCode

# The legal rep has a week to sign, as for the admin transfer letter (§8.4).
APPROVAL_VALIDITY = timedelta(days=7)
# Once approved, the applicant has a month to pay; after that the approval is stale and they apply again.
PURCHASE_VALIDITY = timedelta(days=30)


class ServiceApplicationStatus(StrEnum):
    PENDING_APPROVAL = "PENDING_APPROVAL"
    APPROVED = "APPROVED"
    PURCHASED = "PURCHASED"
    REJECTED = "REJECTED"
    EXPIRED = "EXPIRED"
    WITHDRAWN = "WITHDRAWN"


_S = ServiceApplicationStatus
TRANSITIONS: dict[ServiceApplicationStatus, frozenset[ServiceApplicationStatus]] = {
    _S.PENDING_APPROVAL: frozenset({_S.APPROVED, _S.REJECTED, _S.EXPIRED, _S.WITHDRAWN}),
    _S.APPROVED: frozenset({_S.PURCHASED, _S.EXPIRED, _S.WITHDRAWN}),
    _S.PURCHASED: frozenset(),
    _S.REJECTED: frozenset(),
    _S.EXPIRED: frozenset(),
    _S.WITHDRAWN: frozenset(),
}
OPEN = frozenset({_S.PENDING_APPROVAL, _S.APPROVED})


class ServiceApplicationClosed(DomainError):
    code = ErrorCode.SERVICE_APPLICATION_CLOSED
    default_message = "该服务申请已结束，不能再审批"


class ServiceApplicationNotApproved(DomainError):
    code = ErrorCode.SERVICE_APPLICATION_NOT_APPROVED
    default_message = "该服务申请尚未通过企业法定代表人审批，暂不能购买"


class NotApplicant(DomainError):
    code = ErrorCode.NOT_APPLICANT
    default_message = "只有提交该服务申请的成员本人可以购买"


def open_key(membership_id: UUID, plan_id: UUID) -> str:
    return f"{membership_id}:{plan_id}"


@dataclass(eq=False)
class ServiceApplication:
    enterprise_id: UUID
    applicant_account_id: UUID
    applicant_membership_id: UUID
    plan_id: UUID
    platform_id: UUID
    requested_at: datetime
    expires_at: datetime
    # What the letter says, kept as it was printed: signing re-renders the same layout to find the signature box.
    enterprise_name: str
    credit_code: str
    legal_rep_name: str
    applicant_name: str
    plan_name: str
    platform_name: str
    letter_blob_id: str = ""
    letter_sha256: str = ""
    id: UUID = field(default_factory=uuid4)
    status: ServiceApplicationStatus = ServiceApplicationStatus.PENDING_APPROVAL
    open_key: str | None = None
    approved_at: datetime | None = None
    approved_by: UUID | None = None
    signed_blob_id: str | None = None
    signed_sha256: str | None = None
    certificate_id: UUID | None = None
    order_id: UUID | None = None  # the applicant's latest order for it
    purchased_at: datetime | None = None
    closed_at: datetime | None = None
    version: int = 1

    @classmethod
    def apply(cls, *, enterprise: Enterprise, membership: Membership, applicant_name: str, plan: ServicePlan,
              platform_name: str, now: datetime) -> ServiceApplication:
        if not enterprise.is_certified:
            raise EnterpriseNotCertified(field="enterpriseId")
        if plan.subject_type is not SubjectType.ENTERPRISE:
            raise PlanSubjectMismatch("只能申请企业证书服务套餐，个人套餐请直接购买", field="planId")
        return cls(enterprise_id=enterprise.id, applicant_account_id=membership.account_id,
                   applicant_membership_id=membership.id, plan_id=plan.id, platform_id=plan.platform_id,
                   requested_at=now, expires_at=now + APPROVAL_VALIDITY, enterprise_name=enterprise.name,
                   credit_code=enterprise.credit_code, legal_rep_name=enterprise.legal_rep_name,
                   applicant_name=applicant_name, plan_name=plan.name, platform_name=platform_name,
                   open_key=open_key(membership.id, plan.id))

    def effective_status(self, now: datetime) -> ServiceApplicationStatus:
        """What the application is now: an open one past its deadline is expired before anyone records it."""
        if self.status in OPEN and now >= self.expires_at:
            return ServiceApplicationStatus.EXPIRED
        return self.status

    def _move(self, to: ServiceApplicationStatus, now: datetime) -> None:
        if to not in TRANSITIONS[self.status]:
            raise ServiceApplicationClosed(field="applicationId")
        self.status = to
        if to not in OPEN:
            self.open_key, self.closed_at = None, now

    def expire_if_due(self, now: datetime) -> bool:
        if self.status in OPEN and now >= self.expires_at:
            self._move(ServiceApplicationStatus.EXPIRED, now)
            return True
        return False

    def withdraw(self, now: datetime) -> bool:
        """The applicant left the enterprise; False (nothing changes) when it was no longer open."""
        if self.expire_if_due(now) or self.status not in OPEN:
            return False
        self._move(ServiceApplicationStatus.WITHDRAWN, now)
        return True

    def ensure_approvable(self, now: datetime) -> None:
        status = self.effective_status(now)
        if status is ServiceApplicationStatus.EXPIRED:
            raise ServiceApplicationClosed("该服务申请已过期，请成员重新申请", field="applicationId")
        if status is not ServiceApplicationStatus.PENDING_APPROVAL:
            raise ServiceApplicationClosed(field="applicationId")

    def approve(self, *, approved_by: UUID, signed_blob_id: str, signed_sha256: str, certificate_id: UUID,
                now: datetime) -> None:
        """The legal rep signed the letter: the applicant may now buy, within PURCHASE_VALIDITY."""
        self.ensure_approvable(now)
        self._move(ServiceApplicationStatus.APPROVED, now)
        self.approved_at, self.approved_by, self.expires_at = now, approved_by, now + PURCHASE_VALIDITY
        self.signed_blob_id, self.signed_sha256, self.certificate_id = signed_blob_id, signed_sha256, certificate_id

    def reject(self, now: datetime) -> None:
        self.ensure_approvable(now)
        self._move(ServiceApplicationStatus.REJECTED, now)

    def ensure_purchasable(self, plan_ids: list[UUID], now: datetime) -> None:
        """Before an order is placed: approved, not stale, and for exactly the plan applied for."""
        status = self.effective_status(now)
        if status is ServiceApplicationStatus.PURCHASED:
            raise ServiceApplicationNotApproved("该服务申请已完成购买", field="serviceApplicationId")
        if status is ServiceApplicationStatus.EXPIRED:
            raise ServiceApplicationNotApproved("该服务申请已过期，请重新申请", field="serviceApplicationId")
        if status is not ServiceApplicationStatus.APPROVED:
            raise ServiceApplicationNotApproved(field="serviceApplicationId")
        if list(plan_ids) != [self.plan_id]:
            raise ServiceApplicationNotApproved("只能购买申请中经审批的套餐", field="planIds")

    def purchased(self, order_id: UUID, now: datetime) -> None:
        """The order was paid and fulfilled. An order placed in time counts even if the payment lands after the
        purchase deadline (as a payment made before an order's deadline does)."""
        if self.status is not ServiceApplicationStatus.APPROVED or self.order_id != order_id:
            raise ServiceApplicationClosed("该订单不是该服务申请的当前订单", field="serviceApplicationId")
        self._move(ServiceApplicationStatus.PURCHASED, now)
        self.purchased_at = now
