"""PrepareLetterTemplate (§5.1.2, §5.1.3, §8.6): the blank authorisation letter the ADMIN or legal rep prints, has
signed and stamped on paper, and uploads with the deposit code (or with a change request). It names the caller as
the authorised agent; for a change it shows the new name and/or legal rep. It is stored like any authorisation
letter, so the existing letters route serves it to the enterprise's members only."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from uuid import UUID

from application.audit import audit
from application.certificates.personal import verified_identity
from application.context import Principal, RequestMeta, require_account
from application.enterprises.create_enterprise import normalize_enterprise_name
from application.enterprises.member_access import administered
from application.enterprises.ports import LetterContent, LetterDocuments
from application.enterprises.transfer_access import PDF
from application.ports import BlobStore, Clock, UnitOfWorkFactory
from domain.clock import CHINA_TZ
from domain.enterprises.enterprise import AuthorizationLetter
from domain.identity.documents import normalize_legal_name


@dataclass(frozen=True)
class PrepareLetterTemplateCommand:
    principal: Principal | None
    enterprise_id: UUID
    new_name: str | None = None
    new_legal_rep_name: str | None = None
    meta: RequestMeta | None = None


class PrepareLetterTemplate:
    def __init__(self, uow: UnitOfWorkFactory, documents: LetterDocuments, blobs: BlobStore, clock: Clock) -> None:
        self._uow, self._documents, self._blobs, self._clock = uow, documents, blobs, clock

    async def __call__(self, cmd: PrepareLetterTemplateCommand) -> AuthorizationLetter:
        p = require_account(cmd.principal)
        new_name = normalize_enterprise_name(cmd.new_name, field="newName") if (cmd.new_name or "").strip() else None
        new_rep = (normalize_legal_name(cmd.new_legal_rep_name, field="newLegalRepName")
                   if (cmd.new_legal_rep_name or "").strip() else None)
        async with self._uow() as uow:
            enterprise, _membership = await administered(uow, p.id, cmd.enterprise_id, "enterpriseId")
            identity = await verified_identity(uow, p.id)
        now = self._clock.now()
        letter = AuthorizationLetter(enterprise_id=enterprise.id, account_id=p.id, blob_id="", sha256="",
                                     created_at=now)
        local = now.astimezone(CHINA_TZ)
        pdf = await self._documents.render(LetterContent(
            enterprise_name=new_name or enterprise.name, credit_code=enterprise.credit_code,
            legal_rep_name=new_rep or enterprise.legal_rep_name, applicant_name=identity.legal_name or "",
            letter_date=local.date(), letter_no=f"SQ{local:%Y%m%d}{letter.id.hex[:8].upper()}"))
        letter.blob_id, letter.sha256 = await self._blobs.put(pdf, PDF), hashlib.sha256(pdf).hexdigest()
        try:
            async with self._uow() as uow:
                uow.authorization_letters.add(letter)
                audit(uow, "enterprise.letter_template_prepared", now, cmd.meta, account_id=p.id,
                      enterprise_id=str(enterprise.id))
                await uow.commit()
        except BaseException:
            await self._blobs.delete(letter.blob_id)
            raise
        return letter
