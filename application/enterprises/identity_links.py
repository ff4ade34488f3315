"""Enterprise roles that follow from a verified identity (SPEC §3: "an account whose identity matches the legal
rep becomes LEGAL_REP", now or when that person verifies later). Run as identity hooks, in the verifying
transaction, so a person is never verified without the roles that come with it."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from application.audit import audit
from application.context import RequestMeta
from application.ports import UnitOfWork
from domain.enterprises.enterprise import CertificationStatus, Membership
from domain.identity.identity import Identity


async def link_legal_rep(uow: UnitOfWork, identity: Identity, now: datetime) -> None:
    """Makes the person LEGAL_REP of every live enterprise that names them (name and document) as legal rep."""
    if not identity.is_verified or not identity.number_index or not identity.legal_name:
        return
    for enterprise in await uow.enterprises.naming_legal_rep(identity.number_index):
        if enterprise.status is CertificationStatus.REJECTED:
            continue
        if not enterprise.is_legal_rep(identity.legal_name, identity.number_index):
            continue
        await make_legal_rep(uow, enterprise.id, identity.account_id, now)


async def make_legal_rep(uow: UnitOfWork, enterprise_id: UUID, account_id: UUID, now: datetime,
                         meta: RequestMeta | None = None) -> Membership:
    """The account's membership with the LEGAL_REP flag, added or raised (audited when anything changed).
    The caller has established that the account's verified identity is the enterprise's legal rep."""
    membership = await uow.memberships.of(enterprise_id, account_id)
    if membership is None:
        membership = Membership(enterprise_id=enterprise_id, account_id=account_id, joined_at=now, is_legal_rep=True)
        uow.memberships.add(membership)
    elif not membership.is_legal_rep:
        membership.is_legal_rep = True
    else:
        return membership
    audit(uow, "enterprise.legal_rep_linked", now, meta, account_id=account_id, enterprise_id=str(enterprise_id))
    return membership


# The hooks the composition root hands to identity verification, in order.
ENTERPRISE_IDENTITY_HOOKS = (link_legal_rep,)
