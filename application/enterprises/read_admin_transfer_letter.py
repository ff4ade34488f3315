"""The §8.4 transfer letter's files, served to the enterprise's members only."""

from __future__ import annotations

from uuid import UUID

from application.enterprises.letter_files import ReadLetter
from application.ports import BlobStore, UnitOfWork, UnitOfWorkFactory
from domain.enterprises.admin_transfer import AdminTransfer


async def transfer_of_member(uow: UnitOfWork, account_id: UUID, transfer_id: UUID) -> AdminTransfer | None:
    transfer = await uow.admin_transfers.get(transfer_id)
    if transfer is None or await uow.memberships.of(transfer.enterprise_id, account_id) is None:
        return None
    return transfer


def read_admin_transfer_letter(uow: UnitOfWorkFactory, blobs: BlobStore) -> ReadLetter:
    """The transfer letter's PDF (or its signed form) for a member of its enterprise; None to anyone else."""
    return ReadLetter(uow, blobs, transfer_of_member)
