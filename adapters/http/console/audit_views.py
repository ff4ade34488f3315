"""The audit log page and its CSV export (supervisors and admins)."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response

from adapters.http.console.web import CST, Console, local
from application.operators.console_session import ConsoleOperator
from application.operators.search_audit_log import EXPORT_MAX, PAGE, AuditFilter
from domain.errors import DomainError, PermissionDenied

FIELDS = ("since", "until", "actor", "account", "event")


def _when(raw: str) -> datetime | None:
    """A datetime-local value, read as Beijing time."""
    try:
        return datetime.fromisoformat(raw).replace(tzinfo=CST) if raw else None
    except ValueError:
        return None


def _filter(request: Request) -> tuple[AuditFilter, dict[str, str]]:
    raw = {k: request.query_params.get(k, "").strip() for k in FIELDS}
    return AuditFilter(since=_when(raw["since"]), until=_when(raw["until"]), actor=raw["actor"] or None,
                       account=raw["account"] or None, event=raw["event"] or None), raw


def _detail(event) -> str:
    return json.dumps(event.detail, ensure_ascii=False, sort_keys=True, default=str)


async def audit_page(request: Request, who: ConsoleOperator, console: Console) -> Response:
    f, raw = _filter(request)
    error, rows = None, []
    try:
        rows = await console.console.search_audit_log(who.principal, f)
    except PermissionDenied:
        raise
    except DomainError as err:
        error = err.message
    return console.render(request, "audit.html", section="audit", rows=rows, f=raw, error=error, local=local,
                          detail=_detail, query=urlencode({k: v for k, v in raw.items() if v}), page_size=PAGE,
                          export_max=EXPORT_MAX)


async def audit_csv(request: Request, who: ConsoleOperator, console: Console) -> Response:
    f, _ = _filter(request)
    rows = await console.console.search_audit_log(who.principal, f, export=True, meta=console.meta(request))
    out = io.StringIO()
    out.write("\ufeff")  # a BOM, so spreadsheet programs read the Chinese as UTF-8
    w = csv.writer(out)
    w.writerow(["time_utc", "event", "outcome", "operator", "account", "client_ip", "detail"])
    for r in rows:
        e = r.event
        w.writerow([e.at.isoformat(), e.kind, e.outcome.value, r.operator or "", r.account or "", e.client_ip or "",
                    _detail(e)])
    stamp = console.clock.now().astimezone(CST).strftime("%Y%m%d-%H%M%S")
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="audit-{stamp}.csv"', "Cache-Control": "no-store"})
