"""A thin helper so every use case writes audit events the same way."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from application.context import RequestMeta
from application.ports import UnitOfWork
from domain.audit import AuditEvent, AuditOutcome


def audit(uow: UnitOfWork, kind: str, now: datetime, meta: RequestMeta | None, *, ok: bool = True,
          account_id: UUID | None = None, operator_id: UUID | None = None, **detail: object) -> None:
    uow.audit.record(AuditEvent(
        kind=kind, at=now, outcome=AuditOutcome.SUCCESS if ok else AuditOutcome.FAILURE,
        account_id=account_id, operator_id=operator_id,
        client_ip=meta.client_ip if meta else None,
        detail={k: v for k, v in detail.items() if v is not None},
    ))
