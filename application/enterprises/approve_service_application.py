"""ApproveServiceApplication (§6.3, the legal rep's side): the legal rep signs the service application letter (SMS
code of purpose SIGN, a visible PAdES signature with an event certificate) and the application becomes APPROVED:
its applicant may now buy the plan for the enterprise. Only the enterprise's legal rep may sign; to anyone
outside the enterprise the application does not exist."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.accounts.sms_codes import SmsCodes
from application.audit import audit
from application.certificates.issue_event_certificate import IssueEventCertificate
from application.certificates.personal import verified_identity
from application.context import Principal, RequestMeta, require_account
from application.enterprises.apply_for_enterprise_service import service_letter_content
from application.enterprises.legal_rep_signing import LegalRepSigning, SignedByLegalRep
from application.enterprises.letter_appearances import AppearanceRef
from application.enterprises.member_access import notify
from application.enterprises.service_application_ports import ServiceLetterDocuments
from application.ports import BlobStore, Clock, SecretHasher, UnitOfWork, UnitOfWorkFactory
from application.seals.ports import SealImages
from application.seals.signature_appearances import ListSignatureAppearances
from domain.enterprises.enterprise import Enterprise, NotLegalRepresentative
from domain.enterprises.service_application import ServiceApplication, ServiceApplicationClosed
from domain.errors import NotFound
from domain.identity.identity import Identity


@dataclass(frozen=True)
class ApproveServiceApplicationCommand:
    principal: Principal | None
    application_id: UUID
    appearance: AppearanceRef
    sms_code: str
    meta: RequestMeta | None = None


class ApproveServiceApplication:
    def __init__(self, uow: UnitOfWorkFactory, codes: SmsCodes, issue_event_certificate: IssueEventCertificate,
                 letters: ServiceLetterDocuments, blobs: BlobStore, appearances: ListSignatureAppearances,
                 seal_images: SealImages, hasher: SecretHasher, clock: Clock) -> None:
        self._uow, self._letters, self._clock = uow, letters, clock
        self._signing = LegalRepSigning(uow, codes, issue_event_certificate, blobs, appearances, seal_images, hasher)

    async def _as_legal_rep(self, uow: UnitOfWork, account_id: UUID, application_id: UUID
                            ) -> tuple[ServiceApplication, Enterprise, Identity]:
        application = await uow.service_applications.get(application_id)
        mine = await uow.memberships.of(application.enterprise_id, account_id) if application else None
        enterprise = await uow.enterprises.get(application.enterprise_id) if application and mine else None
        if application is None or enterprise is None:
            raise NotFound("服务申请不存在", field="applicationId")
        identity = await verified_identity(uow, account_id)
        if not enterprise.is_legal_rep(identity.legal_name, identity.number_index):
            raise NotLegalRepresentative("只有企业法定代表人可以审批成员的服务申请", field="applicationId")
        return application, enterprise, identity

    async def _check(self, uow: UnitOfWork, application: ServiceApplication, enterprise: Enterprise) -> None:
        application.ensure_approvable(self._clock.now())
        # A letter naming another legal rep (the enterprise changed it since, §8.6) is not theirs to sign.
        if application.legal_rep_name != enterprise.legal_rep_name:
            raise ServiceApplicationClosed("企业信息已变更，该服务申请已不适用，请成员重新申请", field="applicationId")
        members = await uow.memberships.for_enterprise(enterprise.id)
        if not any(m.id == application.applicant_membership_id for m in members):
            raise ServiceApplicationClosed("申请人已不是本企业成员，不能再审批", field="applicationId")

    async def __call__(self, cmd: ApproveServiceApplicationCommand) -> ServiceApplication:
        p = require_account(cmd.principal)
        async with self._uow() as uow:
            application, enterprise, identity = await self._as_legal_rep(uow, p.id, cmd.application_id)
            await self._check(uow, application, enterprise)
            account = await uow.accounts.get(p.id)
            assert account is not None and identity.legal_name
        content = service_letter_content(application)

        async def record(signed: SignedByLegalRep) -> ServiceApplication:
            async with self._uow() as uow:
                now = self._clock.now()
                current, enterprise, _identity = await self._as_legal_rep(uow, p.id, cmd.application_id)
                await self._check(uow, current, enterprise)
                current.approve(approved_by=p.id, signed_blob_id=signed.blob_id, signed_sha256=signed.sha256,
                                certificate_id=signed.certificate_id, now=now)
                applicant = await uow.accounts.get(current.applicant_account_id)
                notify(uow, applicant.phone if applicant is not None and applicant.is_active else None,
                       f"【数信签】您申请的企业证书服务（{current.platform_name}·{current.plan_name}）"
                       f"已获{current.enterprise_name}法定代表人批准，请于30日内登录数信签完成购买。")
                audit(uow, "enterprise.service_application_approved", now, cmd.meta, account_id=p.id,
                      enterprise_id=str(enterprise.id), application_id=str(current.id),
                      applicant_account_id=str(current.applicant_account_id))
                await uow.commit()
                return current

        return await self._signing.sign(
            p, identity, account.phone, appearance=cmd.appearance, sms_code=cmd.sms_code, meta=cmd.meta,
            load_pdf=lambda: self._signing.stored_pdf(application.letter_blob_id),
            sign_pdf=lambda pdf, event, signature: self._letters.sign(pdf, content, event, signature),
            record=record)
