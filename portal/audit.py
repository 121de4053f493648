"""The audit log: who changed what, when, with the values before and after."""

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .columns import UTCDateTime, utcnow
from .database import writing
from .extensions import db


class AuditLog(db.Model):
    """One change made by a person (or the system, when ``actor_id`` is empty)."""

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


def audit_now(action: str, *, actor_id: int | None, obj_type: str, obj_id: int | None,
              after=None) -> None:
    """Write an audit entry in a transaction of its own, even while serving a page read.

    For events that change nothing else (a refused staff page): whatever the request did so
    far is rolled back first, and the entry is committed at once.
    """
    db.session.rollback()
    with writing():
        db.session.add(AuditLog(actor_id=actor_id, action=action, object_type=obj_type,
                                object_id=obj_id, after=after))
        db.session.commit()


def audit_entries(*, action: str | None = None, object_type: str | None = None,
                  object_id: int | None = None) -> sa.Select:
    """The audit log, newest first, narrowed to an action and an object when given."""
    stmt = sa.select(AuditLog).order_by(AuditLog.created_at.desc(), AuditLog.id.desc())
    if action:
        stmt = stmt.where(AuditLog.action == action)
    if object_type:
        stmt = stmt.where(AuditLog.object_type == object_type)
    if object_id:
        stmt = stmt.where(AuditLog.object_id == object_id)
    return stmt
