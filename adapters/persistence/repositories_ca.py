"""SQLAlchemy repositories of the certificate authority (certificates, wrapped keys) and the store of
CA keys and published CRLs, which the CA adapter uses outside any unit of work."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from adapters.persistence import tables_ca as t
from application.certificates.ports import WrappedKey
from domain.certificates.certificate import Certificate, CertificateStatus


class SqlAlchemyCertificateRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    def add(self, certificate: Certificate) -> None:
        self._s.add(certificate)

    async def record_tbs(self, certificate: Certificate) -> None:
        self._s.add(certificate)
        await self._s.flush()

    async def get(self, certificate_id: UUID) -> Certificate | None:
        return await self._s.get(Certificate, certificate_id)

    async def by_serial(self, issuer: str, serial: str) -> Certificate | None:
        c = t.certificates.c
        q = select(Certificate).where(c.issuer == issuer, c.serial == serial)
        return (await self._s.execute(q)).scalar_one_or_none()

    async def for_account(self, account_id: UUID) -> list[Certificate]:
        c = t.certificates.c
        q = select(Certificate).where(c.holder_account_id == account_id).order_by(c.created_at, c.id)
        return list((await self._s.execute(q)).scalars())

    async def for_enterprise(self, enterprise_id: UUID) -> list[Certificate]:
        c = t.certificates.c
        q = select(Certificate).where(c.holder_enterprise_id == enterprise_id).order_by(c.created_at, c.id)
        return list((await self._s.execute(q)).scalars())

    async def for_pair(self, pair_id: UUID) -> list[Certificate]:
        c = t.certificates.c
        q = select(Certificate).where(c.pair_id == pair_id).order_by(c.usage.desc())
        return list((await self._s.execute(q)).scalars())

    async def revoked(self, issuer: str) -> list[Certificate]:
        c = t.certificates.c
        q = select(Certificate).where(c.issuer == issuer, c.status == CertificateStatus.REVOKED)
        return list((await self._s.execute(q)).scalars())

    async def search(self, *, serial: str | None = None, subject_contains: str | None = None,
                     limit: int = 50) -> list[Certificate]:
        c = t.certificates.c
        q = select(Certificate).where(c.status != CertificateStatus.PENDING)
        if serial is not None:
            q = q.where(c.serial == serial)
        if subject_contains is not None:
            escaped = subject_contains.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            q = q.where(c.subject_dn.like(f"%{escaped}%", escape="\\"))
        q = q.order_by(c.created_at.desc(), c.id).limit(limit)
        return list((await self._s.execute(q)).scalars())


class SqlAlchemyWrappedKeyRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    def add(self, key: WrappedKey) -> None:
        self._s.add(key)

    async def get(self, certificate_id: UUID) -> WrappedKey | None:
        return await self._s.get(WrappedKey, certificate_id)


# ---------------------------------------------------------------- CA material (outside the unit of work)


@dataclass(frozen=True)
class StoredCaKey:
    name: str
    certificate: bytes
    wrapped_private_key: bytes | None
    serial: str
    not_after: datetime
    created_at: datetime


@dataclass(frozen=True)
class StoredCrl:
    issuer: str
    number: int
    revoked_count: int
    this_update: datetime
    next_update: datetime
    der: bytes


class SqlAlchemyCaStore:
    """CA keys, published CRLs, and the revocation facts CRLs and OCSP answers are made from."""

    def __init__(self, session_factory: async_sessionmaker) -> None:
        self._factory = session_factory

    async def keys(self) -> dict[str, StoredCaKey]:
        async with self._factory() as s:
            rows = (await s.execute(select(t.ca_keys))).mappings().all()
        return {r["name"]: StoredCaKey(**r) for r in rows}

    async def put_key(self, key: StoredCaKey, *, replace: bool = False) -> bool:
        """Inserts (replace=True: updates or inserts) one CA key; False when another process created it first."""
        from sqlalchemy.exc import IntegrityError

        values = {f: getattr(key, f) for f in ("name", "certificate", "wrapped_private_key", "serial",
                                                 "not_after", "created_at")}
        async with self._factory() as s:
            try:
                done = None
                if replace:
                    done = await s.execute(update(t.ca_keys).where(t.ca_keys.c.name == key.name).values(**values))
                if done is None or done.rowcount == 0:
                    await s.execute(insert(t.ca_keys).values(**values))
                await s.commit()
            except IntegrityError:
                await s.rollback()
                return False
        return True

    async def crl(self, issuer: str) -> StoredCrl | None:
        async with self._factory() as s:
            row = (await s.execute(select(t.ca_crls).where(t.ca_crls.c.issuer == issuer))).mappings().first()
        return StoredCrl(**row) if row else None

    async def put_crl(self, crl: StoredCrl, previous_number: int | None) -> bool:
        """Publishes a CRL unless another process published one since (compare-and-set on the number)."""
        from sqlalchemy.exc import IntegrityError

        values = {f: getattr(crl, f) for f in ("issuer", "number", "revoked_count", "this_update",
                                                 "next_update", "der")}
        async with self._factory() as s:
            try:
                if previous_number is None:
                    await s.execute(insert(t.ca_crls).values(**values))
                else:
                    c = t.ca_crls.c
                    done = await s.execute(update(t.ca_crls).where(c.issuer == crl.issuer,
                                                                   c.number == previous_number).values(**values))
                    if done.rowcount != 1:
                        await s.rollback()
                        return False
                await s.commit()
            except IntegrityError:
                await s.rollback()
                return False
        return True

    async def revocations(self, issuer: str) -> list[tuple[str, datetime, int]]:
        """(serial hex, revoked at, reason code) of every revoked certificate of one CA."""
        c = t.certificates.c
        q = (select(c.serial, c.revoked_at, c.revocation_reason)
             .where(c.issuer == issuer, c.status == CertificateStatus.REVOKED))
        async with self._factory() as s:
            rows = (await s.execute(q)).all()
        return [(serial, at, int(reason or 0)) for serial, at, reason in rows]

    async def revoked_count(self, issuer: str) -> int:
        c = t.certificates.c
        q = select(func.count()).select_from(t.certificates).where(c.issuer == issuer,
                                                                    c.status == CertificateStatus.REVOKED)
        async with self._factory() as s:
            return int((await s.execute(q)).scalar_one())

    async def statuses(self, issuer: str, serials: list[str]) -> dict[str, tuple[CertificateStatus, datetime | None,
                                                                                  int | None]]:
        c = t.certificates.c
        q = select(c.serial, c.status, c.revoked_at, c.revocation_reason).where(c.issuer == issuer,
                                                                                c.serial.in_(serials))
        async with self._factory() as s:
            rows = (await s.execute(q)).all()
        return {serial: (status, at, None if reason is None else int(reason)) for serial, status, at, reason in rows}
