"""Ports of the certificate grants (§8.5): their repository and the grant letter (企业证书授权书) as a document."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Protocol
from uuid import UUID

from application.certificates.issue_event_certificate import EventCertificate
from application.enterprises.ports import LetterSignature
from domain.grants.grant import CertificateGrant


class CertificateGrantRepository(Protocol):
    def add(self, grant: CertificateGrant) -> None: ...
    async def get(self, grant_id: UUID) -> CertificateGrant | None: ...
    async def for_enterprise(self, enterprise_id: UUID) -> list[CertificateGrant]: ...
    async def for_member_account(self, account_id: UUID) -> list[CertificateGrant]: ...
    async def for_membership(self, membership_id: UUID) -> list[CertificateGrant]: ...
    async def by_order(self, order_id: UUID) -> CertificateGrant | None: ...


@dataclass(frozen=True)
class GrantLetterContent:
    enterprise_name: str
    credit_code: str
    legal_rep_name: str
    member_name: str
    platform_name: str
    operations: tuple[str, ...]  # as printed (Chinese names)
    valid_until: date
    letter_date: date
    letter_no: str
    seal_names: tuple[str, ...] = ()  # the seals the grant names (SIGN); empty: the enterprise's active seals


class GrantLetterDocuments(Protocol):
    async def render(self, content: GrantLetterContent) -> bytes:
        """The grant letter as a PDF."""
        ...

    async def sign(self, pdf: bytes, content: GrantLetterContent, signer: EventCertificate,
                   signature: LetterSignature) -> bytes:
        """`pdf` with one visible PAdES signature in the legal representative's box."""
        ...
