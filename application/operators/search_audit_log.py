"""Supervisors read the audit log: filtered by time, actor (an operator), account and event; exported as rows
for CSV. An export is itself audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from application.audit import audit
from application.context import Principal, RequestMeta, require_operator
from application.ports import AuditQuery, Clock, UnitOfWorkFactory
from domain.audit import AuditEvent
from domain.errors import InvalidInput
from domain.operators.operator import OperatorRole
from domain.text import bounded

PAGE = 200
EXPORT_MAX = 10_000


@dataclass(frozen=True)
class AuditFilter:
    since: datetime | None = None
    until: datetime | None = None
    actor: str | None = None  # an operator's username
    account: str | None = None  # an account's phone number
    event: str | None = None  # an event kind or its prefix ("review.")


@dataclass(frozen=True)
class AuditRow:
    event: AuditEvent
    operator: str | None  # username
    account: str | None  # phone


class SearchAuditLog:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def __call__(self, principal: Principal | None, f: AuditFilter, *, export: bool = False,
                       meta: RequestMeta | None = None) -> list[AuditRow]:
        op = require_operator(principal, OperatorRole.SUPERVISOR)
        if f.since is not None and f.until is not None and f.until <= f.since:
            raise InvalidInput("结束时间须晚于开始时间", field="until")
        async with self._uow() as uow:
            query = AuditQuery(since=f.since, until=f.until,
                               kind_prefix=bounded(f.event, field="event", max_len=64).strip() if f.event else None)
            if f.actor:
                actor = await uow.operators.by_username(bounded(f.actor, field="actor", max_len=32).strip().lower())
                if actor is None:
                    return []
                query = AuditQuery(**{**query.__dict__, "operator_id": actor.id})
            if f.account:
                account = await uow.accounts.by_phone(bounded(f.account, field="account", max_len=11).strip())
                if account is None:
                    return []
                query = AuditQuery(**{**query.__dict__, "account_id": account.id})
            events = await uow.audit.search(query, EXPORT_MAX if export else PAGE)
            names: dict[UUID, str | None] = {}
            phones: dict[UUID, str | None] = {}
            for e in events:
                if e.operator_id and e.operator_id not in names:
                    o = await uow.operators.get(e.operator_id)
                    names[e.operator_id] = o.username if o else None
                if e.account_id and e.account_id not in phones:
                    a = await uow.accounts.get(e.account_id)
                    phones[e.account_id] = a.phone if a else None
            if export:
                audit(uow, "audit.exported", self._clock.now(), meta, operator_id=op.id, rows=len(events),
                      since=f.since.isoformat() if f.since else None, until=f.until.isoformat() if f.until else None,
                      actor=f.actor or None, account=f.account or None, event=f.event or None)
                await uow.commit()
        return [AuditRow(e, names.get(e.operator_id) if e.operator_id else None,
                         phones.get(e.account_id) if e.account_id else None) for e in events]
