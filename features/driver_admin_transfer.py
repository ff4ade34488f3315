"""ApplicationDriver's acts of §8.4 (管理员转授), as a mixin: through the use cases of the fake-backed app.

Until joining (§5.2) and adding members (§8.1) land, a plain member is put into the enterprise directly through
the application's unit of work (`add_member_directly`), and leaving is a row taken out of the fake store."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class TransferInfo:
    id: Any
    status: str
    letter_id: Any


@dataclass(frozen=True)
class TransferView:
    """A transfer as the people it concerns find it (node, the enterprise's list)."""
    id: Any
    status: str
    from_admin_name: str
    to_admin_name: str


class AdminTransferDriver:
    # Provided by ApplicationDriver: the fake app, `_call` (DomainError → Refused), `_principal`, `_enterprise`.
    app: Any

    async def _account_id(self, session) -> Any:
        principal = await self._principal(session)
        assert principal is not None
        return principal.id

    async def add_member_directly(self, session, enterprise_id: Any) -> None:
        from domain.enterprises.enterprise import Membership

        account_id = await self._account_id(session)
        async with self.app.uow() as uow:
            uow.memberships.add(Membership(enterprise_id=enterprise_id, account_id=account_id,
                                           joined_at=self.app.clock.now()))
            await uow.commit()

    async def remove_member_directly(self, session, enterprise_id: Any) -> None:
        account_id = await self._account_id(session)
        rows = self.app.db.tables["memberships"]
        for key in [k for k, m in rows.items() if m.enterprise_id == enterprise_id and m.account_id == account_id]:
            del rows[key]

    async def member_ids(self, session) -> dict[Any, Any]:
        """The caller's member IDs by enterprise (what the members list shows its admin)."""
        account_id = await self._account_id(session)
        async with self.app.uow() as uow:
            return {m.enterprise_id: m.id for m in await uow.memberships.for_account(account_id)}

    async def request_admin_transfer(self, session, enterprise_id: Any, member_id: Any) -> TransferInfo:
        from application.enterprises.request_admin_transfer import RequestAdminTransferCommand
        from features.driver import META

        principal = await self._principal(session)
        r = await self._call(self.app.enterprises.request_admin_transfer(RequestAdminTransferCommand(
            principal, enterprise_id, member_id, META)))
        return TransferInfo(r.transfer.id, r.transfer.status.value, r.transfer.id)

    async def approve_admin_transfer(self, session, transfer_id: Any, appearance_kind: str, code: str):
        from application.enterprises.approve_admin_transfer import ApproveAdminTransferCommand
        from application.seals.signature_appearances import AppearanceKind
        from features.driver import META

        principal = await self._principal(session)
        found = {a.kind.value: a for a in await self.app.list_signature_appearances(principal)}
        a = found[appearance_kind]
        ref = (AppearanceKind.NAME_SIGNATURE, a.account_id) if a.seal is None else (None, a.seal.id)
        r = await self._call(self.app.enterprises.approve_admin_transfer(
            ApproveAdminTransferCommand(principal, transfer_id, ref, code, META)))
        return self._enterprise(r.enterprise, r.membership.role)

    async def admin_transfer_letter(self, session, letter_id: Any, *, signed: bool) -> bytes | None:
        principal = await self._principal(session)
        return await self.app.enterprises.read_admin_transfer_letter(principal, letter_id, signed=signed)

    @staticmethod
    def _transfer_view(v) -> TransferView:
        t = v.transfer
        return TransferView(t.id, v.status.value, t.from_admin_name, t.to_admin_name)

    async def open_admin_transfer_link(self, session, url: str) -> TransferView | None:
        """What the legal rep's page shows for the link of his SMS: the transfer named by the ID the link carries (a
        global ID, as the API takes), or None."""
        from urllib.parse import parse_qs, urlparse

        from graphql_schema.common.node import from_global_id

        [carried] = parse_qs(urlparse(url).query)["id"]
        ref = from_global_id(carried, "AdminTransfer")
        return await self.admin_transfer(session, ref[1]) if ref is not None else None

    async def admin_transfer(self, session, transfer_id: Any) -> TransferView | None:
        v = await self.app.enterprises.get_admin_transfer(await self._principal(session), transfer_id)
        return self._transfer_view(v) if v is not None else None

    async def enterprise_admin_transfers(self, session, enterprise_id: Any, *, pending_only: bool
                                         ) -> list[TransferView]:
        found = await self.app.enterprises.list_enterprise_admin_transfers(
            await self._principal(session), enterprise_id, pending_only=pending_only)
        return [self._transfer_view(v) for v in found]
