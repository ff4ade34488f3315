"""Signing in and out of the console: password + TOTP through the same OperatorLogin use case as the API."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from adapters.http.console.web import LOGIN_COOKIE, SESSION_COOKIE, Console
from application.operators.console_session import ConsoleOperator
from application.operators.operators import OperatorLoginCommand
from domain.errors import DomainError


def _safe_next(raw: object) -> str:
    # Only a path inside the console: never an open redirect.
    value = raw if isinstance(raw, str) else ""
    return value if value.startswith("/console/") and not value.startswith("//") and "\\" not in value else "/console/"


async def login(request: Request, console: Console) -> Response:
    seed = request.cookies.get(LOGIN_COOKIE) or console.new_seed()
    if request.method == "GET":
        response = console.render(request, "login.html", login_csrf=console.csrf_for(seed),
                                  next=_safe_next(request.query_params.get("next")))
        console.set_cookie(response, request, LOGIN_COOKIE, seed)
        return response
    form = await request.form()
    username, nxt = str(form.get("username") or ""), _safe_next(form.get("next"))
    if LOGIN_COOKIE not in request.cookies or not console.csrf_matches(
            form.get("csrf") if isinstance(form.get("csrf"), str) else None, console.csrf_for(seed)):
        return console.message(request, 403, "请求被拒绝", "登录表单已失效或来源不明（CSRF 校验失败），请刷新页面后重试。")
    try:
        signed_in = await console.use_cases.operator_login.sign_in(OperatorLoginCommand(
            username, str(form.get("password") or ""), console.meta(request),
            totp_code=str(form.get("totp") or ""), require_second_factor=True))
    except DomainError as err:
        response = console.render(request, "login.html", 401, error=err.message, username=username,
                                  login_csrf=console.csrf_for(seed), next=nxt)
        return response
    response = RedirectResponse(nxt, status_code=303)
    console.set_cookie(response, request, SESSION_COOKIE, signed_in.session.access_token)
    response.delete_cookie(LOGIN_COOKIE, path="/console")
    return response


async def logout(request: Request, who: ConsoleOperator, console: Console) -> Response:
    await console.use_cases.logout(who.principal, console.meta(request))
    response = RedirectResponse("/console/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/console")
    return response
