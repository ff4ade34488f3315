"""The typed per-request context: who calls, from where, and the use cases."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from strawberry.types import Info as _Info

from application.context import Principal, RequestMeta
from application.sandbox import SandboxConsole
from application.use_cases import UseCases


@dataclass
class GraphQLContext:
    request: Any
    response: Any
    principal: Principal | None
    meta: RequestMeta
    use_cases: UseCases
    sandbox: SandboxConsole | None = None


Info = _Info[GraphQLContext, None]
