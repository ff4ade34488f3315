"""What the ADMIN or legal rep needs to resume §5.1.2 / §8.6 after the app was closed: the transfer awaiting its
code and the open change. None to anyone else (a plain member, an outsider)."""

from __future__ import annotations

from uuid import UUID

from application.context import Principal
from application.ports import Clock, UnitOfWorkFactory, reading
from domain.enterprises.bank_transfer import BankTransfer
from domain.enterprises.change import EnterpriseChange


class CertificationProgress:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def __call__(self, principal: Principal | None,
                       enterprise_id: UUID) -> tuple[BankTransfer | None, EnterpriseChange | None] | None:
        if principal is None or not principal.is_account:
            return None
        async with reading(self._uow) as uow:
            membership = await uow.memberships.of(enterprise_id, principal.id)
            if membership is None or not membership.may_administer:
                return None
            transfers = await uow.bank_transfers.open_for(enterprise_id)
            change = await uow.enterprise_changes.open_for(enterprise_id)
        transfer = transfers[-1] if transfers else None
        if transfer is not None:
            # Shown as it stands now; the store catches up at the next act on it (start or confirm).
            transfer.expire_if_due(self._clock.now())
        return transfer, change


class BankTransferState:
    """One transfer as it stands, for those who may act on it (the admin and the legal rep); None for anyone else,
    as for a transfer that does not exist. confirmBankTransfer answers a refused code with it (status, tries left)."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def __call__(self, principal: Principal | None, transfer_id: UUID) -> BankTransfer | None:
        if principal is None or not principal.is_account:
            return None
        async with reading(self._uow) as uow:
            transfer = await uow.bank_transfers.get(transfer_id)
            if transfer is None:
                return None
            membership = await uow.memberships.of(transfer.enterprise_id, principal.id)
            if membership is None or not membership.may_administer:
                return None
        transfer.expire_if_due(self._clock.now())
        return transfer
