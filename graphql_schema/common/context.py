"""The typed per-request context: who calls, from where, and the use cases."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from strawberry.types import Info as _Info

from application.accounts.authenticate import TokenRefusal
from application.context import Principal, RequestMeta
from application.sandbox import SandboxConsole
from application.scans.authenticate_platform import PlatformPrincipal
from application.use_cases import UseCases


@dataclass
class GraphQLContext:
    request: Any
    response: Any
    principal: Principal | None
    meta: RequestMeta
    use_cases: UseCases
    sandbox: SandboxConsole | None = None
    platform: PlatformPrincipal | None = None  # a trading platform's signed request (api/platform.graphql)
    platform_refusal: Exception | None = None  # why a request that claimed to be a platform's was refused
    token_refusal: TokenRefusal | None = None  # why the bearer token sent stands for nobody (TOKEN_EXPIRED/INVALID)
    connection_params: dict[str, Any] | None = None  # a WebSocket's connection_init payload (strawberry sets it)


Info = _Info[GraphQLContext, None]
