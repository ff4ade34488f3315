"""The time scalars as the schema documents them: strawberry's DateTime and Date (ISO 8601), described for
integrators. The server writes every DateTime in UTC with its offset (tests/e2e/test_time_and_paging.py holds it
to that); a Date is a calendar day in China Standard Time."""

from __future__ import annotations

import dataclasses
import datetime as dt

from strawberry.schema.types.base_scalars import DateDefinition, DateTimeDefinition

DATE_TIME = dataclasses.replace(DateTimeDefinition, description=(
    "An instant, ISO 8601 with its UTC offset, e.g. 2026-12-08T02:00:30.123456+00:00. The server writes every "
    "instant in UTC (+00:00); show it in the user's time zone (China Standard Time, +08:00). No input takes one."))
DATE = dataclasses.replace(DateDefinition, description=(
    "A calendar date, ISO 8601 (YYYY-MM-DD), without time or offset: a day in China Standard Time (+08:00), e.g. "
    "a certificate grant's validUntil (valid through that day) or an ID document's expiry."))

SCALAR_OVERRIDES = {dt.datetime: DATE_TIME, dt.date: DATE}
