"""Column types whose stored text is exactly the value the op log carries, so ops apply without parsing."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import String
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


def utc_text(value: datetime) -> str:
    """A datetime as the ISO text we store: UTC, 'Z', microseconds kept."""
    if value.tzinfo is None:
        raise ValueError("naive datetime: store times in UTC")
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


class UtcDateTime(TypeDecorator[datetime]):
    """An aware UTC datetime stored as ISO 8601 text ('2026-11-29T01:25:51.000000Z')."""

    impl = String(32)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None or isinstance(value, str):
            return value
        return utc_text(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        return None if value is None else parse_utc(value)
