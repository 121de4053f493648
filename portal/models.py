"""Column types and the audit log shared by every domain."""

import enum
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .extensions import db


def utcnow() -> datetime:
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


class AuditLog(db.Model):
    """Who changed what, when, with the values before and after."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str] = mapped_column(sa.String(64), index=True)
    object_type: Mapped[str] = mapped_column(sa.String(32))
    object_id: Mapped[int | None]
    before: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    __table_args__ = (sa.Index("ix_audit_log_object", "object_type", "object_id"),)


def audit(action: str, *, actor, obj_type: str, obj_id: int | None, before=None, after=None):
    """Record a change in the audit log (added to the session, committed with the change)."""
    entry = AuditLog(
        actor_id=getattr(actor, "id", None),
        action=action,
        object_type=obj_type,
        object_id=obj_id,
        before=before,
        after=after,
    )
    db.session.add(entry)
    return entry
