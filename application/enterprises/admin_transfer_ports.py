"""Ports of the admin transfer (§8.4): its repository and the transfer letter (管理员变更授权书) as a document."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Protocol
from uuid import UUID

from application.certificates.issue_event_certificate import EventCertificate
from application.enterprises.ports import LetterSignature
from domain.enterprises.admin_transfer import AdminTransfer


class AdminTransferRepository(Protocol):
    def add(self, transfer: AdminTransfer) -> None: ...
    async def get(self, transfer_id: UUID) -> AdminTransfer | None: ...
    async def pending_for(self, enterprise_id: UUID) -> AdminTransfer | None: ...
    async def for_enterprise(self, enterprise_id: UUID, *, pending_only: bool = False) -> list[AdminTransfer]:
        """The enterprise's transfers, newest first, at most 100; `pending_only`: the one stored as PENDING, if any
        (it may have expired or been outdated since: callers compute status_at)."""
        ...


@dataclass(frozen=True)
class TransferLetterContent:
    enterprise_name: str
    credit_code: str
    legal_rep_name: str
    from_admin_name: str
    to_admin_name: str
    letter_date: date
    letter_no: str


class TransferLetterDocuments(Protocol):
    async def render(self, content: TransferLetterContent) -> bytes:
        """The transfer letter as a PDF."""
        ...

    async def sign(self, pdf: bytes, content: TransferLetterContent, signer: EventCertificate,
                   signature: LetterSignature) -> bytes:
        """`pdf` with one visible PAdES signature in the legal representative's box."""
        ...
