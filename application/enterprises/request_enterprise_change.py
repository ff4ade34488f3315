"""RequestEnterpriseChange (§8.6 企业信息变更, steps 1-3): the ADMIN or legal rep of a CERTIFIED enterprise asks for
a new name and/or a new legal representative, with the new business licence and a new signed letter. The change
then waits for a bank transfer (StartBankTransferVerification, purpose CHANGE) and an operator's review. The credit
code never changes; one change at a time."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID, uuid4

from application.audit import audit
from application.context import Principal, RequestMeta, require_account
from application.enterprises.create_enterprise import normalize_enterprise_name
from application.enterprises.member_access import administered
from application.enterprises.transfer_access import checked_letter
from application.identity.evidence import EvidenceSealer
from application.identity.submit_manual_verification import UploadedImage
from application.ports import BlobStore, Clock, ImageInspector, UnitOfWork, UnitOfWorkFactory
from application.seals.uploads import checked_image
from domain.enterprises.change import ChangeInProgress, EnterpriseChange, NothingToChange
from domain.enterprises.enterprise import Enterprise, EnterpriseNotCertified, LegalRepEvidence
from domain.errors import InvalidInput
from domain.identity.documents import normalize_legal_name
from domain.identity.id_number import IdNumber


@dataclass(frozen=True)
class RequestEnterpriseChangeCommand:
    principal: Principal | None
    enterprise_id: UUID
    new_name: str | None
    new_legal_rep_name: str | None
    new_legal_rep_id_number: str | None
    licence: UploadedImage | None
    signed_letter: UploadedImage | None
    meta: RequestMeta | None = None


def _blank(value: str | None) -> bool:
    return value is None or not value.strip()


class RequestEnterpriseChange:
    def __init__(self, uow: UnitOfWorkFactory, sealer: EvidenceSealer, blobs: BlobStore, images: ImageInspector,
                 clock: Clock, upload_limit: int) -> None:
        self._uow, self._sealer, self._blobs, self._images = uow, sealer, blobs, images
        self._clock, self.upload_limit = clock, upload_limit

    @staticmethod
    def _new_rep(cmd: RequestEnterpriseChangeCommand) -> tuple[str, str] | None:
        if _blank(cmd.new_legal_rep_name) and _blank(cmd.new_legal_rep_id_number):
            return None
        if _blank(cmd.new_legal_rep_name):
            raise InvalidInput("请填写新法定代表人的姓名", field="newLegalRepName")
        if _blank(cmd.new_legal_rep_id_number):
            raise InvalidInput("请填写新法定代表人的身份证号码", field="newLegalRepIdNumber")
        name = normalize_legal_name(cmd.new_legal_rep_name, field="newLegalRepName")
        number = IdNumber.parse(cmd.new_legal_rep_id_number, field="newLegalRepIdNumber")
        return name, number.value

    async def _check(self, uow: UnitOfWork, account_id: UUID, enterprise_id: UUID) -> Enterprise:
        enterprise, _membership = await administered(uow, account_id, enterprise_id, "enterpriseId")
        if not enterprise.is_certified:
            raise EnterpriseNotCertified(field="enterpriseId")
        if await uow.enterprise_changes.open_for(enterprise.id) is not None:
            raise ChangeInProgress(field="enterpriseId")
        return enterprise

    async def __call__(self, cmd: RequestEnterpriseChangeCommand) -> EnterpriseChange:
        p = require_account(cmd.principal)
        new_name = None if _blank(cmd.new_name) else normalize_enterprise_name(cmd.new_name, field="newName")
        new_rep = self._new_rep(cmd)
        if new_name is None and new_rep is None:
            raise NothingToChange(field="newName")
        licence = checked_image(self._images, cmd.licence, self.upload_limit, "businessLicence")
        letter = checked_letter(self._images, cmd.signed_letter, self.upload_limit, "signedLetter")
        licence_type, letter_type = licence.content_type, letter.content_type
        async with self._uow() as uow:
            enterprise = await self._check(uow, p.id, cmd.enterprise_id)
            rep_evidence: LegalRepEvidence | None = None
            if new_rep is not None:
                rep_evidence = self._sealer.legal_rep(enterprise.id, *new_rep)
                if enterprise.is_legal_rep(rep_evidence.name, rep_evidence.number_index):
                    rep_evidence = None  # the same person: nothing to change there
            if (new_name is None or new_name == enterprise.name) and rep_evidence is None:
                raise NothingToChange(field="newName")
        licence_blob = await self._blobs.put(licence.data, licence_type)
        letter_blob = await self._blobs.put(letter.data, letter_type)
        try:
            async with self._uow() as uow:
                now = self._clock.now()
                enterprise = await self._check(uow, p.id, cmd.enterprise_id)
                change = EnterpriseChange.request(
                    change_id=uuid4(), enterprise_id=enterprise.id, requested_by=p.id, old_name=enterprise.name,
                    old_legal_rep_name=enterprise.legal_rep_name, new_name=new_name, new_legal_rep=rep_evidence,
                    licence=(licence_blob, licence_type), letter=(letter_blob, letter_type), now=now)
                uow.enterprise_changes.add(change)
                audit(uow, "enterprise.change_requested", now, cmd.meta, account_id=p.id,
                      enterprise_id=str(enterprise.id), change_id=str(change.id),
                      new_name=change.new_name is not None, new_legal_rep=change.new_legal_rep_name is not None)
                await uow.commit()
        except BaseException:
            await self._blobs.delete(licence_blob)
            await self._blobs.delete(letter_blob)
            raise
        return change
