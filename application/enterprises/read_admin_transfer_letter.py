"""ReadAdminTransferLetter: the §8.4 transfer letter's files, served to the enterprise's members only."""

from __future__ import annotations

from uuid import UUID

from application.context import Principal
from application.ports import BlobStore, UnitOfWorkFactory


class ReadAdminTransferLetter:
    """The transfer letter's PDF (or its signed form) for a member of its enterprise; None to anyone else."""

    def __init__(self, uow: UnitOfWorkFactory, blobs: BlobStore) -> None:
        self._uow, self._blobs = uow, blobs

    async def __call__(self, principal: Principal | None, transfer_id: UUID, *, signed: bool) -> bytes | None:
        if principal is None or not principal.is_account:
            return None
        async with self._uow() as uow:
            transfer = await uow.admin_transfers.get(transfer_id)
            member = await uow.memberships.of(transfer.enterprise_id, principal.id) if transfer else None
        if transfer is None or member is None:
            return None
        blob_id = transfer.signed_blob_id if signed else transfer.letter_blob_id
        if not blob_id:
            return None
        data, _type = await self._blobs.get(blob_id)
        return data
