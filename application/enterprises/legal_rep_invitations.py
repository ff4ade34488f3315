"""§5.1.1.2 legal-rep authorisation initiated by an admin.

InviteLegalRepAuthorization: the enterprise's admin (or legal rep) sends the legal rep a link (and shows it as a
QR code) valid for 24 hours; a new invitation supersedes the previous one. AcceptLegalRepInvitation: the legal rep,
signed in with the invited phone (the SMS login is the phone check of the manual's step 3) and with a verified
identity that is the licence's legal rep, opens it: a face check against the licence's legal-rep identity starts,
and the letter is rendered. They then sign with SignAuthorizationLetter, which waits for that face check
(authorization_letters.py). Opening the link gives no role: the person becomes LEGAL_REP when the letter is signed,
in the signing transaction, so a failed face check or an abandoned letter leaves them outside the enterprise."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote
from uuid import UUID

from application.accounts.sms_codes import SMS_TOPIC
from application.audit import audit
from application.context import Principal, RequestMeta, require_account
from application.enterprises.authorization_letters import render_letter
from application.enterprises.ports import LetterDocuments
from application.identity.evidence import EvidenceSealer
from application.ports import (
    BlobStore,
    Clock,
    ExternalServiceUnavailable,
    FaceSessionTicket,
    FaceVerifier,
    SecretHasher,
    UnitOfWork,
    UnitOfWorkFactory,
)
from domain.accounts.phone import PhoneNumber
from domain.certificates.claim import IdentityNotVerified
from domain.enterprises.enterprise import (
    AuthorizationLetter,
    CertificationMethod,
    Enterprise,
    NotLegalRepresentative,
)
from domain.enterprises.legal_rep_invitation import InvitationInvalid, LegalRepInvitation
from domain.enterprises.members import NotEnterpriseAdmin
from domain.errors import NotFound, ServiceUnavailable
from domain.identity.face import FaceCheck, FacePurpose

TOKEN_PREFIX = "lri"
HASH_PURPOSE = "legal-rep-invitation"
MAX_TOKEN_LENGTH = 128
INVITATION_PATH = "/l/legal-rep-invitation"  # the landing page (adapters/http/landing.py)


def invitation_url(base_url: str, token: str) -> str:
    """The link the legal rep opens (and the QR code's content); the app reads the token from it."""
    return f"{base_url.rstrip('/')}{INVITATION_PATH}?token={quote(token, safe='')}"


@dataclass(frozen=True)
class InviteLegalRepCommand:
    principal: Principal | None
    enterprise_id: UUID
    legal_rep_phone: str
    meta: RequestMeta | None = None


@dataclass(frozen=True)
class IssuedInvitation:
    invitation: LegalRepInvitation
    url: str

    @property
    def qr_content(self) -> str:
        return self.url


class InviteLegalRepAuthorization:
    def __init__(self, uow: UnitOfWorkFactory, hasher: SecretHasher, clock: Clock, base_url: str) -> None:
        self._uow, self._hasher, self._clock, self._base_url = uow, hasher, clock, base_url

    async def __call__(self, cmd: InviteLegalRepCommand) -> IssuedInvitation:
        p = require_account(cmd.principal)
        async with self._uow() as uow:
            membership = await uow.memberships.of(cmd.enterprise_id, p.id)
            enterprise = await uow.enterprises.get(cmd.enterprise_id) if membership is not None else None
            if membership is None or enterprise is None:
                raise NotFound("企业不存在", field="enterpriseId")  # outsiders learn nothing
            if not membership.may_administer:
                raise NotEnterpriseAdmin("只有企业管理员或法定代表人可以邀请法定代表人授权", field="enterpriseId")
            phone = PhoneNumber.parse(cmd.legal_rep_phone, field="legalRepPhone").value
            now = self._clock.now()
            issued = await issue_legal_rep_invitation(uow, self._hasher, self._base_url, enterprise, p.id, phone, now)
            audit(uow, "enterprise.legal_rep_invited", now, cmd.meta, account_id=p.id,
                  enterprise_id=str(enterprise.id), invitation_id=str(issued.invitation.id))
            await uow.commit()
        return issued


async def issue_legal_rep_invitation(uow: UnitOfWork, hasher: SecretHasher, base_url: str, enterprise: Enterprise,
                                     invited_by: UUID, phone: str, now: datetime) -> IssuedInvitation:
    """A new invitation to `phone`, superseding the live ones, with its SMS in the outbox (the caller commits)."""
    enterprise.ensure_method(CertificationMethod.LEGAL_REP_AUTHORIZATION)
    for old in await uow.legal_rep_invitations.live_for_enterprise(enterprise.id):
        old.supersede(now)
    token = hasher.new_token(TOKEN_PREFIX)
    invitation = LegalRepInvitation.issue(enterprise_id=enterprise.id, invited_by=invited_by, phone=phone,
                                          token_hash=hasher.hash(HASH_PURPOSE, token), now=now)
    uow.legal_rep_invitations.add(invitation)
    # Touching the enterprise bumps its version: of two concurrent invitations one commits and the other fails, so
    # one invitation stays live.
    enterprise.updated_at = now
    url = invitation_url(base_url, token)
    uow.outbox.put(SMS_TOPIC, {"phone": phone, "purpose": "NOTICE", "text": (
        f"【数信签】{enterprise.name}邀请您以法定代表人身份完成企业认证授权。请用本手机号登录数信签后打开链接"
        f"（24小时内有效）：{url}")})
    return IssuedInvitation(invitation, url)


@dataclass(frozen=True)
class AcceptLegalRepInvitationCommand:
    principal: Principal | None
    invitation_token: str
    meta: RequestMeta | None = None


@dataclass(frozen=True)
class AcceptedInvitation:
    invitation: LegalRepInvitation
    face: FaceSessionTicket
    letter: AuthorizationLetter


class AcceptLegalRepInvitation:
    def __init__(self, uow: UnitOfWorkFactory, hasher: SecretHasher, faces: FaceVerifier, sealer: EvidenceSealer,
                 documents: LetterDocuments, blobs: BlobStore, clock: Clock) -> None:
        self._uow, self._hasher, self._faces, self._sealer = uow, hasher, faces, sealer
        self._documents, self._blobs, self._clock = documents, blobs, clock

    async def _checked(self, uow: UnitOfWork, token_hash: str, account_id: UUID,
                       now: datetime) -> tuple[LegalRepInvitation, Enterprise]:
        """Everything acceptance requires, read in `uow`: asked again before anything is written."""
        invitation = await uow.legal_rep_invitations.by_token_hash(token_hash)
        if invitation is None:
            raise InvitationInvalid(field="invitationToken")
        try:
            invitation.ensure_open(now)
        except InvitationInvalid as err:
            raise err.at("invitationToken")
        account = await uow.accounts.get(account_id)
        if account is None or account.phone != invitation.phone:
            raise InvitationInvalid("该邀请是发给其他手机号的，请使用收到邀请短信的手机号登录后再打开链接",
                                    field="invitationToken")
        identity = await uow.identities.for_account(account_id)
        if identity is None or not identity.is_verified or not identity.legal_name or not identity.number_index:
            raise IdentityNotVerified("请先完成个人实名认证，认证通过后重新打开邀请链接即可继续授权",
                                      field="invitationToken")
        enterprise = await uow.enterprises.get(invitation.enterprise_id)
        assert enterprise is not None
        if not enterprise.is_legal_rep(identity.legal_name, identity.number_index):
            raise NotLegalRepresentative(field="invitationToken")
        enterprise.ensure_method(CertificationMethod.LEGAL_REP_AUTHORIZATION)
        return invitation, enterprise

    async def __call__(self, cmd: AcceptLegalRepInvitationCommand) -> AcceptedInvitation:
        p = require_account(cmd.principal)
        token = (cmd.invitation_token or "").strip()
        if not token or len(token) > MAX_TOKEN_LENGTH:
            raise InvitationInvalid(field="invitationToken")
        token_hash = self._hasher.hash(HASH_PURPOSE, token)
        async with self._uow() as uow:
            opened, enterprise = await self._checked(uow, token_hash, p.id, self._clock.now())
        # The face is compared with the licence's legal rep, not with whatever the account verified with.
        number = self._sealer.reveal_legal_rep_number(enterprise.id, enterprise.legal_rep_id_ciphertext)
        try:
            ticket = await self._faces.start(legal_name=enterprise.legal_rep_name, id_number=number,
                                             purpose=FacePurpose.LEGAL_REP_AUTHORIZATION)
        except ExternalServiceUnavailable:
            raise ServiceUnavailable("人脸核验服务暂不可用，请稍后重试") from None
        letter = await render_letter(self._documents, self._blobs, enterprise, p.id, self._clock.now(), opened.id)
        try:
            async with self._uow() as uow:
                now = self._clock.now()
                invitation, enterprise = await self._checked(uow, token_hash, p.id, now)
                uow.face_checks.add(FaceCheck(token=ticket.token, account_id=p.id,
                                              purpose=FacePurpose.LEGAL_REP_AUTHORIZATION, created_at=now,
                                              expires_at=ticket.expires_at, url=ticket.url,
                                              subject_key=enterprise.legal_rep_id_index))
                uow.authorization_letters.add(letter)
                invitation.accept(p.id, face_token=ticket.token, letter_id=letter.id, now=now)
                audit(uow, "enterprise.legal_rep_invitation_accepted", now, cmd.meta, account_id=p.id,
                      enterprise_id=str(enterprise.id), invitation_id=str(invitation.id))
                await uow.commit()
        except BaseException:
            await self._blobs.delete(letter.blob_id)
            raise
        return AcceptedInvitation(invitation, ticket, letter)
