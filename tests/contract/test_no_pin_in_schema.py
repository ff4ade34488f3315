"""SPEC §C: the PIN never leaves the phone, so no argument or input field of the schema can carry one."""

from __future__ import annotations

import re

from graphql import GraphQLInputObjectType

from graphql_schema.schema import build_schema


def _takes_a_pin(name: str) -> bool:
    """`pin`, `newPin`, `oldPin`, `pinCode` — a word "pin" in the camelCase name; `shipping` is not one."""
    return "pin" in (w.lower() for w in re.findall(r"[a-z]+|[A-Z][a-z]*", name))


def test_the_check_sees_pins_in_camel_case():
    assert all(map(_takes_a_pin, ["pin", "newPin", "oldPin", "pinCode"]))
    assert not any(map(_takes_a_pin, ["shipping", "spinner", "opinion"]))


def test_no_input_or_argument_of_the_schema_takes_a_pin():
    schema = build_schema()._schema
    found = []
    for name, t in schema.type_map.items():
        if name.startswith("__"):
            continue
        if isinstance(t, GraphQLInputObjectType):
            found += [f"{name}.{f}" for f in t.fields if _takes_a_pin(f)]
        for field_name, field in getattr(t, "fields", {}).items():
            found += [f"{name}.{field_name}({a})" for a in getattr(field, "args", {}) if _takes_a_pin(a)]
    assert found == []
