"""§5.1.1.1 legal-rep authorisation, initiated by the legal rep: PrepareAuthorizationLetter renders the letter and
lists what the caller may sign with; SignAuthorizationLetter (SMS code, purpose SIGN) signs it visibly with an event
certificate and certifies the enterprise. Only a caller whose verified identity is the legal rep's may do either.
A letter rendered by accepting a legal-rep invitation (§5.1.1.2, legal_rep_invitations.py) is signed the same way,
once the face check the acceptance started has passed; signing uses the invitation up.
ReadAuthorizationLetter serves the letter (and the signed one) to the enterprise's members and to its signer."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from application.accounts.sms_codes import SmsCodes
from application.audit import audit
from application.certificates.issue_event_certificate import IssueEventCertificate
from application.certificates.personal import verified_identity
from application.context import Principal, RequestMeta, require_account
from application.enterprises.identity_links import make_legal_rep
from application.enterprises.invitation_face import InvitationFaceGate
from application.enterprises.legal_rep_signing import LegalRepSigning, SignedByLegalRep
from application.enterprises.ports import LetterContent, LetterDocuments
from application.ports import BlobStore, Clock, SecretHasher, UnitOfWork, UnitOfWorkFactory
from application.seals.ports import SealImages
from application.seals.signature_appearances import (
    AppearanceKind,
    ListSignatureAppearances,
    SignatureAppearance,
)
from domain.clock import CHINA_TZ
from domain.enterprises.enterprise import (
    AuthorizationLetter,
    CertificationMethod,
    Enterprise,
    Membership,
    NotLegalRepresentative,
)
from domain.enterprises.legal_rep_invitation import InvitationInvalid
from domain.errors import NotFound
from domain.identity.identity import Identity

PDF = "application/pdf"


def letter_content(enterprise: Enterprise, letter: AuthorizationLetter) -> LetterContent:
    """The letter's data, reproducible from what is stored (the signer needs the same layout)."""
    local = letter.created_at.astimezone(CHINA_TZ)
    return LetterContent(enterprise_name=enterprise.name, credit_code=enterprise.credit_code,
                         legal_rep_name=enterprise.legal_rep_name, applicant_name=enterprise.legal_rep_name,
                         letter_date=local.date(), letter_no=f"SQ{local:%Y%m%d}{letter.id.hex[:8].upper()}")


async def _as_legal_rep(uow: UnitOfWork, account_id: UUID, enterprise_id: UUID,
                        field: str, *, invited: bool = False) -> tuple[Enterprise, Identity]:
    """The enterprise and the caller's identity when the caller is its legal rep. A member, unless `invited`: the
    person an invitation's letter was rendered for (§5.1.1.2) joins only by signing it."""
    membership = await uow.memberships.of(enterprise_id, account_id)
    enterprise = await uow.enterprises.get(enterprise_id) if membership is not None or invited else None
    if enterprise is None:
        raise NotFound("企业不存在", field=field)
    identity = await verified_identity(uow, account_id)
    if not enterprise.is_legal_rep(identity.legal_name, identity.number_index):
        raise NotLegalRepresentative()
    enterprise.ensure_method(CertificationMethod.LEGAL_REP_AUTHORIZATION)
    return enterprise, identity


async def render_letter(documents: LetterDocuments, blobs: BlobStore, enterprise: Enterprise, account_id: UUID,
                        now: datetime, invitation_id: UUID | None = None) -> AuthorizationLetter:
    """A new letter for `account_id` to sign, its PDF already in the blob store (the caller adds the letter)."""
    letter = AuthorizationLetter(enterprise_id=enterprise.id, account_id=account_id, blob_id="", sha256="",
                                 created_at=now, invitation_id=invitation_id)
    pdf = await documents.render(letter_content(enterprise, letter))
    letter.blob_id, letter.sha256 = await blobs.put(pdf, PDF), hashlib.sha256(pdf).hexdigest()
    return letter


@dataclass(frozen=True)
class PreparedLetter:
    letter: AuthorizationLetter
    appearances: list[SignatureAppearance]


class PrepareAuthorizationLetter:
    def __init__(self, uow: UnitOfWorkFactory, documents: LetterDocuments, blobs: BlobStore,
                 appearances: ListSignatureAppearances, clock: Clock) -> None:
        self._uow, self._documents, self._blobs = uow, documents, blobs
        self._appearances, self._clock = appearances, clock

    async def __call__(self, principal: Principal | None, enterprise_id: UUID,
                       meta: RequestMeta | None = None) -> PreparedLetter:
        p = require_account(principal)
        async with self._uow() as uow:
            enterprise, _identity = await _as_legal_rep(uow, p.id, enterprise_id, "enterpriseId")
        now = self._clock.now()
        letter = await render_letter(self._documents, self._blobs, enterprise, p.id, now)
        async with self._uow() as uow:
            uow.authorization_letters.add(letter)
            audit(uow, "enterprise.letter_prepared", now, meta, account_id=p.id, enterprise_id=str(enterprise.id))
            await uow.commit()
        return PreparedLetter(letter, await self._appearances(p))


