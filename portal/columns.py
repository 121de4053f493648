"""Column types every domain uses: UTC timestamps and enums stored by name."""

import enum
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.orm import mapped_column


def utcnow() -> datetime:
    """The current time, aware and in UTC: what every ``*_at`` column stores."""
    return datetime.now(UTC)


class UTCDateTime(sa.TypeDecorator):
    """Store times as UTC and always hand back aware datetimes, on SQLite as on PostgreSQL."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def enum_column(enum_class: type[enum.Enum], **kwargs):
    """A column storing an enum member by name, portable between SQLite and PostgreSQL."""
    return mapped_column(
        sa.Enum(enum_class, native_enum=False, length=32, validate_strings=True),
        **kwargs,
    )
