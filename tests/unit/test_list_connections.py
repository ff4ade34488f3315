"""graphql_schema/common/lists.py: a whole list paged like every other connection — newest first, cursors that
keep their place while items are added in front, totalCount of the whole list, `first` bounded."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import strawberry

from graphql_schema.common.lists import MAX_FIRST, list_connection

T0 = datetime(2026, 12, 8, 2, 0, tzinfo=UTC)


@strawberry.type(name="PagedThing")
class Thing:
    id: str
    at: datetime


@dataclass
class _Key:
    @staticmethod
    def of(t: Thing) -> tuple[datetime, str]:
        return t.at, t.id


_, page_of = list_connection(Thing, "PagedThing")


def _ids(conn) -> list[str]:
    return [e.node.id for e in conn.edges]


def test_pages_walk_newest_first_and_count_the_whole_list():
    things = [Thing(id=f"t{i}", at=T0 + timedelta(minutes=i)) for i in range(5)]
    first = page_of(things, _Key.of, 2, None)
    assert (_ids(first), first.total_count, first.page_info.has_next_page) == (["t4", "t3"], 5, True)
    second = page_of(things, _Key.of, 2, first.page_info.end_cursor)
    assert (_ids(second), second.total_count, second.page_info.has_next_page) == (["t2", "t1"], 5, True)
    # A new item in front does not shift the next page.
    things.append(Thing(id="t5", at=T0 + timedelta(minutes=10)))
    third = page_of(things, _Key.of, 2, second.page_info.end_cursor)
    assert (_ids(third), third.total_count, third.page_info.has_next_page) == (["t0"], 6, False)
    assert third.edges[-1].cursor == third.page_info.end_cursor


def test_same_time_items_are_ordered_by_id_and_none_is_lost():
    things = [Thing(id=f"s{i}", at=T0) for i in range(4)]
    seen, after = [], None
    while True:
        page = page_of(things, _Key.of, 1, after)
        seen += _ids(page)
        if not page.page_info.has_next_page:
            break
        after = page.page_info.end_cursor
    assert seen == ["s3", "s2", "s1", "s0"]


def test_empty_lists_bad_cursors_and_bounds():
    empty = page_of([], _Key.of, 20, None)
    assert (_ids(empty), empty.total_count, empty.page_info.has_next_page, empty.page_info.end_cursor) == (
        [], 0, False, None)
    things = [Thing(id=f"b{i}", at=T0 + timedelta(seconds=i)) for i in range(3)]
    assert _ids(page_of(things, _Key.of, 2, "not a cursor!")) == ["b2", "b1"]  # from the start, as if none
    assert _ids(page_of(things, _Key.of, -5, None)) == []
    many = [Thing(id=f"m{i:03d}", at=T0 + timedelta(seconds=i)) for i in range(MAX_FIRST + 5)]
    assert len(page_of(many, _Key.of, 10_000, None).edges) == MAX_FIRST
