"""Operators look certificates up by serial number, holder (phone or name) or enterprise (credit code or name)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from uuid import UUID

from application.context import Principal, require_operator
from application.ports import UnitOfWorkFactory
from domain.certificates.certificate import Certificate
from domain.text import bounded

_SERIAL = re.compile(r"^(0x)?[0-9a-fA-F:]{6,64}$")
_PHONE = re.compile(r"^1\d{10}$")
_CREDIT_CODE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{18}$")
LIMIT = 50


@dataclass(frozen=True)
class CertificateFound:
    certificate: Certificate
    holder: str  # what the operator reads: the holder's phone, or the enterprise's name and credit code


class SearchCertificates:
    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def __call__(self, principal: Principal | None, query: str) -> list[CertificateFound]:
        require_operator(principal)
        q = bounded(query or "", field="query", max_len=100).strip()
        if not q:
            return []
        async with self._uow() as uow:
            certs: list[Certificate] = []
            if _PHONE.match(q):
                account = await uow.accounts.by_phone(q)
                certs = list(reversed(await uow.certificates.for_account(account.id))) if account else []
            elif _CREDIT_CODE.match(q.upper()):
                enterprise = await uow.enterprises.certified_with_code(q.upper())
                certs = list(reversed(await uow.certificates.for_enterprise(enterprise.id))) if enterprise else []
            if not certs and _SERIAL.match(q):
                serial = q.lower().removeprefix("0x").replace(":", "").lstrip("0")
                certs = await uow.certificates.search(serial=serial, limit=LIMIT) if serial else []
            if not certs:
                certs = await uow.certificates.search(subject_contains=q, limit=LIMIT)
            certs = [c for c in certs if c.der is not None][:LIMIT]
            holders = await self._holders(uow, certs)
        return [CertificateFound(c, holders.get(c.holder_enterprise_id or c.holder_account_id, "—")) for c in certs]

    @staticmethod
    async def _holders(uow, certs: list[Certificate]) -> dict[UUID | None, str]:
        out: dict[UUID | None, str] = {}
        for enterprise in await uow.enterprises.many(list({c.holder_enterprise_id for c in certs
                                                             if c.holder_enterprise_id})):
            out[enterprise.id] = f"{enterprise.name}（{enterprise.credit_code}）"
        for account_id in {c.holder_account_id for c in certs if c.holder_account_id and not c.holder_enterprise_id}:
            account = await uow.accounts.get(account_id)
            out[account_id] = account.phone if account else "（已注销）"
        return out


class GetCertificateForOperator:
    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def __call__(self, principal: Principal | None, certificate_id: UUID) -> CertificateFound | None:
        require_operator(principal)
        async with self._uow() as uow:
            cert = await uow.certificates.get(certificate_id)
            if cert is None or cert.der is None:
                return None
            holders = await SearchCertificates._holders(uow, [cert])
        return CertificateFound(cert, holders.get(cert.holder_enterprise_id or cert.holder_account_id, "—"))
