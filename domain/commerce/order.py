"""Orders (§6.4): PENDING_PAYMENT → PAID → FULFILLED; CANCELLED by the buyer; CLOSED when unpaid in time.

An order keeps a snapshot of what was bought (plan, platform, price, operations, validity, quota) so that a
later change to the catalogue changes neither its amount nor what fulfilment grants."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any
from uuid import UUID, uuid4

from domain.commerce.catalogue import ServicePlan
from domain.commerce.entitlement import Entitlement, HolderKind, SubjectType
from domain.errors import DomainError, ErrorCode, InvalidInput

MAX_ITEMS = 20


class OrderStatus(StrEnum):
    PENDING_PAYMENT = "PENDING_PAYMENT"
    PAID = "PAID"
    FULFILLED = "FULFILLED"
    CANCELLED = "CANCELLED"
    CLOSED = "CLOSED"


# The explicit state machine: where each state may go.
TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = {
    OrderStatus.PENDING_PAYMENT: frozenset({OrderStatus.PAID, OrderStatus.CANCELLED, OrderStatus.CLOSED}),
    OrderStatus.PAID: frozenset({OrderStatus.FULFILLED}),
    OrderStatus.FULFILLED: frozenset(),
    OrderStatus.CANCELLED: frozenset(),
    OrderStatus.CLOSED: frozenset(),
}


class OrderNotPayable(DomainError):
    code = ErrorCode.ORDER_NOT_PAYABLE
    default_message = "订单已取消或已关闭，不能支付"


class OrderAlreadyPaid(DomainError):
    code = ErrorCode.ORDER_ALREADY_PAID
    default_message = "订单已支付，请勿重复支付"


class OrderNotCancellable(DomainError):
    code = ErrorCode.ORDER_NOT_PAYABLE
    default_message = "只有待支付的订单可以取消"


class PlanSubjectMismatch(DomainError):
    code = ErrorCode.PLAN_SUBJECT_MISMATCH
    default_message = "所选套餐不是个人证书服务套餐"


@dataclass(frozen=True)
class OrderLine:
    plan_id: UUID
    plan_name: str
    platform_id: UUID
    subject_type: SubjectType
    operations: tuple[str, ...]
    validity_months: int
    sign_quota: int | None
    amount_fen: int

    def to_json(self) -> dict[str, Any]:
        return {"plan_id": str(self.plan_id), "plan_name": self.plan_name, "platform_id": str(self.platform_id),
                "subject_type": self.subject_type.value, "operations": list(self.operations),
                "validity_months": self.validity_months, "sign_quota": self.sign_quota,
                "amount_fen": self.amount_fen}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> OrderLine:
        return cls(UUID(d["plan_id"]), d["plan_name"], UUID(d["platform_id"]), SubjectType(d["subject_type"]),
                   tuple(d["operations"]), int(d["validity_months"]), d["sign_quota"], int(d["amount_fen"]))


def add_months(moment: datetime, months: int) -> datetime:
    """The same day `months` later, clamped to the month's end (31 Jan + 1 month = 28/29 Feb)."""
    month0 = moment.month - 1 + months
    year, month = moment.year + month0 // 12, month0 % 12 + 1
    for day in (moment.day, 30, 29, 28):
        try:
            return moment.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


