"""Events the city holds, the invitations it sends, and the answers guests give."""

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..columns import UTCDateTime, enum_column, utcnow
from ..contacts.models import Contact, Tier
from ..enums import LabelledEnum
from ..extensions import db


class EventKind(LabelledEnum):
    international = _l("International event")
    cultural = _l("Cultural event")
    policy_forum = _l("Policy forum")
    advisory_meeting = _l("Advisory-group meeting")
    mentoring_gathering = _l("Mentoring gathering")


class Answer(LabelledEnum):
    """What a guest said. No row value (None) means no answer yet."""

    yes = lazy_pgettext("rsvp", "Yes, I will attend")
    no = lazy_pgettext("rsvp", "No, I cannot attend")
    maybe = lazy_pgettext("rsvp", "Maybe")


class Place(LabelledEnum):
    """Where a guest who said yes stands with the event's places."""

    confirmed = _l("Place confirmed")
    waiting = _l("On the waiting list")
    offered = _l("Offered a freed place")


class AnswerChannel(LabelledEnum):
    link = _l("Personal link in the invitation")
    inbox = _l("Invitations page in the portal")
    phone = _l("By phone (recorded by staff)")
    in_person = _l("In person (recorded by staff)")


class Event(db.Model):
    """An event: its texts per UI language, its time in UTC, its places and its deadline."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[EventKind] = enum_column(EventKind)
    # Per UI language; English is the fallback.
    titles: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)
    descriptions: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    venue: Mapped[str | None] = mapped_column(sa.String(300))
    online_url: Mapped[str | None] = mapped_column(sa.String(500))
    # People, companions included; None: no limit.
    capacity: Mapped[int | None] = mapped_column()
    companions_allowed: Mapped[bool] = mapped_column(default=False)
    rsvp_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    public: Mapped[bool] = mapped_column(default=False, index=True)
    # How long a freed place offered to the first on the waiting list stays theirs.
    offer_hours: Mapped[int] = mapped_column(default=48)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Reservation(db.Model):
    """Places of an event held for one tier (the front rows for Global Leaders)."""

    __tablename__ = "event_reservations"

    event_id: Mapped[int] = mapped_column(
        sa.ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    tier: Mapped[Tier] = enum_column(Tier, primary_key=True)
    places: Mapped[int] = mapped_column()


class Segment(db.Model):
    """A saved audience: contact filters staff reuse for invitations."""

    __tablename__ = "event_segments"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    # Field name -> list of chosen values (tier names, group ids, country codes...).
    filters: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Invitation(db.Model):
    """One contact invited to one event, and how they answered.

    The pair is unique: sending to a segment again adds only the people new to it.
    """

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"))
    contact_id: Mapped[int] = mapped_column(
        sa.ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    answer: Mapped[Answer | None] = enum_column(Answer)
    companion: Mapped[bool] = mapped_column(default=False)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_via: Mapped[AnswerChannel | None] = enum_column(AnswerChannel)
    place: Mapped[Place | None] = enum_column(Place)
    # Waiting-list order: when the yes that did not fit was given.
    waiting_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    offer_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Whether other guests may see the name on the participant list (no unless they say so).
    listed: Mapped[bool] = mapped_column(default=False)
    viewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Given with a confirmed place; shown as a QR code, typed or scanned at the door.
    checkin_code: Mapped[str | None] = mapped_column(sa.String(16))
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A second scan of the same code is counted here, not as a second guest.
    repeat_checkins: Mapped[int] = mapped_column(default=0)

    event: Mapped[Event] = relationship()
    contact: Mapped[Contact] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("event_id", "contact_id", name="uq_invitations_event_contact"),
        sa.UniqueConstraint("event_id", "checkin_code", name="uq_invitations_checkin_code"),
        sa.Index("ix_invitations_event_place", "event_id", "place", "waiting_since"),
    )

    @property
    def seats(self) -> int:
        return 2 if self.companion else 1
