"""What every console page shares: the cookie session, CSRF tokens, rendering and the error pages."""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from application.context import RequestMeta
from application.operators.console_session import ConsoleOperator
from domain.errors import DomainError, Forbidden, NotFound, PermissionDenied, Unauthenticated
from domain.operators.operator import OperatorRole

HERE = Path(__file__).parent
SESSION_COOKIE = "sxq_console"
LOGIN_COOKIE = "sxq_console_login"  # the pre-session seed of the login form's CSRF token
CST = timezone(timedelta(hours=8), "CST")

_env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"]),
                   trim_blocks=True, lstrip_blocks=True)
_env.globals["static"] = lambda name: f"/console/static/{name}"
_env.globals["roles"] = OperatorRole


def local(at: datetime | None) -> str:
    """China Standard Time, as staff read clocks."""
    return at.astimezone(CST).strftime("%Y-%m-%d %H:%M:%S") if at else "—"


def age(since: datetime, now: datetime | None = None) -> str:
    seconds = int(((now or datetime.now(UTC)) - since).total_seconds())
    if seconds < 3600:
        return f"{max(seconds, 0) // 60} 分钟"
    if seconds < 86400:
        return f"{seconds // 3600} 小时 {seconds % 3600 // 60} 分钟"
    return f"{seconds // 86400} 天 {seconds % 86400 // 3600} 小时"


class Console:
    """The console's dependencies, handed to every view."""

    def __init__(self, use_cases: Any, console: Any, hasher: Any, clock: Any, trust_proxy: bool) -> None:
        self.use_cases, self.console, self._hasher, self.clock, self._trust_proxy = (
            use_cases, console, hasher, clock, trust_proxy)

    # ------------------------------------------------------------ request facts

    def meta(self, request: Request) -> RequestMeta:
        ip = request.client.host if request.client else None
        if self._trust_proxy and (fwd := request.headers.get("x-forwarded-for")):
            ip = fwd.split(",")[0].strip()[:64]
        return RequestMeta(client_ip=ip, user_agent=(request.headers.get("user-agent") or "")[:200] or None)

    def secure(self, request: Request) -> bool:
        """Secure cookies when the browser speaks https to us, directly or to our own TLS proxy."""
        if request.url.scheme == "https":
            return True
        return self._trust_proxy and request.headers.get("x-forwarded-proto", "").lower() == "https"

    def csrf_for(self, seed: str) -> str:
        # Bound to the session (or the login form's seed): a token from another session is worthless.
        return self._hasher.hash("console-csrf", seed)

    @staticmethod
    def csrf_matches(sent: str | None, expected: str) -> bool:
        return bool(sent) and hmac.compare_digest(str(sent), expected)

    def set_cookie(self, response: Response, request: Request, name: str, value: str) -> None:
        response.set_cookie(name, value, httponly=True, samesite="strict", secure=self.secure(request),
                            path="/console")

    @staticmethod
    def new_seed() -> str:
        return secrets.token_urlsafe(32)

    # ------------------------------------------------------------ rendering

    def render(self, request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        who = getattr(request.state, "operator", None)
        body = _env.get_template(template).render(who=who, csrf=getattr(request.state, "csrf", None), **context)
        return HTMLResponse(body, status_code=status_code, headers=NO_STORE)

    def message(self, request: Request, status_code: int, heading: str, message: str) -> HTMLResponse:
        return self.render(request, "message.html", status_code, heading=heading, message=message)


# Pages carry personal data: never cached, never framed.
NO_STORE = {"Cache-Control": "no-store", "X-Frame-Options": "DENY", "Referrer-Policy": "no-referrer"}

View = Callable[[Request, ConsoleOperator], Awaitable[Response]]


def page(console: Console, view: View) -> Callable[[Request], Awaitable[Response]]:
    """A signed-in page: the cookie session (with its idle timeout), the CSRF token of every POST, and the
    refusals of the use cases turned into pages. Who may do what is decided by the use cases, not here."""

    async def endpoint(request: Request) -> Response:
        token = request.cookies.get(SESSION_COOKIE)
        who = await console.console.authenticate(token)
        if who is None:
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            response = RedirectResponse(f"/console/login?next={quote(target)}", status_code=303)
            if token:
                response.delete_cookie(SESSION_COOKIE, path="/console")
            return response
        request.state.operator = who
        request.state.csrf = console.csrf_for(token)
        if request.method == "POST":
            form = await request.form()
            sent = form.get("csrf") or request.headers.get("x-csrf-token")
            if not console.csrf_matches(sent if isinstance(sent, str) else None, request.state.csrf):
                return console.message(request, 403, "请求被拒绝", "表单已失效或来源不明（CSRF 校验失败），请刷新页面后重试。")
        try:
            return await view(request, who)
        except PermissionDenied as refused:
            return console.message(request, 403, "无权访问", refused.message)
        except (Forbidden, Unauthenticated):
            return console.message(request, 403, "无权访问", "此页面仅限工作人员。")
        except NotFound as missing:
            return console.message(request, 404, "不存在", missing.message)
        except DomainError as err:  # pragma: no cover - views catch the errors they expect
            return console.message(request, 400, "操作未完成", err.message)

    return endpoint
