"""The personal name seal (个人名章) made when a person's first personal certificate is issued (SPEC §6)."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from application.ports import BlobStore, Clock, UnitOfWork, UnitOfWorkFactory
from application.seals.ports import SealImages
from domain.seals.seal import DEFAULT_PERSONAL_STYLE, FaceSource, Seal, SealKind

PNG = "image/png"


class PersonalNameSeals:
    def __init__(self, uow: UnitOfWorkFactory, images: SealImages, blobs: BlobStore, clock: Clock) -> None:
        self._uow, self._images, self._blobs, self._clock = uow, images, blobs, clock

    async def needs_face(self, uow: UnitOfWork, account_id: UUID) -> bool:
        return _usable(await uow.seals.for_account(account_id), self._clock.now()) is None

    async def render(self, legal_name: str) -> str:
        """Draws and stores the default face (outside any transaction); returns the blob id."""
        return await self._blobs.put(self._images.personal_seal(legal_name, DEFAULT_PERSONAL_STYLE), PNG)

    async def forget(self, blob_id: str | None) -> None:
        if blob_id is not None:
            await self._blobs.delete(blob_id)

    async def ensure_in(self, uow: UnitOfWork, account_id: UUID, legal_name: str, valid_until: datetime,
                        blob_id: str | None) -> tuple[Seal | None, bool]:
        """In the caller's transaction: extends the usable seal, or makes one from `blob_id`.
        Returns the seal and whether the blob was used (an unused one is the caller's to forget)."""
        now = self._clock.now()
        current = _usable(await uow.seals.for_account(account_id), now)
        if current is not None:
            current.extend_to(valid_until, now)
            return current, False
        if blob_id is None:
            return None, False
        seal, face = Seal.made(kind=SealKind.PERSONAL_NAME, name=legal_name, holder_account_id=account_id,
                               face_blob=blob_id, content_type=PNG, source=FaceSource.TEMPLATE,
                               style=DEFAULT_PERSONAL_STYLE, now=now, valid_until=valid_until)
        uow.seals.add(seal)
        uow.seals.add_face(face)
        return seal, True

    async def ensure(self, account_id: UUID, legal_name: str, valid_until: datetime) -> Seal:
        """The account's active personal name seal, carried to `valid_until`; made now if it has none."""
        async with self._uow() as uow:
            now = self._clock.now()
            current = _usable(await uow.seals.for_account(account_id), now)
            if current is not None:
                current.extend_to(valid_until, now)
                await uow.commit()
                return current
        blob = await self._blobs.put(self._images.personal_seal(legal_name, DEFAULT_PERSONAL_STYLE), PNG)
        async with self._uow() as uow:
            now = self._clock.now()
            current = _usable(await uow.seals.for_account(account_id), now)
            if current is not None:  # made meanwhile by a parallel claim
                return current
            seal, face = Seal.made(kind=SealKind.PERSONAL_NAME, name=legal_name, holder_account_id=account_id,
                                   face_blob=blob, content_type=PNG, source=FaceSource.TEMPLATE,
                                   style=DEFAULT_PERSONAL_STYLE, now=now, valid_until=valid_until)
            uow.seals.add(seal)
            uow.seals.add_face(face)
            await uow.commit()
        return seal


def _usable(seals: list[Seal], now: datetime) -> Seal | None:
    return next((s for s in reversed(seals) if s.kind is SealKind.PERSONAL_NAME and s.is_usable(now)), None)
