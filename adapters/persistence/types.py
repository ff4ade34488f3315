"""Column types that behave the same on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from uuid import UUID

from sqlalchemy import JSON, DateTime, Enum, TypeDecorator


class UtcDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out (SQLite forgets the offset; this puts it back)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class UuidList(TypeDecorator[list[UUID]]):
    """A short list of UUIDs as a JSON array of strings (a few ids on one row; nothing joins on them)."""

    impl = JSON
    cache_ok = True

    def process_bind_param(self, value: list[UUID] | None, dialect) -> list[str] | None:
        return None if value is None else [str(v) for v in value]

    def process_result_value(self, value: list[str] | None, dialect) -> list[UUID] | None:
        return None if value is None else [UUID(v) for v in value]


def str_enum(enum: type[StrEnum]) -> Enum:
    return Enum(enum, native_enum=False, length=40, values_callable=lambda e: [m.value for m in e],
                validate_strings=True)
