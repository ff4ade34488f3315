"""Descriptions of schema elements kept in tables beside each bounded context's GraphQL code.

Most of the schema wraps domain enums (`strawberry.enum(DomainEnum)`) and plain annotated fields; a per-context
table (`graphql_schema/<context>/docs.py`, `DOCS`) documents them without putting GraphQL prose in the domain or
turning every annotation into a `strawberry.field(...)` call. A description written in the code
(`description=`) stays where it is; the tables fill only what the code leaves blank, and a key that names no
element, or an element the code already describes, is reported (tests/contract/test_schema_documented.py), so the
tables cannot go stale silently.

Keys: `Type`, `Type.field`, `Type.field(argument)`, `InputType.field`, `Enum.VALUE`."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
)

_KEY = re.compile(r"^(\w+)(?:\.(\w+)(?:\((\w+)\))?)?$")


def _element(schema: GraphQLSchema, key: str):
    match = _KEY.match(key)
    if match is None:
        return None
    type_name, member, argument = match.groups()
    t = schema.type_map.get(type_name)
    if t is None or member is None:
        return t
    if isinstance(t, GraphQLEnumType):
        return t.values.get(member) if argument is None else None
    if not isinstance(t, GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType):
        return None
    field = t.fields.get(member)
    if field is None or argument is None:
        return field
    return getattr(field, "args", {}).get(argument)


def apply_docs(schema: GraphQLSchema, tables: Iterable[Mapping[str, str]]) -> list[str]:
    """Fills blank descriptions from the tables; returns the problems (unknown keys, elements described twice)."""
    problems: list[str] = []
    for table in tables:
        for key, text in table.items():
            element, text = _element(schema, key), " ".join(text.split())
            if element is None:
                problems.append(f"{key}: no such schema element")
            elif not text:
                problems.append(f"{key}: blank")
            elif element.description == text:
                continue  # a second schema built from the same strawberry types
            elif element.description and element.description.strip():
                problems.append(f"{key}: already described in the code")
            else:
                element.description = text
    return problems
