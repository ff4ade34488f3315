"""§5.2 加入企业: a verified person names a certified enterprise by its full name, one of its admins by name and
phone, and gives a reason; the admins hear by SMS and decide (§8.1.2)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from application.audit import audit
from application.certificates.personal import verified_identity
from application.context import Principal, RequestMeta, require_account
from application.enterprises.create_enterprise import normalize_enterprise_name
from application.enterprises.member_access import notify
from application.ports import Clock, UnitOfWork, UnitOfWorkFactory
from domain.accounts.phone import PhoneNumber
from domain.enterprises.enterprise import Enterprise
from domain.enterprises.members import (
    AlreadyMember,
    JoinApplication,
    JoinApplicationPending,
    JoinAttemptsExceeded,
    JoinRefused,
)
from domain.errors import InvalidInput
from domain.identity.documents import normalize_legal_name

MAX_REASON = 200
# The one refusal says nothing about what did not match, but each try still tests a guess (this phone is an admin
# of that enterprise): a person gets a few wrong tries a day, counted from the audit log that records them.
MAX_REFUSALS_PER_DAY = 5
REFUSED = "enterprise.join_refused"


@dataclass(frozen=True)
class ApplyToJoinEnterpriseCommand:
    principal: Principal | None
    enterprise_name: str
    admin_name: str
    admin_phone: str
    reason: str
    meta: RequestMeta | None = None


async def _admin_phones(uow: UnitOfWork, enterprise: Enterprise) -> dict[str, str]:
    """Phone → verified legal name of everyone who may decide on applications (admins and the legal rep)."""
    deciders = [m for m in await uow.memberships.for_enterprise(enterprise.id) if m.may_administer]
    names = {i.account_id: i.legal_name for i in await uow.identities.for_accounts([m.account_id for m in deciders])
             if i.is_verified and i.legal_name}
    phones: dict[str, str] = {}
    for m in deciders:
        account = await uow.accounts.get(m.account_id)
        if account is not None and account.is_active and m.account_id in names:
            phones[account.phone] = names[m.account_id]
    return phones


class ApplyToJoinEnterprise:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def __call__(self, cmd: ApplyToJoinEnterpriseCommand) -> JoinApplication:
        p = require_account(cmd.principal)
        name = normalize_enterprise_name(cmd.enterprise_name, field="enterpriseName")
        admin_name = normalize_legal_name(cmd.admin_name, field="adminName")
        admin_phone = PhoneNumber.parse(cmd.admin_phone, field="adminPhone").value
        reason = " ".join((cmd.reason or "").split())
        if not 1 <= len(reason) <= MAX_REASON:
            raise InvalidInput(f"请填写申请理由（不超过 {MAX_REASON} 个字）", field="reason")
        async with self._uow() as uow:
            now = self._clock.now()
            identity = await verified_identity(uow, p.id)
            # Parallel applications by one person would all read the same count and all try: the person's lock
            # makes them count one after another, so never more than MAX_REFUSALS_PER_DAY guesses are tested.
            await uow.locks.hold(f"join:{p.id}", now)
            if await uow.audit.count(REFUSED, p.id, now - timedelta(days=1)) >= MAX_REFUSALS_PER_DAY:
                raise JoinAttemptsExceeded()
            match: tuple[Enterprise, dict[str, str]] | None = None
            for enterprise in await uow.enterprises.certified_named(name):
                phones = await _admin_phones(uow, enterprise)
                if phones.get(admin_phone) == admin_name:
                    match = (enterprise, phones)
                    break
            if match is None:
                # Kept (committed) so that someone probing for enterprises or admins shows up in the audit log.
                audit(uow, REFUSED, now, cmd.meta, ok=False, account_id=p.id)
                await uow.commit()
                raise JoinRefused()
            enterprise, phones = match
            if await uow.memberships.of(enterprise.id, p.id) is not None:
                raise AlreadyMember("您已是该企业成员")
            if await uow.join_applications.pending_of(enterprise.id, p.id) is not None:
                raise JoinApplicationPending()
            application = JoinApplication.submit(enterprise_id=enterprise.id, applicant_account_id=p.id,
                                                 applicant_name=identity.legal_name or "", reason=reason, now=now)
            uow.join_applications.add(application)
            for phone in phones:
                notify(uow, phone, f"【数信签】{application.applicant_name}申请加入“{enterprise.name}”，"
                                   "请登录数信签在“成员管理-待审批”中处理。")
            audit(uow, "enterprise.join_applied", now, cmd.meta, account_id=p.id, enterprise_id=str(enterprise.id),
                  application_id=str(application.id))
            await uow.commit()  # Conflict when a twin application committed first (unique pending key)
        return application
