"""Relay's Node interface with opaque global IDs."""

from __future__ import annotations

import base64
from typing import Any
from uuid import UUID

import strawberry

from application.global_ids import global_id
from domain.errors import NotFound


@strawberry.interface(description="An object with a globally unique, opaque ID.")
class Node:
    id: strawberry.ID


def to_global_id(type_name: str, local_id: UUID) -> strawberry.ID:
    return strawberry.ID(global_id(type_name, local_id))


def from_global_id(global_id: str, expected: str | None = None) -> tuple[str, UUID] | None:
    """Returns (type, uuid), or None for anything malformed or of another type."""
    try:
        text = str(global_id)
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
        type_name, local = raw.split(":", 1)
        uuid = UUID(local)
    except (ValueError, UnicodeDecodeError):
        return None
    if expected is not None and type_name != expected:
        return None
    return type_name, uuid


def local_id(global_id: str, type_name: str, field: str, message: str = "对象不存在") -> UUID:
    """The local id an input names, or NotFound on `field` (a malformed id or one of another type reads exactly as
    one that does not exist)."""
    ref = from_global_id(global_id, type_name)
    if ref is None:
        raise NotFound(message, field=field)
    return ref[1]


def optional_local_id(global_id: str | None, type_name: str, field: str) -> UUID | None:
    return None if global_id is None else local_id(global_id, type_name, field)


TOTAL_COUNT = ("How many items the whole list has under the same arguments, every page together (not only "
               "this page's edges): for a pager's \"n of N\".")


def total_of(page: Any) -> int:
    """A page's total; every pager behind a connection counts (application.ports.Page.total)."""
    if page.total is None:
        raise RuntimeError("this pager does not count its list: a connection needs Page.total")
    return int(page.total)


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None
    has_previous_page: bool = False
    start_cursor: str | None = None
