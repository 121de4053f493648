"""The audit log: who changed what, when, with the values before and after."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
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


# How the log reads to people: each action a sentence, each object a name. Domains register
# their actions and object types from ``init_app``; the log page and the history on staff
# pages only ask this module.

Names = dict[str, dict[int, str]]  # object type -> id -> display name


@dataclass(frozen=True)
class AuditAction:
    """An action as the log shows it: a label for the filter, a sentence for each entry.

    ``describe(entry, name)`` writes the sentence in the current language; ``name(type, id)``
    gives the display name of a user, contact or other object (or a placeholder).
    """

    name: str
    label: Any
    describe: Callable[[AuditLog, Callable[[str, int | None], str]], str]


@dataclass(frozen=True)
class AuditObjectType:
    """A kind of object the log speaks of, and how to name many of them in one query."""

    name: str
    label: Any
    names: Callable[[set[int]], dict[int, str]]


@dataclass(frozen=True)
class AuditLine:
    """One entry as a person reads it."""

    entry: AuditLog
    sentence: str


def _registry(app: Flask) -> dict[str, dict]:
    return app.extensions.setdefault("portal.audit", {"actions": {}, "types": {}})


def register_action(app: Flask, action: AuditAction) -> None:
    _registry(app)["actions"][action.name] = action


def register_object_type(app: Flask, object_type: AuditObjectType) -> None:
    _registry(app)["types"][object_type.name] = object_type


def known_actions() -> list[AuditAction]:
    return list(_registry(current_app)["actions"].values())


def known_object_types() -> list[AuditObjectType]:
    return list(_registry(current_app)["types"].values())


def describe(entries: list[AuditLog]) -> list[AuditLine]:
    """The entries as sentences, naming people and objects with one query per object type."""
    registry = _registry(current_app)
    wanted: dict[str, set[int]] = {}
    for entry in entries:
        if entry.actor_id is not None:
            wanted.setdefault("user", set()).add(entry.actor_id)
        if entry.object_id is not None:
            wanted.setdefault(entry.object_type, set()).add(entry.object_id)
    names: Names = {
        type_name: registry["types"][type_name].names(ids) if type_name in registry["types"]
        else {}
        for type_name, ids in wanted.items()
    }

    def name(type_name: str, object_id: int | None) -> str:
        if object_id is None:
            return str(_l("The system"))  # always the first word of its sentence
        found = names.get(type_name, {}).get(object_id)
        return found or str(_l("a deleted record"))

    lines = []
    for entry in entries:
        action = registry["actions"].get(entry.action)
        if action is not None:
            sentence = action.describe(entry, name)
        else:
            sentence = gettext("%(actor)s: %(action)s", actor=name("user", entry.actor_id),
                               action=entry.action)
        lines.append(AuditLine(entry, sentence))
    return lines


def history_of(*objects: tuple[str, int], limit: int = 20) -> list[AuditLine]:
    """The latest entries about these objects, as sentences (for staff pages)."""
    if not objects:
        return []
    stmt = (
        sa.select(AuditLog)
        .where(sa.or_(*(
            sa.and_(AuditLog.object_type == type_name, AuditLog.object_id == object_id)
            for type_name, object_id in objects
        )))
        .order_by(AuditLog.created_at.desc(), AuditLog.id.desc())
        .limit(limit)
    )
    return describe(list(db.session.scalars(stmt)))