@dataclass(frozen=True)
class SignAuthorizationLetterCommand:
    principal: Principal | None
    letter_id: UUID
    appearance: tuple[AppearanceKind | None, UUID]  # (NAME_SIGNATURE, account id) or (None, seal id)
    sms_code: str
    meta: RequestMeta | None = None


@dataclass(frozen=True)
class SignedLetter:
    letter: AuthorizationLetter
    enterprise: Enterprise
    membership: Membership


class SignAuthorizationLetter:
    def __init__(self, uow: UnitOfWorkFactory, codes: SmsCodes, issue_event_certificate: IssueEventCertificate,
                 documents: LetterDocuments, blobs: BlobStore, appearances: ListSignatureAppearances,
                 seal_images: SealImages, hasher: SecretHasher, clock: Clock, face_gate: InvitationFaceGate) -> None:
        self._uow, self._documents, self._clock = uow, documents, clock
        self._face_gate = face_gate
        self._signing = LegalRepSigning(uow, codes, issue_event_certificate, blobs, appearances, seal_images, hasher)

    async def __call__(self, cmd: SignAuthorizationLetterCommand) -> SignedLetter:
        p = require_account(cmd.principal)
        async with self._uow() as uow:
            letter = await uow.authorization_letters.get(cmd.letter_id)
            if letter is None or letter.account_id != p.id or letter.is_signed:
                raise NotFound("授权书不存在或已签署", field="letterId")
            enterprise, identity = await _as_legal_rep(uow, p.id, letter.enterprise_id, "letterId",
                                                       invited=letter.invitation_id is not None)
            account = await uow.accounts.get(p.id)
            assert account is not None and identity.legal_name
            invitation = None
            if letter.invitation_id is not None:
                invitation = await uow.legal_rep_invitations.get(letter.invitation_id)
                if invitation is None:
                    raise InvitationInvalid(field="letterId")
                invitation.ensure_signable_by(p.id, letter.id, self._clock.now())
        if invitation is not None:
            # §5.1.1.2: the invited legal rep proves with their face that they are the licence's legal rep,
            # before the SMS code is spent.
            await self._face_gate.ensure_passed(invitation.face_token, p.id, enterprise.legal_rep_id_index)
        content = letter_content(enterprise, letter)

        async def record(signed: SignedByLegalRep) -> SignedLetter:
            async with self._uow() as uow:
                now = self._clock.now()
                stored = await uow.authorization_letters.get(cmd.letter_id)
                certified = await uow.enterprises.get(enterprise.id)
                assert stored is not None and certified is not None
                stored.mark_signed(signed.blob_id, signed.sha256, signed.certificate_id, now)
                if invitation is not None:
                    used = await uow.legal_rep_invitations.get(invitation.id)
                    assert used is not None
                    used.mark_used(p.id, stored.id, now)  # superseded meanwhile: refused, nothing signed
                # The invited legal rep takes the role with the signature (the face check passed), not before.
                membership = await make_legal_rep(uow, certified.id, p.id, now, cmd.meta)
                certified.certify_by_legal_rep(now)
                audit(uow, "enterprise.certified", now, cmd.meta, account_id=p.id, enterprise_id=str(certified.id),
                      method=CertificationMethod.LEGAL_REP_AUTHORIZATION.value)
                await uow.commit()
                return SignedLetter(stored, certified, membership)

        return await self._signing.sign(
            p, identity, account.phone, appearance=cmd.appearance, sms_code=cmd.sms_code, meta=cmd.meta,
            load_pdf=lambda: self._signing.stored_pdf(letter.blob_id),
            sign_pdf=lambda pdf, event, signature: self._documents.sign(pdf, content, event, signature),
            record=record)


@dataclass(frozen=True)
class LetterFile:
    data: bytes
    signed_at: datetime | None


class ReadAuthorizationLetter:
    """The letter's PDF (or its signed form) for a member of its enterprise; None to anyone else."""

    def __init__(self, uow: UnitOfWorkFactory, blobs: BlobStore) -> None:
        self._uow, self._blobs = uow, blobs

    async def __call__(self, principal: Principal | None, letter_id: UUID, *, signed: bool) -> bytes | None:
        if principal is None or not principal.is_account:
            return None
        async with self._uow() as uow:
            letter = await uow.authorization_letters.get(letter_id)
            member = await uow.memberships.of(letter.enterprise_id, principal.id) if letter else None
        # Its signer reads it too: an invited legal rep reads the letter before signing makes them a member.
        if letter is None or (member is None and letter.account_id != principal.id):
            return None
        blob_id = letter.signed_blob_id if signed else letter.blob_id
        if not blob_id:
            return None
        data, _type = await self._blobs.get(blob_id)
        return data
