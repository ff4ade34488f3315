"""Domain errors become `userErrors`; auth failures become GraphQL errors with a code; the rest is masked."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Awaitable, Callable, Iterator
from enum import Enum
from typing import Any, TypeVar

import strawberry
from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from application.accounts.authenticate import TokenRefusal
from domain.errors import DomainError, ErrorCode, Forbidden, NotSignedIn, Unauthenticated
from graphql_schema.common.error_docs import describe_error_codes

log = logging.getLogger(__name__)

ErrorCodeEnum = strawberry.enum(ErrorCode, name="ErrorCode", description=(
    "Stable codes of user errors (`UserError.code`): each value says when it happens and what the app should do. "
    "Errors that are not user errors (no or a refused sign-in, a caller of the wrong kind) are GraphQL errors with "
    "`extensions.code` UNAUTHENTICATED (no token sent: sign in), TOKEN_EXPIRED (the access token ran out: refresh "
    "it with `refreshSession`, then retry), TOKEN_INVALID (unknown, signed out or revoked: sign in again) or "
    "FORBIDDEN."))
describe_error_codes(ErrorCodeEnum.__strawberry_definition__)  # type: ignore[attr-defined]

# No field of any input needs more; longer strings are refused before a use case runs.
MAX_INPUT_STRING = 4096


@strawberry.type(description="An expected failure the app can act on (a payload's `userErrors`): nothing was "
                             "changed. Branch on `code`; show `message` to the user; use the data fields "
                             "(`retryAfterSeconds`, `attemptsLeft`) rather than parsing the message.")
class UserError:
    code: ErrorCodeEnum = strawberry.field(  # type: ignore[valid-type]
        description="What went wrong, stable across releases (see the `ErrorCode` values for what the app should "
                    "do).")
    field: str | None = strawberry.field(
        description="The input path the error is about, in the names of the schema (e.g. `phone`, "
                    "`input.smsCode`, `coSignatures.0`); null when it is about no one input.")
    message: str = strawberry.field(
        description="A Chinese sentence for the user, as the manual words it; may include numbers such as the "
                    "tries left. Not for program logic: it may be reworded.")
    retry_after_seconds: int | None = strawberry.field(
        default=None,
        description="Seconds until the same request can succeed, when time is what is missing: an SMS code "
                    "asked for again within the cooldown (`SMS_COOLDOWN`), password login while locked "
                    "(`LOGIN_LOCKED`). Null otherwise.")
    attempts_left: int | None = strawberry.field(
        default=None,
        description="Wrong tries left before the thing tried is locked or used up, after a wrong one: the password "
                    "(`INVALID_CREDENTIALS`), the SMS code (`SMS_CODE_INVALID`; 0 with "
                    "`SMS_CODE_ATTEMPTS_EXCEEDED`), the signing PIN (`PIN_INCORRECT`; 0 with `PIN_LOCKED`), the "
                    "bank-transfer code (`BANK_TRANSFER_CODE_INVALID`; 0 with `BANK_TRANSFER_FAILED`). Null "
                    "when the error counts no tries.")

    @classmethod
    def from_domain(cls, err: DomainError) -> UserError:
        return cls(code=err.code, field=err.field, message=err.message,
                   retry_after_seconds=_int_detail(err, "retryAfterSeconds"),
                   attempts_left=_int_detail(err, "attemptsLeft"))


def _int_detail(err: DomainError, key: str) -> int | None:
    value = err.details.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


# errors[].extensions.code of the GraphQL errors that are expected traffic (never masked, never logged):
# no principal at all, a bearer token that ran out (refresh, retry), one that stands for nobody (sign in again),
# a principal of the wrong kind.
AUTH_ERROR_CODES = ("UNAUTHENTICATED", "TOKEN_EXPIRED", "TOKEN_INVALID", "FORBIDDEN")
_TOKEN_MESSAGES = {TokenRefusal.EXPIRED: "登录已过期，请刷新登录状态后重试",
                   TokenRefusal.INVALID: "登录已失效，请重新登录"}


def auth_error(err: Exception, token_refusal: TokenRefusal | None = None) -> GraphQLError:
    """`token_refusal`: for a subscription, whose errors TokenRefusalCodes does not see (they are raised while
    the stream starts, outside the execution it wraps), the reason the sent token was refused."""
    code = "UNAUTHENTICATED" if isinstance(err, Unauthenticated) else "FORBIDDEN"
    message = str(err) or ("请先登录" if code == "UNAUTHENTICATED" else "无权访问")
    if code == "UNAUTHENTICATED" and token_refusal is not None and isinstance(err, NotSignedIn):
        code, message = token_refusal.value, _TOKEN_MESSAGES[token_refusal]
    return GraphQLError(message, original_error=err, extensions={"code": code})


def _caused_by(error: BaseException | None, kind: type[Exception]) -> bool:
    while error is not None:
        if isinstance(error, kind):
            return True
        error = error.original_error if isinstance(error, GraphQLError) else None
    return False


class TokenRefusalCodes(SchemaExtension):
    """`UNAUTHENTICATED` becomes `TOKEN_EXPIRED` or `TOKEN_INVALID` when the operation needed a signed-in caller
    and the request did send a bearer token, refused: an app refreshes an expired token and retries, but signs
    in again after an invalid one. Requests without a token keep `UNAUTHENTICATED`."""

    def on_execute(self) -> Iterator[None]:
        yield
        refusal = getattr(self.execution_context.context, "token_refusal", None)
        errors = getattr(getattr(self.execution_context, "result", None), "errors", None)
        if refusal is None or not errors:
            return
        for error in errors:
            if (error.extensions or {}).get("code") == "UNAUTHENTICATED" and _caused_by(error, NotSignedIn):
                error.extensions["code"] = refusal.value
                error.message = _TOKEN_MESSAGES[refusal]


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
    if error.extensions and error.extensions.get("code") in AUTH_ERROR_CODES:
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
