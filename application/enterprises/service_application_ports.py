"""Ports of the member service applications (§6.3): their repository and the service application letter
(服务申请授权书) as a document."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Protocol
from uuid import UUID

from application.certificates.issue_event_certificate import EventCertificate
from application.enterprises.ports import LetterSignature
from domain.enterprises.service_application import ServiceApplication


class ServiceApplicationRepository(Protocol):
    def add(self, application: ServiceApplication) -> None: ...
    async def get(self, application_id: UUID) -> ServiceApplication | None: ...
    async def open_with_key(self, key: str) -> ServiceApplication | None: ...
    async def for_order(self, order_id: UUID) -> ServiceApplication | None: ...
    async def for_applicant(self, account_id: UUID) -> list[ServiceApplication]:
        """Newest first."""
        ...

    async def for_enterprise(self, enterprise_id: UUID, *, pending_only: bool = False) -> list[ServiceApplication]:
        """The enterprise's applications, newest first, at most 100; `pending_only`: those stored as
        PENDING_APPROVAL (some may have expired since: callers compute effective_status)."""
        ...


@dataclass(frozen=True)
class ServiceLetterContent:
    enterprise_name: str
    credit_code: str
    legal_rep_name: str
    applicant_name: str
    plan_name: str
    platform_name: str
    letter_date: date
    letter_no: str


class ServiceLetterDocuments(Protocol):
    async def render(self, content: ServiceLetterContent) -> bytes:
        """The service application letter as a PDF."""
        ...

    async def sign(self, pdf: bytes, content: ServiceLetterContent, signer: EventCertificate,
                   signature: LetterSignature) -> bytes:
        """`pdf` with one visible PAdES signature in the legal representative's box."""
        ...
