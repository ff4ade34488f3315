"""Platforms and plans (admins): register a platform (and show the callback-signing certificate), suspend or
resume it, create and retire plans."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from uuid import UUID

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from adapters.http.console.web import Console
from application.commerce.create_service_plan import CreateServicePlanCommand
from application.commerce.register_platform import RegisterPlatformCommand
from application.operators.console_session import ConsoleOperator
from domain.commerce.entitlement import ScanOperation, SubjectType
from domain.errors import DomainError, InvalidInput, NotFound, PermissionDenied

SUBJECTS = {"PERSONAL": "个人", "ENTERPRISE": "企业"}
FORM_FIELDS = ("code", "name", "region", "callback_url", "public_key")


def _uuid(raw: str) -> UUID:
    try:
        return UUID(raw)
    except ValueError:
        raise NotFound("对象不存在")


async def platforms(request: Request, who: ConsoleOperator, console: Console, *, registered=None,
                    error: str | None = None, form: dict | None = None, status_code: int = 200) -> Response:
    listed = await console.console.list_platforms(who.principal)
    return console.render(request, "platforms.html", status_code, section="platforms", platforms=listed,
                          subjects=SUBJECTS, operations=[o.value for o in ScanOperation], registered=registered,
                          error=error, form=form or dict.fromkeys(FORM_FIELDS, ""))


async def register(request: Request, who: ConsoleOperator, console: Console) -> Response:
    form = await request.form()
    values = {k: str(form.get(k) or "") for k in FORM_FIELDS}
    try:
        done = await console.use_cases.commerce.register_platform(RegisterPlatformCommand(
            who.principal, values["code"], values["name"], values["region"], values["callback_url"],
            values["public_key"]))
    except PermissionDenied:
        raise
    except DomainError as err:
        return await platforms(request, who, console, error=err.message, form=values, status_code=409)
    return await platforms(request, who, console, registered=done)


async def create_plan(request: Request, who: ConsoleOperator, console: Console) -> Response:
    form = await request.form()
    try:
        price = Decimal(str(form.get("price_yuan") or ""))
        months = int(str(form.get("validity_months") or ""))
        subject = SubjectType(str(form.get("subject_type") or ""))
        operations = [ScanOperation(str(o)) for o in form.getlist("operations")]
        if price != price.quantize(Decimal("0.01")):
            raise ValueError
    except (InvalidOperation, ValueError):
        return await platforms(request, who, console, error=InvalidInput("套餐信息有误").message, status_code=409)
    try:
        await console.use_cases.commerce.create_service_plan(CreateServicePlanCommand(
            who.principal, _uuid(request.path_params["platform_id"]), subject, str(form.get("name") or ""),
            operations, months, int(price * 100)))
    except (PermissionDenied, NotFound):
        raise
    except DomainError as err:
        return await platforms(request, who, console, error=err.message, status_code=409)
    return RedirectResponse("/console/platforms", status_code=303)


async def set_status(request: Request, who: ConsoleOperator, console: Console) -> Response:
    active = request.url.path.endswith("/resume")
    await console.console.set_platform_status(who.principal, _uuid(request.path_params["platform_id"]),
                                              active=active, meta=console.meta(request))
    return RedirectResponse("/console/platforms", status_code=303)


async def retire_plan(request: Request, who: ConsoleOperator, console: Console) -> Response:
    await console.console.retire_plan(who.principal, _uuid(request.path_params["plan_id"]), console.meta(request))
    return RedirectResponse("/console/platforms", status_code=303)
