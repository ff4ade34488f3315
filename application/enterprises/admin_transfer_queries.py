"""Reading admin transfers (§8.4): one transfer — what the legal rep opens from the link or QR code of his SMS —,
its letter's files, and the enterprise's list.

A transfer is seen by the people it concerns: the enterprise's admin and legal rep (the legal rep signs it; the
admin asked for it or holds the admin it would move), the member giving admin and the member receiving it (also
after the swap, when the giver is a plain member and the receiver the admin). To anyone else — another member, an
outsider — it does not exist, exactly like an id never issued. The list is for the admin and the legal rep."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.context import Principal, account_id_of
from application.enterprises.letter_files import ReadLetter
from application.enterprises.request_admin_transfer import current_roles
from application.ports import BlobStore, Clock, UnitOfWork, UnitOfWorkFactory, reading
from domain.enterprises.admin_transfer import AdminTransfer, AdminTransferStatus


@dataclass(frozen=True)
class AdminTransferView:
    transfer: AdminTransfer
    status: AdminTransferStatus  # as it is now (status_at): a pending one may have expired or been outdated


async def visible_transfer(uow: UnitOfWork, account_id: UUID, transfer_id: UUID) -> AdminTransfer | None:
    transfer = await uow.admin_transfers.get(transfer_id)
    mine = await uow.memberships.of(transfer.enterprise_id, account_id) if transfer is not None else None
    if transfer is None or mine is None:
        return None
    if mine.may_administer or mine.id in (transfer.from_membership_id, transfer.to_membership_id):
        return transfer
    return None


async def _view(uow: UnitOfWork, transfer: AdminTransfer, clock: Clock) -> AdminTransferView:
    return AdminTransferView(transfer, transfer.status_at(clock.now(), *await current_roles(uow, transfer)))


class GetAdminTransfer:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def __call__(self, principal: Principal | None, transfer_id: UUID) -> AdminTransferView | None:
        if (account_id := account_id_of(principal)) is None:
            return None
        async with reading(self._uow) as uow:
            transfer = await visible_transfer(uow, account_id, transfer_id)
            return await _view(uow, transfer, self._clock) if transfer is not None else None


class ListEnterpriseAdminTransfers:
    """§8.4 for the legal rep who is asked to sign and the admin who asked: the enterprise's transfers, newest first;
    `pending_only`: the one still waiting for the legal rep's signature. Empty for plain members and outsiders."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def __call__(self, principal: Principal | None, enterprise_id: UUID, *, pending_only: bool = False
                       ) -> list[AdminTransferView]:
        if (account_id := account_id_of(principal)) is None:
            return []
        async with reading(self._uow) as uow:
            membership = await uow.memberships.of(enterprise_id, account_id)
            if membership is None or not membership.may_administer:
                return []
            found = await uow.admin_transfers.for_enterprise(enterprise_id, pending_only=pending_only)
            views = [await _view(uow, t, self._clock) for t in found]
        return [v for v in views if not pending_only or v.status is AdminTransferStatus.PENDING]


def read_admin_transfer_letter(uow: UnitOfWorkFactory, blobs: BlobStore) -> ReadLetter:
    """The transfer letter's PDF (or its signed form) to whoever may see the transfer; None to anyone else."""
    return ReadLetter(uow, blobs, visible_transfer)
