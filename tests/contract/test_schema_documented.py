"""The schema documents itself: every type, field, argument, input field and enum value an integrator meets in
GraphiQL or `schema.graphql` carries a description. The check walks the built schema (sandbox fields included),
so a new element without one fails here, with its path."""

from __future__ import annotations

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
)

from graphql_schema.schema import build_schema


def undescribed(schema: GraphQLSchema) -> list[str]:
    """Every element of the schema's own types (not GraphQL's built-in scalars or introspection) that has no
    description, or only whitespace, as `Type`, `Type.field`, `Type.field(arg)` or `Enum.VALUE`."""
    missing: list[str] = []

    def blank(text: str | None) -> bool:
        return not (text and text.strip())

    for name, t in sorted(schema.type_map.items()):
        if name.startswith("__") or name in ("String", "Int", "Float", "Boolean", "ID"):
            continue
        if blank(t.description):
            missing.append(name)
        if isinstance(t, GraphQLObjectType | GraphQLInterfaceType):
            for field_name, field in t.fields.items():
                if blank(field.description):
                    missing.append(f"{name}.{field_name}")
                missing += [f"{name}.{field_name}({a})" for a, arg in field.args.items() if blank(arg.description)]
        elif isinstance(t, GraphQLInputObjectType):
            missing += [f"{name}.{f}" for f, field in t.fields.items() if blank(field.description)]
        elif isinstance(t, GraphQLEnumType):
            missing += [f"{name}.{v}" for v, value in t.values.items() if blank(value.description)]
        elif isinstance(t, GraphQLUnionType):
            pass  # a union has only its own description
    return missing


def test_the_check_finds_an_undescribed_element():
    """A test that cannot fail is a defect: a schema with one bare field is caught."""
    import strawberry

    @strawberry.type(description="described")
    class Query:
        bare: int = 0

    found = undescribed(strawberry.Schema(query=Query)._schema)
    assert found == ["Query.bare"]


def test_every_schema_element_has_a_description():
    missing = undescribed(build_schema(sandbox=True)._schema)
    assert missing == [], f"{len(missing)} schema elements have no description:\n" + "\n".join(missing)


def test_the_description_tables_name_only_real_undescribed_elements():
    """A table entry for an element that was renamed or removed, or that the code describes itself, is stale."""
    assert build_schema(sandbox=True).doc_problems == ()
    assert build_schema(sandbox=False).doc_problems == ()


def test_every_error_code_says_when_it_happens_and_what_to_do():
    """The table beside the enum covers the domain's every code, and the schema carries each text."""
    from domain.errors import ErrorCode
    from graphql_schema.common.error_docs import ERROR_CODE_DOCS

    assert set(ERROR_CODE_DOCS) == set(ErrorCode)
    assert all(len(text.split()) >= 5 for text in ERROR_CODE_DOCS.values())
    values = build_schema(sandbox=False)._schema.type_map["ErrorCode"].values
    assert {name: v.description for name, v in values.items()} == {c.value: ERROR_CODE_DOCS[c] for c in ErrorCode}


def test_a_table_entry_fills_a_blank_and_reports_what_does_not_fit():
    import strawberry

    from graphql_schema.common.docs import apply_docs

    @strawberry.type(description="in the code")
    class Query:
        bare: int = 0
        told: int = strawberry.field(default=0, description="in the code")

    schema = strawberry.Schema(query=Query)._schema
    problems = apply_docs(schema, [{"Query.bare": "from  the\n table", "Query.told": "twice", "Query.gone": "x",
                                    "Query.bare(arg)": "x", "Query": "twice"}])
    assert schema.type_map["Query"].fields["bare"].description == "from the table"
    assert schema.type_map["Query"].fields["told"].description == "in the code"
    assert sorted(problems) == ["Query.bare(arg): no such schema element", "Query.gone: no such schema element",
                                "Query.told: already described in the code", "Query: already described in the code"]
