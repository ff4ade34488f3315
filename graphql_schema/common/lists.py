"""Connections over lists a use case returns whole (already authorised and ordered newest first): the same shape
as every other connection (edges with cursors, pageInfo, totalCount), so an app pages every unbounded list alike.
The cursor is the item's (time, id) key, so a page continues correctly while items are added in front of it.

This module deliberately has no `from __future__ import annotations`: the factory's types are built from the
node type given at run time."""

import base64
import binascii
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

import strawberry

from graphql_schema.common.node import TOTAL_COUNT, PageInfo

MAX_FIRST = 100

# The paging arguments of these connections, described where they are declared (Annotated[int, FIRST] = 20).
FIRST = strawberry.argument(description=f"How many items this page holds at most (up to {MAX_FIRST}).")
AFTER = strawberry.argument(description="The `pageInfo.endCursor` of the previous page; null for the first page.")


def _cursor(key: tuple[datetime, str]) -> str:
    return base64.urlsafe_b64encode(f"{key[0].isoformat()}|{key[1]}".encode()).decode().rstrip("=")


def _decode(cursor: str) -> tuple[datetime, str] | None:
    try:
        at, _, item = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode().partition("|")
        return datetime.fromisoformat(at), item
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None


def list_connection(node_type: Any, name: str) -> tuple[type, Callable[..., Any]]:
    """The `{name}Connection` type of `node_type` and a function making one from a whole list, newest first."""

    @strawberry.type(name=f"{name}Edge", description=f"One {name} of a page, with the cursor that follows it.")
    class Edge:
        cursor: str = strawberry.field(description="Pass as `after` to continue after this item.")
        node: node_type = strawberry.field(description="The item.")

    @strawberry.type(name=f"{name}Connection",
                     description=f"A page of {name} items, newest first.")
    class Connection:
        edges: list[Edge] = strawberry.field(description="This page's items with their cursors.")
        page_info: PageInfo = strawberry.field(description="Whether another page follows, and its cursor.")
        total_count: int = strawberry.field(description=TOTAL_COUNT)

    def make(items: Sequence[Any], key: Callable[[Any], tuple[datetime, str]], first: int,
             after: str | None) -> Connection:
        ordered = sorted(items, key=key, reverse=True)
        total = len(ordered)
        if after is not None and (pos := _decode(after)) is not None:
            ordered = [i for i in ordered if key(i) < pos]
        first = max(0, min(first, MAX_FIRST))
        page = ordered[:first]
        return Connection(edges=[Edge(cursor=_cursor(key(i)), node=i) for i in page],
                          page_info=PageInfo(has_next_page=len(ordered) > first,
                                             end_cursor=_cursor(key(page[-1])) if page else None),
                          total_count=total)

    return Connection, make
