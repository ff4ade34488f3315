"""Who may read a protected file: the bearer of the Authorization header or, without one, whoever a valid signed
link (application/file_links.py) stands for. Either way the file's own reader then decides, so a signature grants
nothing the signed principal could not read with their token."""

from __future__ import annotations

from collections.abc import Callable

from starlette.requests import Request

from application.context import Principal
from application.use_cases import UseCases


async def file_principal(request: Request, use_cases: UseCases,
                         bearer: Callable[[Request], str | None]) -> Principal | None:
    token = bearer(request)
    if token is not None:
        return await use_cases.authenticate(token)
    if "signature" not in request.query_params:
        return None
    return await use_cases.file_links.principal(request.url.path, request.query_params.multi_items())
