"""The health page (admins): outbox by topic with retry now / give up, scan sessions of the last hour, CRL age."""

from __future__ import annotations

from uuid import UUID

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from adapters.http.console.web import Console, age, local
from application.operators.console_session import ConsoleOperator
from domain.errors import NotFound

TOPIC_LABELS = {"sms.send": "短信", "platform.callback": "平台回调", "invoice.issue": "开具发票", "blob.delete": "删除文件"}
SCAN_LABELS = [("WAITING", "待扫码"), ("SCANNED", "已扫码"), ("CONFIRMED", "已确认"), ("DECLINED", "已拒绝"),
               ("EXPIRED", "已过期")]


async def health(request: Request, who: ConsoleOperator, console: Console) -> Response:
    h = await console.console.system_health(who.principal)
    return console.render(request, "health.html", section="health", h=h, local=local, age=age,
                          topic_labels=TOPIC_LABELS, scan_labels=SCAN_LABELS)


def _message_id(request: Request) -> UUID:
    try:
        return UUID(request.path_params["message_id"])
    except ValueError:
        raise NotFound("消息不存在")


async def retry(request: Request, who: ConsoleOperator, console: Console) -> Response:
    await console.console.retry_outbox_message(who.principal, _message_id(request), console.meta(request))
    return RedirectResponse("/console/health", status_code=303)


async def give_up(request: Request, who: ConsoleOperator, console: Console) -> Response:
    await console.console.give_up_outbox_message(who.principal, _message_id(request), console.meta(request))
    return RedirectResponse("/console/health", status_code=303)
