"""IssueEventCertificate: a short-lived (≤ 1 day) certificate and its key for one document confirmed by
SMS. The private key lives in memory only: it signs the document and is dropped."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from uuid import UUID

from application.certificates.ports import CertificateAuthority, CertificateRequest, SubjectInfo
from application.crypto.ports import Sm2Backend
from application.ports import Clock, UnitOfWorkFactory
from domain.certificates.certificate import Certificate, CertificateUsage

EVENT_VALIDITY = timedelta(hours=1)


@dataclass(frozen=True)
class EventCertificate:
    certificate: Certificate
    private_key: bytes = field(repr=False)


class IssueEventCertificate:
    def __init__(self, uow: UnitOfWorkFactory, ca: CertificateAuthority, sm2: Sm2Backend, clock: Clock) -> None:
        self._uow, self._ca, self._sm2, self._clock = uow, ca, sm2, clock

    async def __call__(self, subject: SubjectInfo, account_id: UUID | None = None,
                       validity: timedelta = EVENT_VALIDITY) -> EventCertificate:
        private_key = self._sm2.generate_private_key()
        async with self._uow() as uow:
            now = self._clock.now()
            cert = await self._ca.prepare(CertificateRequest(
                profile="EVENT", usage=CertificateUsage.SIGNING, subject=subject,
                public_key=self._sm2.public_key(private_key), not_before=now, not_after=now + validity,
                holder_account_id=account_id))
            await uow.certificates.record_tbs(cert)
            await self._ca.sign(cert)
            await uow.commit()
        return EventCertificate(cert, private_key)
