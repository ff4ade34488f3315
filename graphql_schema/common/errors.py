"""Domain errors become `userErrors`; auth failures become GraphQL errors with a code; the rest is masked."""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from enum import Enum
from typing import Any, TypeVar

import strawberry
from graphql import GraphQLError

from domain.errors import DomainError, ErrorCode, Forbidden, Unauthenticated

ErrorCodeEnum = strawberry.enum(ErrorCode, name="ErrorCode", description="Stable codes of user errors.")

# No field of any input needs more; longer strings are refused before a use case runs.
MAX_INPUT_STRING = 4096


@strawberry.type(description="An expected failure: nothing was changed. `field` is the input path, if any.")
class UserError:
    code: ErrorCodeEnum  # type: ignore[valid-type]
    field: str | None
    message: str

    @classmethod
    def from_domain(cls, err: DomainError) -> UserError:
        return cls(code=err.code, field=err.field, message=err.message)


def auth_error(err: Exception) -> GraphQLError:
    code = "UNAUTHENTICATED" if isinstance(err, Unauthenticated) else "FORBIDDEN"
    message = str(err) or ("请先登录" if code == "UNAUTHENTICATED" else "无权访问")
    return GraphQLError(message, extensions={"code": code})


def _too_long(value: Any, path: str) -> str | None:
    if isinstance(value, str):
        return path if len(value) > MAX_INPUT_STRING else None
    if isinstance(value, list | tuple):
        for i, item in enumerate(value):
            if (hit := _too_long(item, f"{path}.{i}")) is not None:
                return hit
        return None
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            name = _camel(f.name)
            if (hit := _too_long(getattr(value, f.name), f"{path}.{name}" if path else name)) is not None:
                return hit
    return None


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(p.title() for p in rest)


P = TypeVar("P")


async def run_mutation(payload: type[P], action: Callable[[], Awaitable[P]], input_: Any = None) -> P:
    """The one place where expected failures turn into a payload with userErrors."""
    if input_ is not None and (field := _too_long(input_, "")) is not None:
        return payload(user_errors=[UserError(code=ErrorCode.INPUT_TOO_LONG, field=field,  # type: ignore[call-arg]
                                              message=f"内容过长，最多 {MAX_INPUT_STRING} 个字符")])
    try:
        return await action()
    except DomainError as err:
        return payload(user_errors=[UserError.from_domain(err)])  # type: ignore[call-arg]
    except (Unauthenticated, Forbidden) as err:
        raise auth_error(err) from err


async def run_query(action: Callable[[], Awaitable[P]]) -> P:
    try:
        return await action()
    except (Unauthenticated, Forbidden) as err:
        raise auth_error(err) from err


def should_mask(error: GraphQLError) -> bool:
    """Mask everything but auth errors and GraphQL's own validation errors."""
    if error.extensions and error.extensions.get("code") in ("UNAUTHENTICATED", "FORBIDDEN"):
        return False
    original = error.original_error
    if original is None:
        return False
    if isinstance(original, GraphQLError):
        return should_mask(original)
    # Logged by the schema's process_errors (graphql_schema/common/hardening.py): class and frames, not message.
    return True


def enum_value(e: Enum | None) -> str | None:
    return None if e is None else e.value
