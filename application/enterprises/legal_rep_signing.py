"""The steps every letter the legal rep signs shares (§5.1.1 authorisation, §8.4 admin transfer, §6.3 service
application, §8.5 grant): the chosen appearance, the SMS code of purpose SIGN, an event certificate naming the
legal rep, the visible PAdES signature, the signed PDF stored — then the caller's `record`, which writes the result
in its own transaction; if it fails, the stored PDF is deleted here.

The code is burnt in its own transaction: issuing the event certificate takes another one."""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar
from uuid import UUID

from application.accounts.sms_codes import SmsCodes
from application.certificates.issue_event_certificate import EventCertificate, IssueEventCertificate
from application.certificates.personal import personal_subject
from application.context import Principal, RequestMeta
from application.enterprises.letter_appearances import AppearanceRef, letter_signature
from application.enterprises.ports import LetterSignature
from application.ports import BlobStore, SecretHasher, UnitOfWorkFactory
from application.seals.ports import SealImages
from application.seals.signature_appearances import ListSignatureAppearances
from domain.accounts.sms import SmsPurpose
from domain.identity.identity import Identity

PDF = "application/pdf"
SignPdf = Callable[[bytes, EventCertificate, LetterSignature], Awaitable[bytes]]
T = TypeVar("T")


@dataclass(frozen=True)
class SignedByLegalRep:
    blob_id: str
    sha256: str
    certificate_id: UUID


class LegalRepSigning:
    def __init__(self, uow: UnitOfWorkFactory, codes: SmsCodes, issue_event_certificate: IssueEventCertificate,
                 blobs: BlobStore, appearances: ListSignatureAppearances, seal_images: SealImages,
                 hasher: SecretHasher) -> None:
        self._uow, self._codes, self._issue, self._blobs = uow, codes, issue_event_certificate, blobs
        self._appearances, self._seal_images, self._hasher = appearances, seal_images, hasher

    async def stored_pdf(self, blob_id: str) -> bytes:
        """A letter drawn up earlier, as the blob store returns it (authenticated: SM4-GCM)."""
        data, _type = await self._blobs.get(blob_id)
        return data

    async def sign(self, principal: Principal, identity: Identity, phone: str, *, appearance: AppearanceRef,
                   sms_code: str, meta: RequestMeta | None, load_pdf: Callable[[], Awaitable[bytes]],
                   sign_pdf: SignPdf, record: Callable[[SignedByLegalRep], Awaitable[T]]) -> T:
        signed = await self._signed(principal, identity, phone, appearance=appearance, sms_code=sms_code, meta=meta,
                                    load_pdf=load_pdf, sign_pdf=sign_pdf)
        try:
            return await record(signed)
        except BaseException:
            await self._blobs.delete(signed.blob_id)
            raise

    async def _signed(self, principal: Principal, identity: Identity, phone: str, *, appearance: AppearanceRef,
                      sms_code: str, meta: RequestMeta | None, load_pdf: Callable[[], Awaitable[bytes]],
                      sign_pdf: SignPdf) -> SignedByLegalRep:
        assert identity.legal_name
        signature = await letter_signature(principal, appearance, identity.legal_name,
                                           appearances=self._appearances, blobs=self._blobs,
                                           seal_images=self._seal_images,
                                           lines=(f"法定代表人：{identity.legal_name}",))
        async with self._uow() as uow:
            await self._codes.consume(uow, phone, SmsPurpose.SIGN, sms_code, meta)
            await uow.commit()
        event = await self._issue(personal_subject(identity, self._hasher), principal.id)
        signed = await sign_pdf(await load_pdf(), event, signature)
        blob_id = await self._blobs.put(signed, PDF)
        return SignedByLegalRep(blob_id, hashlib.sha256(signed).hexdigest(), event.certificate.id)
