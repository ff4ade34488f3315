"""§5.1.1.2 the legal-rep invitations of an enterprise as its admin and legal rep see them (to cancel or resend):
the live one, or the latest few of any status. Anyone else gets None. The link itself is not shown again: only a
hash of its token is kept."""

from __future__ import annotations

from uuid import UUID

from application.context import Principal, account_id_of
from application.enterprises.ports import LegalRepInvitationRow
from application.ports import Clock, UnitOfWorkFactory, reading

RECENT = 20


class ListLegalRepInvitations:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def __call__(self, principal: Principal | None, enterprise_id: UUID,
                       live_only: bool) -> list[LegalRepInvitationRow] | None:
        if (me := account_id_of(principal)) is None:
            return None
        async with reading(self._uow) as uow:
            membership = await uow.memberships.of(enterprise_id, me)
            if membership is None or not membership.may_administer:
                return None
            found = (list(reversed(await uow.legal_rep_invitations.live_for_enterprise(enterprise_id))) if live_only
                     else await uow.legal_rep_invitations.recent_for_enterprise(enterprise_id, RECENT))
        now = self._clock.now()
        return [LegalRepInvitationRow(i, i.shown_status(now)) for i in found]
