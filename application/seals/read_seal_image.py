"""ReadSealImage: the image of one of the caller's seals (its current face, or one from its history),
served over HTTP to the owner only (for an org seal: to those who may see it, §8.2)."""

from __future__ import annotations

from uuid import UUID

from application.context import Principal
from application.ports import BlobStore, UnitOfWorkFactory, reading
from application.seals.org_seal_access import visible_org_seal


class ReadSealImage:
    def __init__(self, uow: UnitOfWorkFactory, blobs: BlobStore) -> None:
        self._uow, self._blobs = uow, blobs

    async def __call__(self, principal: Principal | None, seal_id: UUID, face_id: UUID | None = None
                       ) -> tuple[bytes, str] | None:
        if principal is None or not principal.is_account:
            return None
        async with reading(self._uow) as uow:
            seal = await uow.seals.get(seal_id)
            if seal is not None and seal.is_org:
                seal = await visible_org_seal(uow, principal.id, seal_id)
            elif seal is not None and not seal.is_held_by_account(principal.id):
                seal = None
            if seal is None:
                return None  # the same answer for "not yours" and "not there"
            blob = seal.image_blob_id
            if face_id is not None:
                face = next((f for f in await uow.seals.faces_of(seal_id) if f.id == face_id), None)
                if face is None:
                    return None
                blob = face.image_blob_id
        return await self._blobs.get(blob)
