"""Ports of joining (§5.2) and members (§8.1): join applications, member invitations and the member directory."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import UUID

from application.ports import Page
from domain.enterprises.enterprise import Membership
from domain.enterprises.members import (
    INVITATION_MAX_SENDS,
    JoinApplication,
    JoinApplicationStatus,
    MemberInvitation,
    MemberInvitationStatus,
)


@dataclass(frozen=True)
class MemberRow:
    """A membership with what the member list shows of its person: the verified legal name and the phone."""

    membership: Membership
    legal_name: str | None
    phone: str | None


@dataclass(frozen=True)
class InvitationRow:
    """A member invitation as the admin's list shows it: its status now (PENDING past its expiry is EXPIRED)."""

    invitation: MemberInvitation
    status: MemberInvitationStatus

    @property
    def resendable(self) -> bool:
        return (self.invitation.status is MemberInvitationStatus.PENDING
                and self.invitation.phone_ciphertext is not None
                and self.invitation.send_count < INVITATION_MAX_SENDS)


class JoinApplicationRepository(Protocol):
    def add(self, application: JoinApplication) -> None: ...
    async def get(self, application_id: UUID) -> JoinApplication | None: ...
    async def pending_of(self, enterprise_id: UUID, account_id: UUID) -> JoinApplication | None: ...
    async def pending_for_account(self, account_id: UUID) -> list[JoinApplication]: ...
    async def page(self, enterprise_id: UUID, *, status: JoinApplicationStatus | None, first: int,
                   after: str | None) -> Page[JoinApplication]:
        """Oldest first (a queue is worked from the front), keyset-paged on (submitted_at, id)."""
        ...


class MemberInvitationRepository(Protocol):
    def add(self, invitation: MemberInvitation) -> None: ...
    async def pending_of(self, enterprise_id: UUID, phone_index: str) -> MemberInvitation | None: ...
    async def pending_for_phone(self, phone_index: str) -> list[MemberInvitation]:
        """Every still-PENDING invitation to this phone (keyed index), oldest first; expiry is the caller's."""
        ...
    async def get(self, invitation_id: UUID) -> MemberInvitation | None: ...
    async def count_since(self, enterprise_id: UUID, phone_index: str, since: datetime) -> int:
        """How many invitations (any status) this enterprise made to this phone since `since`."""
        ...
    async def page(self, enterprise_id: UUID, *, pending_only: bool, first: int,
                   after: str | None) -> Page[MemberInvitation]:
        """Oldest first, keyset-paged on (created_at, id); `pending_only`: those still PENDING (expired included)."""
        ...


class MemberDirectory(Protocol):
    async def get(self, membership_id: UUID) -> Membership | None: ...
    async def page(self, enterprise_id: UUID, *, first: int, after: str | None) -> Page[MemberRow]:
        """Members by (joined_at, id), with their legal names and phones, in a fixed number of statements."""
        ...
    async def remove(self, membership: Membership) -> None: ...
