"""Who is calling, and from where: passed into every use case that needs it."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from domain.accounts.session import PrincipalKind
from domain.errors import Forbidden, NotSignedIn, PermissionDenied
from domain.operators.operator import OperatorRole


@dataclass(frozen=True)
class RequestMeta:
    client_ip: str | None = None
    user_agent: str | None = None


@dataclass(frozen=True)
class Principal:
    kind: PrincipalKind
    id: UUID
    session_id: UUID
    # An operator's role, read when the session is authenticated (None for accounts).
    operator_role: OperatorRole | None = None

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


def require_operator(principal: Principal | None, role: OperatorRole = OperatorRole.REVIEWER) -> Principal:
    """An operator whose role reaches `role` (ADMIN ⊇ SUPERVISOR ⊇ REVIEWER); a lower role is refused as a user
    error that names the role needed."""
    if principal is None:
        raise NotSignedIn("请先登录")
    if not principal.is_operator:
        raise Forbidden("此操作仅限工作人员")
    if principal.operator_role is None or not principal.operator_role.allows(role):
        raise PermissionDenied(f"此操作须由{role.label}进行")
    return principal


def operator_may(principal: Principal | None, role: OperatorRole) -> bool:
    return (principal is not None and principal.is_operator and principal.operator_role is not None
            and principal.operator_role.allows(role))
