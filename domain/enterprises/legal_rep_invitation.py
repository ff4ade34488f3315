"""The legal-rep invitation (§5.1.1.2): an admin asks the enterprise's legal representative, by a link sent to
their phone, to authorise the certification. The legal rep accepts it (which starts a face check against the
licence's legal-rep identity and renders the letter), then signs the letter; signing uses the invitation up.

Only a keyed hash of the link's token is stored. One invitation per enterprise is live at a time: a new one
supersedes the previous, so a link sent to a wrong number can be withdrawn by sending the right one; sending it
again makes a new one to the same phone; the admin or legal rep may also cancel it outright."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from uuid import UUID, uuid4

from domain.errors import DomainError, ErrorCode

INVITATION_TTL = timedelta(hours=24)  # SPEC §3: the link + QR are valid 24 h


class InvitationStatus(StrEnum):
    PENDING = "PENDING"  # sent, not opened yet
    ACCEPTED = "ACCEPTED"  # the legal rep opened it: face check started, letter rendered
    USED = "USED"  # the letter was signed with it
    SUPERSEDED = "SUPERSEDED"  # a newer invitation replaced it (sent anew)
    CANCELLED = "CANCELLED"  # the admin or legal rep withdrew it
    EXPIRED = "EXPIRED"  # never stored: a live invitation past its 24 hours, as it is shown


_I = InvitationStatus
TRANSITIONS: dict[InvitationStatus, frozenset[InvitationStatus]] = {
    _I.PENDING: frozenset({_I.ACCEPTED, _I.SUPERSEDED, _I.CANCELLED}),
    # Accepting again restarts the face check (after a failed one); a newer invitation still replaces it, and the
    # admin may still withdraw it: until the letter is signed nothing was granted by it.
    _I.ACCEPTED: frozenset({_I.ACCEPTED, _I.USED, _I.SUPERSEDED, _I.CANCELLED}),
    _I.USED: frozenset(),
    _I.SUPERSEDED: frozenset(),
    _I.CANCELLED: frozenset(),
    _I.EXPIRED: frozenset(),
}
LIVE = frozenset({_I.PENDING, _I.ACCEPTED})


class InvitationExpired(DomainError):
    code = ErrorCode.INVITATION_EXPIRED
    default_message = "邀请链接已超过24小时有效期，请联系企业管理员重新发起邀请"


class InvitationInvalid(DomainError):
    code = ErrorCode.INVITATION_INVALID
    default_message = "邀请链接无效或已被新的邀请取代，请联系企业管理员重新发起邀请"


@dataclass(eq=False)
class LegalRepInvitation:
    enterprise_id: UUID
    invited_by: UUID
    phone: str
    token_hash: str
    created_at: datetime
    expires_at: datetime
    id: UUID = field(default_factory=uuid4)
    status: InvitationStatus = InvitationStatus.PENDING
    accepted_by: UUID | None = None
    accepted_at: datetime | None = None
    # What accepting started: the face check the signing waits for, and the letter to be signed.
    face_token: str | None = None
    letter_id: UUID | None = None
    used_at: datetime | None = None
    updated_at: datetime | None = None
    version: int = 1

    @classmethod
    def issue(cls, *, enterprise_id: UUID, invited_by: UUID, phone: str, token_hash: str,
              now: datetime) -> LegalRepInvitation:
        return cls(enterprise_id=enterprise_id, invited_by=invited_by, phone=phone, token_hash=token_hash,
                   created_at=now, expires_at=now + INVITATION_TTL, updated_at=now)

    @property
    def is_live(self) -> bool:
        return self.status in LIVE

    def _move(self, to: InvitationStatus, now: datetime) -> None:
        if to not in TRANSITIONS[self.status]:
            raise InvitationInvalid()
        self.status = to
        self.updated_at = now

    def ensure_open(self, now: datetime) -> None:
        """May still be accepted: live and within its 24 hours."""
        if not self.is_live:
            raise InvitationInvalid()
        if now >= self.expires_at:
            raise InvitationExpired()

    def accept(self, account_id: UUID, *, face_token: str, letter_id: UUID, now: datetime) -> None:
        self.ensure_open(now)
        # Once a person has opened it, the link is theirs: nobody else may take it over.
        if self.accepted_by is not None and self.accepted_by != account_id:
            raise InvitationInvalid()
        self._move(InvitationStatus.ACCEPTED, now)
        self.accepted_by, self.accepted_at = account_id, now
        self.face_token, self.letter_id = face_token, letter_id

    def ensure_signable_by(self, account_id: UUID, letter_id: UUID, now: datetime) -> None:
        """The letter being signed is this invitation's current one, by the person who accepted it, within the
        invitation's 24 hours (the link's validity covers the whole flow, not only opening it)."""
        if (self.status is not InvitationStatus.ACCEPTED or self.accepted_by != account_id
                or self.letter_id != letter_id):
            raise InvitationInvalid()
        if now >= self.expires_at:
            raise InvitationExpired()

    def mark_used(self, account_id: UUID, letter_id: UUID, now: datetime) -> None:
        self.ensure_signable_by(account_id, letter_id, now)
        self._move(InvitationStatus.USED, now)
        self.used_at = now

    def supersede(self, now: datetime) -> None:
        self._move(InvitationStatus.SUPERSEDED, now)

    def cancel(self, now: datetime) -> None:
        """Withdrawn by the admin or legal rep: the link and a letter rendered from it can no longer be used."""
        self._move(InvitationStatus.CANCELLED, now)

    def shown_status(self, now: datetime) -> InvitationStatus:
        return InvitationStatus.EXPIRED if self.is_live and now >= self.expires_at else self.status
