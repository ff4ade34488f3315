"""ApproveAdminTransfer (§8.4 step 4): the legal rep signs the transfer letter (SMS code of purpose SIGN, a
visible PAdES signature with an event certificate); then, in one transaction, the giver loses admin, the receiver
gains it and the transfer is APPROVED. Only the enterprise's legal rep may sign; to anyone outside the enterprise
the transfer does not exist."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.accounts.sms_codes import SmsCodes
from application.audit import audit
from application.certificates.issue_event_certificate import IssueEventCertificate
from application.certificates.personal import verified_identity
from application.context import Principal, RequestMeta, require_account
from application.enterprises.admin_transfer_ports import TransferLetterDocuments
from application.enterprises.legal_rep_signing import LegalRepSigning, SignedByLegalRep
from application.enterprises.letter_appearances import AppearanceRef
from application.enterprises.request_admin_transfer import current_roles, transfer_letter_content
from application.ports import BlobStore, Clock, SecretHasher, UnitOfWork, UnitOfWorkFactory
from application.seals.ports import SealImages
from application.seals.signature_appearances import ListSignatureAppearances
from domain.enterprises.admin_transfer import AdminTransfer, AdminTransferOutdated
from domain.enterprises.enterprise import Enterprise, Membership, NotLegalRepresentative
from domain.errors import NotFound
from domain.identity.identity import Identity


@dataclass(frozen=True)
class ApproveAdminTransferCommand:
    principal: Principal | None
    transfer_id: UUID
    appearance: AppearanceRef
    sms_code: str
    meta: RequestMeta | None = None


@dataclass(frozen=True)
class AdminTransferApproved:
    transfer: AdminTransfer
    enterprise: Enterprise
    membership: Membership  # the caller's, after the swap


class ApproveAdminTransfer:
    def __init__(self, uow: UnitOfWorkFactory, codes: SmsCodes, issue_event_certificate: IssueEventCertificate,
                 documents: TransferLetterDocuments, blobs: BlobStore, appearances: ListSignatureAppearances,
                 seal_images: SealImages, hasher: SecretHasher, clock: Clock) -> None:
        self._uow, self._documents, self._clock = uow, documents, clock
        self._signing = LegalRepSigning(uow, codes, issue_event_certificate, blobs, appearances, seal_images, hasher)

    async def _as_legal_rep(self, uow: UnitOfWork, account_id: UUID, transfer_id: UUID
                            ) -> tuple[AdminTransfer, Enterprise, Identity]:
        transfer = await uow.admin_transfers.get(transfer_id)
        mine = await uow.memberships.of(transfer.enterprise_id, account_id) if transfer else None
        enterprise = await uow.enterprises.get(transfer.enterprise_id) if transfer and mine else None
        if transfer is None or enterprise is None:
            raise NotFound("管理员转授不存在", field="transferId")
        identity = await verified_identity(uow, account_id)
        if not enterprise.is_legal_rep(identity.legal_name, identity.number_index):
            raise NotLegalRepresentative("只有企业法定代表人可以签署管理员变更授权书", field="transferId")
        return transfer, enterprise, identity

    async def _check(self, uow: UnitOfWork, transfer: AdminTransfer, enterprise: Enterprise) -> None:
        transfer.ensure_signable(self._clock.now())
        # A letter naming another legal rep (the enterprise changed it since, §8.6) is not theirs to sign.
        if transfer.legal_rep_name != enterprise.legal_rep_name or not transfer.still_applies(
                *await current_roles(uow, transfer)):
            raise AdminTransferOutdated(field="transferId")

    async def __call__(self, cmd: ApproveAdminTransferCommand) -> AdminTransferApproved:
        p = require_account(cmd.principal)
        async with self._uow() as uow:
            transfer, enterprise, identity = await self._as_legal_rep(uow, p.id, cmd.transfer_id)
            await self._check(uow, transfer, enterprise)
            account = await uow.accounts.get(p.id)
            assert account is not None and identity.legal_name
        content = transfer_letter_content(transfer)

        async def record(signed: SignedByLegalRep) -> AdminTransferApproved:
            async with self._uow() as uow:
                now = self._clock.now()
                current, enterprise, _identity = await self._as_legal_rep(uow, p.id, cmd.transfer_id)
                await self._check(uow, current, enterprise)
                giver, receiver = await current_roles(uow, current)
                current.approve(giver, receiver, signed_by=p.id, signed_blob_id=signed.blob_id,
                                signed_sha256=signed.sha256, certificate_id=signed.certificate_id, now=now)
                mine = await uow.memberships.of(enterprise.id, p.id)
                assert giver is not None and receiver is not None and mine is not None
                audit(uow, "enterprise.admin_transferred", now, cmd.meta, account_id=p.id,
                      enterprise_id=str(enterprise.id), transfer_id=str(current.id),
                      from_account_id=str(giver.account_id), to_account_id=str(receiver.account_id))
                await uow.commit()
                return AdminTransferApproved(current, enterprise, mine)

        return await self._signing.sign(
            p, identity, account.phone, appearance=cmd.appearance, sms_code=cmd.sms_code, meta=cmd.meta,
            load_pdf=lambda: self._signing.stored_pdf(transfer.letter_blob_id),
            sign_pdf=lambda pdf, event, signature: self._documents.sign(pdf, content, event, signature),
            record=record)

