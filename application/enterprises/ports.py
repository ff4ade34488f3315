"""Ports of the enterprise chapter: its repositories, the four-element check and the letter documents."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Protocol
from uuid import UUID

from application.certificates.issue_event_certificate import EventCertificate
from domain.enterprises.enterprise import AuthorizationLetter, Enterprise, Membership
from domain.enterprises.legal_rep_invitation import InvitationStatus, LegalRepInvitation


class EnterpriseRepository(Protocol):
    def add(self, enterprise: Enterprise) -> None: ...
    async def get(self, enterprise_id: UUID) -> Enterprise | None: ...
    async def many(self, enterprise_ids: list[UUID]) -> list[Enterprise]: ...
    async def certified_with_code(self, credit_code: str) -> Enterprise | None: ...
    async def certified_named(self, name: str) -> list[Enterprise]:
        """CERTIFIED enterprises with exactly this full name (§5.2 finds an enterprise by name), oldest first."""
        ...
    async def naming_legal_rep(self, legal_rep_id_index: str) -> list[Enterprise]:
        """Every enterprise whose legal rep has this document (keyed index), oldest first."""
        ...


class MembershipRepository(Protocol):
    def add(self, membership: Membership) -> None: ...
    async def of(self, enterprise_id: UUID, account_id: UUID) -> Membership | None: ...
    async def for_account(self, account_id: UUID) -> list[Membership]:
        """Oldest first."""
        ...
    async def for_enterprise(self, enterprise_id: UUID) -> list[Membership]: ...


class AuthorizationLetterRepository(Protocol):
    def add(self, letter: AuthorizationLetter) -> None: ...
    async def get(self, letter_id: UUID) -> AuthorizationLetter | None: ...


@dataclass(frozen=True)
class LegalRepInvitationRow:
    """A legal-rep invitation as the admin's list shows it (§5.1.1.2)."""

    invitation: LegalRepInvitation
    status: InvitationStatus  # EXPIRED for a live one past its 24 hours


class LegalRepInvitationRepository(Protocol):
    def add(self, invitation: LegalRepInvitation) -> None: ...
    async def by_token_hash(self, token_hash: str) -> LegalRepInvitation | None: ...
    async def live_for_enterprise(self, enterprise_id: UUID) -> list[LegalRepInvitation]:
        """PENDING or ACCEPTED, oldest first."""
        ...
    async def get(self, invitation_id: UUID) -> LegalRepInvitation | None: ...
    async def recent_for_enterprise(self, enterprise_id: UUID, limit: int) -> list[LegalRepInvitation]:
        """Any status, newest first."""
        ...


class FourElementResult(StrEnum):
    MATCH = "MATCH"
    MISMATCH = "MISMATCH"


class EnterpriseVerifier(Protocol):
    """The four-element check (name, credit code, legal rep name, legal rep ID number) against the
    market-regulation registry. Raises application.ports.ExternalServiceUnavailable when it cannot answer."""

    async def check(self, name: str, credit_code: str, legal_rep_name: str,
                    legal_rep_id_number: str) -> FourElementResult: ...


@dataclass(frozen=True)
class LetterContent:
    enterprise_name: str
    credit_code: str
    legal_rep_name: str
    applicant_name: str
    letter_date: date
    letter_no: str


@dataclass(frozen=True)
class LetterSignature:
    """What the visible signature shows: the chosen appearance's image (None: text only) and a few lines."""

    image_png: bytes | None
    lines: tuple[str, ...]


class LetterDocuments(Protocol):
    async def render(self, content: LetterContent) -> bytes:
        """The authorisation letter as a PDF."""
        ...

    async def sign(self, pdf: bytes, content: LetterContent, signer: EventCertificate,
                   signature: LetterSignature) -> bytes:
        """`pdf` with one visible PAdES signature in the legal representative's box."""
        ...
