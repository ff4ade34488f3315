"""SubmitManualVerification (§4.2): other documents, three photos, an operator decides."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from application.accounts.get_me import AccountView, load_account_view
from application.audit import audit
from application.context import Principal, RequestMeta, require_account
from application.identity.evidence import EvidenceSealer, ensure_may_claim, identity_of
from application.policy import IdentityPolicy
from application.ports import BlobStore, Clock, ImageInspector, UnitOfWorkFactory
from domain.clock import CHINA_TZ
from domain.errors import Conflict, DocumentAlreadyUsed, DocumentExpired, FileTooLarge, InvalidImage
from domain.identity.documents import DocumentType, mask_name, normalize_document_number, normalize_legal_name
from domain.identity.review import Review, ReviewKind


@dataclass(frozen=True)
class UploadedImage:
    data: bytes
    filename: str | None = None


@dataclass(frozen=True)
class SubmitManualVerificationCommand:
    principal: Principal | None
    document_type: DocumentType
    legal_name: str
    document_number: str
    expires_on: date
    front: UploadedImage
    back: UploadedImage
    portrait: UploadedImage
    meta: RequestMeta


@dataclass(frozen=True)
class ManualVerificationSubmitted:
    review: Review
    view: AccountView


class SubmitManualVerification:
    def __init__(self, uow: UnitOfWorkFactory, blobs: BlobStore, images: ImageInspector, sealer: EvidenceSealer,
                 clock: Clock, policy: IdentityPolicy) -> None:
        self._uow, self._blobs, self._images, self._sealer = uow, blobs, images, sealer
        self._clock, self._policy = clock, policy

    @property
    def upload_limit(self) -> int:
        return self._policy.upload_max_bytes

    def _check_image(self, image: UploadedImage, field: str) -> tuple[bytes, str]:
        """The photo to store (encoded again from its pixels) and its type."""
        if len(image.data) > self._policy.upload_max_bytes:
            limit = self._policy.upload_max_bytes // (1024 * 1024)
            raise FileTooLarge(f"图片不能超过 {limit}MB", field=field)
        try:
            return self._images.reencode(image.data)
        except InvalidImage as err:
            raise err.at(field)

    async def __call__(self, cmd: SubmitManualVerificationCommand) -> ManualVerificationSubmitted:
        p = require_account(cmd.principal)
        doc_type = DocumentType(cmd.document_type)
        name = normalize_legal_name(cmd.legal_name)
        number = normalize_document_number(doc_type, cmd.document_number)
        today = self._clock.now().astimezone(CHINA_TZ).date()
        if cmd.expires_on <= today:
            raise DocumentExpired(field="expiresOn")
        images = {
            "front": self._check_image(cmd.front, "frontImage"),
            "back": self._check_image(cmd.back, "backImage"),
            "portrait": self._check_image(cmd.portrait, "portraitImage"),
        }
        evidence = self._sealer.seal(p.id, doc_type, name, number, expires_on=cmd.expires_on)
        async with self._uow() as uow:
            await ensure_may_claim(uow, p.id, evidence.number_index, "documentNumber")

        stored: dict[str, str] = {}
        try:
            for role, (data, content_type) in images.items():
                stored[role] = await self._blobs.put(data, content_type)
            async with self._uow() as uow:
                now = self._clock.now()
                identity = await identity_of(uow, p.id)
                identity.submit_for_review(evidence, now)
                review = Review(
                    kind=ReviewKind.IDENTITY, subject_account_id=p.id, submitted_at=now, attachments=stored,
                    subject_summary=f"{mask_name(name)} · {doc_type.label} · {evidence.number_masked}",
                )
                uow.reviews.add(review)
                audit(uow, "identity.review_submitted", now, cmd.meta, account_id=p.id,
                      review=str(review.id), document_type=doc_type.value)
                try:
                    await uow.commit()
                except Conflict:
                    raise DocumentAlreadyUsed(field="documentNumber")
        except BaseException:
            # Nothing half-made: photos of a submission that did not commit are removed again.
            for blob_id in stored.values():
                await self._blobs.delete(blob_id)
            raise
        async with self._uow() as uow:
            return ManualVerificationSubmitted(review, await load_account_view(uow, p.id))
