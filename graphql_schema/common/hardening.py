"""What production hides and what the error log may hold.

- "Did you mean …?" hints (graphql-core adds them to validation and variable errors) are cut from the messages a
  client sees, so unknown field or enum names do not spell out the schema when introspection is off.
- The error log names the operation, the class of each error and where it happened — never its message, which
  graphql-core fills with the rejected variable value or a literal from the query text."""

from __future__ import annotations

import logging
import re
import traceback
from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

log = logging.getLogger("graphql_schema.errors")

_SUGGESTION = re.compile(r"\s*Did you mean [^?]*\?")
_VARIABLE = re.compile(r"^Variable '\$(\w{1,64})'")
_NAME = re.compile(r"[^\w.-]")
# Requests that fail for the client's own reasons (syntax, validation, variable types, auth) are routine traffic.
_CLIENT_CODES = ("UNAUTHENTICATED", "TOKEN_EXPIRED", "TOKEN_INVALID", "FORBIDDEN")


def without_suggestions(message: str) -> str:
    return _SUGGESTION.sub("", message)


class HideSuggestions(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        errors = getattr(result, "errors", None)
        if result is None or not errors:
            return
        result.errors = [_rewritten(e) for e in errors]


def _rewritten(error: GraphQLError) -> GraphQLError:
    message = without_suggestions(error.message)
    if message == error.message:
        return error
    return GraphQLError(message, nodes=error.nodes, source=error.source, positions=error.positions,
                        path=error.path, original_error=error.original_error, extensions=error.extensions)


def operation_label(name: str | None) -> str:
    """The client's operation name, as something safe to log (it is the client's text too)."""
    return _NAME.sub("", name or "")[:64] or "-"


def log_errors(errors: list[GraphQLError], operation_name: str | None) -> None:
    """One line per error: operation, class, code, the variable named (not its value), position and path. An
    unexpected exception is logged at ERROR with its stack frames, not its message (which may quote input)."""
    op = operation_label(operation_name)
    for error in errors:
        code = (error.extensions or {}).get("code")
        if code in _CLIENT_CODES:
            continue
        where = ",".join(f"{loc.line}:{loc.column}" for loc in (error.locations or ())[:5]) or "-"
        path = ".".join(str(p) for p in (error.path or ()))[:200] or "-"
        original = error.original_error
        if original is None or isinstance(original, GraphQLError):
            variable = _VARIABLE.match(error.message)
            log.info("graphql request refused: operation=%s class=%s%s at=%s path=%s", op,
                     _error_class(error), f" variable=${variable.group(1)}" if variable else "", where, path)
            continue
        frames = traceback.extract_tb(original.__traceback__)[-8:]
        stack = " <- ".join(f"{f.filename.rsplit('/', 2)[-1] if f.filename else '?'}:{f.lineno} {f.name}"
                            for f in reversed(frames))
        log.error("graphql resolver failed: operation=%s class=%s.%s at=%s path=%s stack=%s", op,
                  type(original).__module__, type(original).__qualname__, where, path, stack or "-")


def _error_class(error: GraphQLError) -> str:
    """A word for what kind of refusal it is, from the fixed start of graphql-core's messages."""
    message = error.message
    if message.startswith("Syntax Error"):
        return "SyntaxError"
    if message.startswith("Variable '$"):
        return "VariableError"
    if "introspection has been disabled" in message:
        return "IntrospectionDisabled"
    if error.path is None:
        return "ValidationError"
    return "GraphQLError"
