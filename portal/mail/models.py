"""The transactional outbox: mail written with the change that caused it."""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..columns import UTCDateTime, enum_column, utcnow
from ..extensions import db


class OutboxStatus(enum.Enum):
    pending = "pending"
    sent = "sent"
    failed = "failed"  # gave up after the last attempt
    dropped = "dropped"  # rendered at delivery, but what it was about is gone


class OutboxMessage(db.Model):
    """One mail to send, rendered in its recipient's language when it was queued."""

    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(sa.String(320))
    # The sender's display name in the recipient's language ("서울 외국인 포털").
    sender_name: Mapped[str | None] = mapped_column(sa.String(120))
    locale: Mapped[str] = mapped_column(sa.String(8))
    subject: Mapped[str] = mapped_column(sa.String(300))
    text: Mapped[str] = mapped_column(sa.Text)
    html: Mapped[str | None] = mapped_column(sa.Text)
    status: Mapped[OutboxStatus] = enum_column(OutboxStatus, default=OutboxStatus.pending)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A mail rendered when it is delivered, not when it is queued: ``kind`` names the
    # renderer a domain registered, ``object_id`` the row it renders (an invitation, say).
    # Subject and text stay empty until then. Bulk sends queue thousands of these in one
    # statement instead of rendering thousands of templates inside a request.
    kind: Mapped[str | None] = mapped_column(sa.String(60))
    object_id: Mapped[int | None] = mapped_column()
    # A worker claims a round of messages for a while (its lease) and then sends them with no
    # transaction open: other workers pass them by until ``claimed_until``. A worker that dies
    # leaves its unsent claims to be taken by another once the lease has lapsed.
    claimed_by: Mapped[str | None] = mapped_column(sa.String(64))
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        sa.Index("ix_outbox_messages_due", "status", "next_attempt_at"),
        sa.Index("ix_outbox_messages_object", "kind", "object_id"),
    )
