"""ApplyForEnterpriseService (§6.3 steps 1–4): a member of a certified enterprise applies for one of the enterprise
plans. The service application letter (服务申请授权书) is rendered for the legal rep to sign; they hear of it by SMS,
and the applicant gets a link (also shown as a QR code) to forward to them. Outsiders learn nothing (NotFound).

Applying again for the same plan while an application is open gives that application back (no second letter, no
second SMS): what the member needs is its link."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from uuid import UUID

from application.accounts.sms_codes import SMS_TOPIC
from application.audit import audit
from application.certificates.personal import verified_identity
from application.context import Principal, RequestMeta, require_account
from application.enterprises.service_application_ports import ServiceLetterContent, ServiceLetterDocuments
from application.global_ids import global_id
from application.ports import BlobStore, Clock, UnitOfWork, UnitOfWorkFactory
from domain.clock import CHINA_TZ
from domain.enterprises.service_application import ServiceApplication, open_key
from domain.errors import Conflict, NotFound

PDF = "application/pdf"
APPROVAL_PATH = "/l/service-application"  # the landing page (adapters/http/landing.py)


def approval_url(base_url: str, application_id: UUID) -> str:
    """The page the legal rep opens (and the QR code's content); signing there needs their own login. It carries
    the global ID that `node(id)` and `approveServiceApplication(applicationId)` take."""
    return f"{base_url.rstrip('/')}{APPROVAL_PATH}?id={global_id('ServiceApplication', application_id)}"


def service_letter_content(application: ServiceApplication) -> ServiceLetterContent:
    """The letter's data as printed, reproducible from the application (the signer needs the same layout)."""
    local = application.requested_at.astimezone(CHINA_TZ)
    return ServiceLetterContent(enterprise_name=application.enterprise_name, credit_code=application.credit_code,
                                legal_rep_name=application.legal_rep_name,
                                applicant_name=application.applicant_name, plan_name=application.plan_name,
                                platform_name=application.platform_name, letter_date=local.date(),
                                letter_no=f"FW{local:%Y%m%d}{application.id.hex[:8].upper()}")


@dataclass(frozen=True)
class ApplyForEnterpriseServiceCommand:
    principal: Principal | None
    enterprise_id: UUID
    plan_id: UUID
    meta: RequestMeta | None = None


@dataclass(frozen=True)
class AppliedService:
    application: ServiceApplication
    approval_url: str

    @property
    def qr_content(self) -> str:
        return self.approval_url


class ApplyForEnterpriseService:
    def __init__(self, uow: UnitOfWorkFactory, letters: ServiceLetterDocuments, blobs: BlobStore, clock: Clock,
                 base_url: str) -> None:
        self._uow, self._letters, self._blobs, self._clock, self._base_url = uow, letters, blobs, clock, base_url

    async def _draft(self, uow: UnitOfWork, account_id: UUID, cmd: ApplyForEnterpriseServiceCommand
                     ) -> ServiceApplication:
        membership = await uow.memberships.of(cmd.enterprise_id, account_id)
        enterprise = await uow.enterprises.get(cmd.enterprise_id) if membership is not None else None
        if membership is None or enterprise is None:
            raise NotFound("企业不存在", field="enterpriseId")  # outsiders learn nothing
        plan = await uow.service_plans.get(cmd.plan_id)
        platform = await uow.trading_platforms.get(plan.platform_id) if plan is not None and plan.active else None
        if plan is None or platform is None:
            raise NotFound("所选套餐不存在或已下架", field="planId")
        identity = await verified_identity(uow, account_id)
        assert identity.legal_name
        return ServiceApplication.apply(enterprise=enterprise, membership=membership,
                                        applicant_name=identity.legal_name, plan=plan, platform_name=platform.name,
                                        now=self._clock.now())

    async def _still_open(self, uow: UnitOfWork, key: str | None) -> ServiceApplication | None:
        """The open application with this key, after recording it expired if its deadline passed."""
        found = await uow.service_applications.open_with_key(key) if key else None
        if found is not None and found.expire_if_due(self._clock.now()):
            return None
        return found

    async def __call__(self, cmd: ApplyForEnterpriseServiceCommand) -> AppliedService:
        p = require_account(cmd.principal)
        async with self._uow() as uow:
            application = await self._draft(uow, p.id, cmd)
            existing = await self._still_open(uow, application.open_key)
            if existing is not None:
                return AppliedService(existing, approval_url(self._base_url, existing.id))
        pdf = await self._letters.render(service_letter_content(application))
        application.letter_blob_id = await self._blobs.put(pdf, PDF)
        application.letter_sha256 = hashlib.sha256(pdf).hexdigest()
        url = approval_url(self._base_url, application.id)
        try:
            async with self._uow() as uow:
                now = self._clock.now()
                if await self._still_open(uow, open_key(application.applicant_membership_id,
                                                        application.plan_id)) is not None:
                    raise Conflict("该服务申请已提交，请刷新后查看", field="planId")
                uow.service_applications.add(application)
                await self._tell_legal_rep(uow, application, url)
                audit(uow, "enterprise.service_applied", now, cmd.meta, account_id=p.id,
                      enterprise_id=str(application.enterprise_id), application_id=str(application.id),
                      plan_id=str(application.plan_id))
                await uow.commit()
        except BaseException:
            await self._blobs.delete(application.letter_blob_id)
            raise
        return AppliedService(application, url)

    @staticmethod
    async def _tell_legal_rep(uow: UnitOfWork, application: ServiceApplication, url: str) -> None:
        # A legal rep without an account here hears nothing now: the applicant forwards the link (§6.3 step 4).
        members = await uow.memberships.for_enterprise(application.enterprise_id)
        rep = next((m for m in members if m.is_legal_rep), None)
        account = await uow.accounts.get(rep.account_id) if rep is not None else None
        if account is None:
            return
        text = (f"【数信签】{application.enterprise_name}成员{application.applicant_name}申请使用企业证书服务"
                f"（{application.platform_name}·{application.plan_name}），需您作为法定代表人签署服务申请授权书。"
                f"请于7日内登录数信签处理：{url}")
        uow.outbox.put(SMS_TOPIC, {"phone": account.phone, "text": text, "purpose": "NOTICE"})
