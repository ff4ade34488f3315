"""How grants follow what they depend on, each run inside the transaction that changes it:

- paying: `grant_order_enterprise` checks a `placeOrder(grantId)` (only the grantor or the member, only ENTERPRISE
  plans of the grant's platform; the order is the enterprise's, so its entitlements — and their quota — are the
  enterprise's, and the grant is what lets the member use them); `activate_paid_grant` makes the grant ACTIVE in
  the transaction that fulfils the order.
- the member removed (MEMBER_REMOVAL_HOOKS), the org certificate revoked: every open grant of theirs ENDS.
- a seal revoked (SEAL_REVOKED_HOOKS, also when §8.6 replaces the old legal rep's seal): every open grant that names
  the seal ENDS. A grant naming no seal offers the enterprise's seals active at the time of signing, so for it a
  revoked seal simply stops being offered."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from uuid import UUID

from application.audit import audit
from application.grants.access import grant_of_member
from application.ports import UnitOfWork
from domain.certificates.certificate import Certificate
from domain.commerce.catalogue import ServicePlan
from domain.commerce.entitlement import SubjectType
from domain.commerce.order import Order, PlanSubjectMismatch
from domain.enterprises.enterprise import Membership
from domain.grants.grant import CertificateGrant, GrantEndReason
from domain.seals.seal import Seal


async def grant_order_enterprise(uow: UnitOfWork, account_id: UUID, grant_id: UUID, plans: list[ServicePlan],
                                 now: datetime) -> CertificateGrant:
    """The grant a `placeOrder(grantId)` pays for, once the caller and the plans are allowed to."""
    grant, _enterprise, _mine = await grant_of_member(uow, account_id, grant_id)
    grant.ensure_payable_by(account_id, now)
    if any(p.subject_type is not SubjectType.ENTERPRISE or p.platform_id != grant.platform_id for p in plans):
        raise PlanSubjectMismatch("请选择该授权交易平台的企业证书服务套餐", field="planIds")
    return grant


def order_placed_for_grant(grant: CertificateGrant, order: Order) -> None:
    grant.order_placed(order.id)


async def activate_paid_grant(uow: UnitOfWork, order: Order, now: datetime) -> None:
    """Runs where an order is fulfilled: the grant it pays becomes ACTIVE in the same transaction."""
    grant = await uow.certificate_grants.by_order(order.id)
    if grant is not None and grant.activate(order.id, now):
        audit(uow, "grant.activated", now, None, account_id=order.account_id, grant_id=str(grant.id),
              enterprise_id=str(grant.enterprise_id), order_id=str(order.id))


def _end_all(uow: UnitOfWork, grants: Iterable[CertificateGrant], reason: GrantEndReason, now: datetime) -> None:
    for grant in grants:
        if grant.end(reason, now):
            audit(uow, "grant.ended", now, None, account_id=grant.member_account_id, grant_id=str(grant.id),
                  enterprise_id=str(grant.enterprise_id), reason=reason.value)


async def end_grants_of_removed_member(uow: UnitOfWork, membership: Membership, now: datetime) -> None:
    """A MEMBER_REMOVAL_HOOKS hook: a grant does not outlive the membership it was given through."""
    _end_all(uow, await uow.certificate_grants.for_membership(membership.id), GrantEndReason.MEMBER_REMOVED, now)


async def end_grants_of_revoked_certificates(uow: UnitOfWork, revoked: list[Certificate], now: datetime) -> None:
    """Revoking an org certificate (not superseding it with a new claim) ends the enterprise's grants."""
    for enterprise_id in {c.holder_enterprise_id for c in revoked if c.holder_enterprise_id is not None}:
        _end_all(uow, await uow.certificate_grants.for_enterprise(enterprise_id),
                 GrantEndReason.CERTIFICATE_REVOKED, now)


async def end_grants_naming_seal(uow: UnitOfWork, seal: Seal, now: datetime) -> None:
    """A SEAL_REVOKED_HOOKS hook (§8.2.4 印章注销后所有相关授权失效)."""
    if seal.holder_enterprise_id is None:
        return
    naming = [g for g in await uow.certificate_grants.for_enterprise(seal.holder_enterprise_id)
              if g.names_seal(seal.id)]
    _end_all(uow, naming, GrantEndReason.SEAL_REVOKED, now)
