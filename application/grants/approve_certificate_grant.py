"""ApproveCertificateGrant (§8.5.1 step 3, §8.5.2 step 3): the legal rep signs the grant letter (企业证书授权书:
enterprise, member, platform, operations, validity) with an SMS code of purpose SIGN and a visible PAdES signature
made with an event certificate; the grant then waits for its purchase. Only the legal rep may sign; to anyone
outside the enterprise the grant does not exist."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.accounts.sms_codes import SmsCodes
from application.audit import audit
from application.certificates.issue_event_certificate import IssueEventCertificate
from application.certificates.personal import verified_identity
from application.context import Principal, RequestMeta, require_account
from application.enterprises.legal_rep_signing import LegalRepSigning, SignedByLegalRep
from application.enterprises.letter_appearances import AppearanceRef
from application.grants.access import grant_of_member, letter_content
from application.grants.ports import GrantLetterContent, GrantLetterDocuments
from application.ports import BlobStore, Clock, SecretHasher, UnitOfWork, UnitOfWorkFactory
from application.seals.ports import SealImages
from application.seals.signature_appearances import ListSignatureAppearances
from domain.enterprises.enterprise import Enterprise, NotLegalRepresentative
from domain.grants.grant import CertificateGrant, GrantClosed, GrantStatus
from domain.identity.identity import Identity

PDF = "application/pdf"


@dataclass(frozen=True)
class ApproveCertificateGrantCommand:
    principal: Principal | None
    grant_id: UUID
    appearance: AppearanceRef
    sms_code: str
    meta: RequestMeta | None = None


class ApproveCertificateGrant:
    def __init__(self, uow: UnitOfWorkFactory, codes: SmsCodes, issue_event_certificate: IssueEventCertificate,
                 documents: GrantLetterDocuments, blobs: BlobStore, appearances: ListSignatureAppearances,
                 seal_images: SealImages, hasher: SecretHasher, clock: Clock) -> None:
        self._uow, self._documents, self._clock = uow, documents, clock
        self._signing = LegalRepSigning(uow, codes, issue_event_certificate, blobs, appearances, seal_images, hasher)

    async def _as_legal_rep(self, uow: UnitOfWork, account_id: UUID, grant_id: UUID
                            ) -> tuple[CertificateGrant, Enterprise, Identity]:
        grant, enterprise, _mine = await grant_of_member(uow, account_id, grant_id)
        identity = await verified_identity(uow, account_id)
        if not enterprise.is_legal_rep(identity.legal_name, identity.number_index):
            raise NotLegalRepresentative("只有企业法定代表人可以签署企业证书授权书", field="grantId")
        if grant.status_at(self._clock.now()) is not GrantStatus.AWAITING_APPROVAL:
            raise GrantClosed("该证书授权不在待签署状态", field="grantId")
        return grant, enterprise, identity

    async def _letter(self, grant: CertificateGrant, content: GrantLetterContent) -> bytes:
        """The letter drawn up at creation, exactly as the legal rep could read it; grants made before letters were
        kept (migration 0009) have theirs drawn up now from the same content."""
        if grant.letter_blob_id is None:
            return await self._documents.render(content)
        return await self._signing.stored_pdf(grant.letter_blob_id)

    async def __call__(self, cmd: ApproveCertificateGrantCommand) -> CertificateGrant:
        p = require_account(cmd.principal)
        async with self._uow() as uow:
            grant, enterprise, identity = await self._as_legal_rep(uow, p.id, cmd.grant_id)
            account = await uow.accounts.get(p.id)
            assert account is not None and identity.legal_name
            content = await letter_content(uow, grant, enterprise)

        async def record(signed: SignedByLegalRep) -> CertificateGrant:
            async with self._uow() as uow:
                current, enterprise, _identity = await self._as_legal_rep(uow, p.id, cmd.grant_id)
                now = self._clock.now()
                current.approve(by=p.id, signed_blob_id=signed.blob_id, signed_sha256=signed.sha256,
                                certificate_id=signed.certificate_id, now=now)
                audit(uow, "grant.approved", now, cmd.meta, account_id=p.id, enterprise_id=str(enterprise.id),
                      grant_id=str(current.id))
                await uow.commit()
                return current

        return await self._signing.sign(
            p, identity, account.phone, appearance=cmd.appearance, sms_code=cmd.sms_code, meta=cmd.meta,
            load_pdf=lambda: self._letter(grant, content),
            sign_pdf=lambda pdf, event, signature: self._documents.sign(pdf, content, event, signature),
            record=record)
