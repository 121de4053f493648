"""Notifications shown in the portal, and each person's choice of how to hear of each kind."""

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column

from ..columns import UTCDateTime, enum_column, utcnow
from ..enums import LabelledEnum
from ..extensions import db


class Delivery(LabelledEnum):
    """How a person hears of a kind of notification, besides seeing it in the portal."""

    immediately = _l("By email at once")
    daily = _l("In one email a day")
    portal = _l("Only here in the portal")


class Notification(db.Model):
    """Something the portal tells one person, about one object (a report, an invitation...).

    The text is not stored: it is written from ``kind`` and ``params`` in the reader's language
    each time it is shown, so it reads right whatever language the person uses later.
    """

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(64))
    object_type: Mapped[str | None] = mapped_column(sa.String(32))
    object_id: Mapped[int | None]
    params: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Waiting for the person's next daily digest mail.
    awaiting_digest: Mapped[bool] = mapped_column(default=False)

    __table_args__ = (
        # The page lists a person's notifications newest first; the header counts unread ones.
        sa.Index("ix_notifications_user_created", "user_id", "created_at"),
        sa.Index("ix_notifications_user_unread", "user_id", "read_at"),
        sa.Index("ix_notifications_digest", "awaiting_digest", "user_id"),
    )


class NotificationPreference(db.Model):
    """A person's choice for one kind; without a row, the kind's default applies."""

    __tablename__ = "notification_preferences"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(64))
    delivery: Mapped[Delivery] = enum_column(Delivery)

    __table_args__ = (sa.UniqueConstraint("user_id", "kind"),)