@dataclass(eq=False)
class Order:
    account_id: UUID
    items: list[dict[str, Any]]  # OrderLine.to_json() of each line: a JSON column
    amount_fen: int
    placed_at: datetime
    expires_at: datetime
    status: OrderStatus = OrderStatus.PENDING_PAYMENT
    enterprise_id: UUID | None = None
    paid_at: datetime | None = None
    fulfilled_at: datetime | None = None
    cancelled_at: datetime | None = None
    closed_at: datetime | None = None
    paid_by_payment_id: UUID | None = None
    # §8.1 a gift: the enterprise pays (its admin places the order) and this member holds what it buys.
    beneficiary_account_id: UUID | None = None
    id: UUID = field(default_factory=uuid4)
    version: int = 1

    @classmethod
    def place_personal(cls, *, account_id: UUID, plans: list[ServicePlan], now: datetime,
                       payment_timeout: timedelta) -> Order:
        return cls._place(account_id, None, SubjectType.PERSONAL, plans, now, payment_timeout)

    @classmethod
    def place_for_enterprise(cls, *, account_id: UUID, enterprise_id: UUID, plans: list[ServicePlan],
                             now: datetime, payment_timeout: timedelta) -> Order:
        """§6.2 an enterprise's purchase: placed and paid by its admin or legal rep, held by the enterprise."""
        return cls._place(account_id, enterprise_id, SubjectType.ENTERPRISE, plans, now, payment_timeout)

    @classmethod
    def place_gift(cls, *, account_id: UUID, enterprise_id: UUID, member_account_id: UUID,
                   plans: list[ServicePlan], now: datetime, payment_timeout: timedelta) -> Order:
        """§8.1 赠送服务: the enterprise's admin or legal rep buys personal plans for a member."""
        order = cls._place(account_id, enterprise_id, SubjectType.PERSONAL, plans, now, payment_timeout)
        order.beneficiary_account_id = member_account_id
        return order

    @classmethod
    def _place(cls, account_id: UUID, enterprise_id: UUID | None, subject: SubjectType, plans: list[ServicePlan],
               now: datetime, payment_timeout: timedelta) -> Order:
        if not plans:
            raise InvalidInput("请至少选择一个套餐", field="planIds")
        if len(plans) > MAX_ITEMS:
            raise InvalidInput(f"一个订单最多包含{MAX_ITEMS}个套餐", field="planIds")
        lines = []
        for plan in plans:
            if plan.subject_type is not subject:
                raise PlanSubjectMismatch(None if subject is SubjectType.PERSONAL
                                          else "所选套餐不是企业证书服务套餐，个人套餐请以个人身份购买", field="planIds")
            if plan.price_fen <= 0:
                raise InvalidInput("套餐金额有误，暂不能购买", field="planIds")
            lines.append(OrderLine(plan.id, plan.name, plan.platform_id, plan.subject_type, tuple(plan.operations),
                                   plan.validity_months, plan.sign_quota, plan.price_fen))
        return cls(account_id=account_id, enterprise_id=enterprise_id, items=[ln.to_json() for ln in lines],
                   amount_fen=sum(ln.amount_fen for ln in lines), placed_at=now, expires_at=now + payment_timeout)

    @property
    def lines(self) -> list[OrderLine]:
        return [OrderLine.from_json(d) for d in self.items]

    def effective_status(self, now: datetime) -> OrderStatus:
        """What the order is now: an unpaid order past its deadline is closed even before the worker says so."""
        if self.status is OrderStatus.PENDING_PAYMENT and now >= self.expires_at:
            return OrderStatus.CLOSED
        return self.status

    def _move(self, to: OrderStatus) -> None:
        if to not in TRANSITIONS[self.status]:
            raise OrderNotPayable(f"订单状态为{self.status.value}，不能变为{to.value}")
        self.status = to

    def ensure_payable(self, now: datetime) -> None:
        status = self.effective_status(now)
        if status in (OrderStatus.PAID, OrderStatus.FULFILLED):
            raise OrderAlreadyPaid(field="orderId")
        if status is not OrderStatus.PENDING_PAYMENT:
            raise OrderNotPayable(field="orderId")

    def cancel(self, now: datetime) -> None:
        if self.effective_status(now) is not OrderStatus.PENDING_PAYMENT:
            raise OrderNotCancellable(field="orderId")
        self._move(OrderStatus.CANCELLED)
        self.cancelled_at = now

    def close_if_expired(self, now: datetime) -> bool:
        if self.status is OrderStatus.PENDING_PAYMENT and now >= self.expires_at:
            self._move(OrderStatus.CLOSED)
            self.closed_at = now
            return True
        return False

    def mark_paid(self, payment_id: UUID, paid_at: datetime, now: datetime) -> None:
        """The gateway says the money arrived. A payment that arrives after the deadline but was made before it
        still counts (paid_at is the gateway's time); after cancelling or closing, it does not."""
        if self.status is OrderStatus.PENDING_PAYMENT and paid_at >= self.expires_at:
            self.close_if_expired(now)
        self.ensure_payable(min(paid_at, now))
        self._move(OrderStatus.PAID)
        self.paid_at = paid_at
        self.paid_by_payment_id = payment_id

    def fulfil(self, now: datetime) -> list[Entitlement]:
        """Creates one entitlement per line, valid from payment for the plan's months."""
        self._move(OrderStatus.FULFILLED)
        self.fulfilled_at = now
        start = self.paid_at or now
        holder_kind, holder_id = ((HolderKind.ACCOUNT, self.beneficiary_account_id) if self.beneficiary_account_id
                                  else (HolderKind.ENTERPRISE, self.enterprise_id) if self.enterprise_id
                                  else (HolderKind.ACCOUNT, self.account_id))
        return [Entitlement(holder_kind=holder_kind, holder_id=holder_id, platform_id=ln.platform_id,
                            plan_id=ln.plan_id, order_id=self.id, operations=list(ln.operations),
                            valid_from=start, valid_until=add_months(start, ln.validity_months),
                            sign_quota=ln.sign_quota)
                for ln in self.lines]

    @property
    def is_paid(self) -> bool:
        return self.status in (OrderStatus.PAID, OrderStatus.FULFILLED)
