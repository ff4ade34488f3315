"""Who is calling, and from where: passed into every use case that needs it."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from domain.accounts.session import PrincipalKind
from domain.errors import Forbidden, NotSignedIn


@dataclass(frozen=True)
class RequestMeta:
    client_ip: str | None = None
    user_agent: str | None = None


@dataclass(frozen=True)
class Principal:
    kind: PrincipalKind
    id: UUID
    session_id: UUID

    @property
    def is_account(self) -> bool:
        return self.kind is PrincipalKind.ACCOUNT

    @property
    def is_operator(self) -> bool:
        return self.kind is PrincipalKind.OPERATOR


def require_account(principal: Principal | None) -> Principal:
    if principal is None:
        raise NotSignedIn("请先登录")
    if not principal.is_account:
        raise Forbidden("此操作仅限用户账号")
    return principal


def account_id_of(principal: Principal | None) -> UUID | None:
    """The signed-in account, for queries that answer "nothing" rather than refuse anyone else."""
    return principal.id if principal is not None and principal.is_account else None


def require_operator(principal: Principal | None) -> Principal:
    if principal is None:
        raise NotSignedIn("请先登录")
    if not principal.is_operator:
        raise Forbidden("此操作仅限工作人员")
    return principal
