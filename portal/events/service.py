"""The rules of events: who is invited, who answered what, who holds a place.

Capacity is guarded by a locked read: every change to who holds a place first locks the
event's row (``FOR UPDATE`` on PostgreSQL; on SQLite every writing transaction already holds
the database's write lock from ``BEGIN IMMEDIATE``), then counts the places taken. Two guests
taking the last place at once are served one after the other.
"""

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import abort
from flask_babel import gettext as _
from sqlalchemy.orm import contains_eager

from ..accounts.models import Affiliation, User
from ..audit import audit
from ..columns import utcnow
from ..contacts.models import Contact, ContactTag, GroupMember, Tier
from ..contacts.service import normalise_tag
from ..districts import District
from ..errors import ValidationError
from ..extensions import db
from ..i18n import localized
from ..mail.models import OutboxStatus
from ..mail.service import (
    deferred_counts,
    queue_deferred,
    queue_deferred_from,
    recently_queued,
)
from ..notifications.models import Notification
from .models import (
    Answer,
    AnswerChannel,
    Event,
    EventKind,
    Invitation,
    Place,
    Reservation,
    Segment,
)

# Kinds of mail this domain renders at delivery (see ``mails.py``).
MAIL_INVITATION = "events.invitation"
MAIL_INVITATION_REMINDER = "events.invitation_reminder"
# An answer's mail says what the answer gave: a confirmed place, a turn on the waiting list,
# or (no, maybe) that it was noted. A mail made stale by a later change is not sent.
MAIL_CONFIRMED = "events.confirmed"
MAIL_WAITING = "events.waiting"
MAIL_ANSWER = "events.answer"
MAIL_OFFER = "events.offer"
MAIL_REMINDER = "events.reminder"

HOLDING = (Place.confirmed, Place.offered)
REMIND_BEFORE = timedelta(days=2)
REMIND_AGAIN_AFTER = timedelta(hours=1)
SAMPLE_SIZE = 10


def event_title(event: Event, lang: str | None = None) -> str:
    return localized(event.titles, lang)


def event_description(event: Event, lang: str | None = None) -> str:
    return localized(event.descriptions, lang)


def get_event_or_404(event_id: int) -> Event:
    return db.session.get(Event, event_id) or abort(404)


def event_titles(ids: set[int]) -> dict[int, str]:
    """Titles in this page's language, for the audit log."""
    rows = db.session.execute(sa.select(Event.id, Event.titles).where(Event.id.in_(ids)))
    return {event_id: localized(titles) for event_id, titles in rows}


def existing_invitation_ids(ids: set[int]) -> set[int]:
    return set(db.session.scalars(sa.select(Invitation.id).where(Invitation.id.in_(ids))))


# -- Events -----------------------------------------------------------------------------------


def staff_events(*, past: bool = False) -> sa.Select:
    """Events for the staff list: upcoming first by date, or past ones newest first."""
    now = utcnow()
    if past:
        return sa.select(Event).where(Event.ends_at < now).order_by(Event.starts_at.desc())
    return sa.select(Event).where(Event.ends_at >= now).order_by(Event.starts_at, Event.id)


def visible_events(contact: Contact | None) -> sa.Select:
    """Upcoming events a person may see: public ones, and those they are invited to."""
    visible = Event.public
    if contact is not None:
        visible = sa.or_(visible, Event.id.in_(
            sa.select(Invitation.event_id).where(Invitation.contact_id == contact.id)))
    return (sa.select(Event).where(Event.ends_at >= utcnow(), visible)
            .order_by(Event.starts_at, Event.id))


def may_see(event: Event, contact: Contact | None) -> bool:
    if event.public:
        return True
    return contact is not None and invitation_for(event, contact) is not None


def invitation_for(event: Event, contact: Contact | None) -> Invitation | None:
    if contact is None:
        return None
    return db.session.scalar(sa.select(Invitation).where(
        Invitation.event_id == event.id, Invitation.contact_id == contact.id))


def reservations_of(event: Event) -> dict[Tier, int]:
    return dict(db.session.execute(
        sa.select(Reservation.tier, Reservation.places).where(Reservation.event_id == event.id)
    ).all())


def save_event(event: Event | None, *, by: User, reservations: dict[Tier, int],
               **values: Any) -> Event:
    """Create or change an event after checking its times, places and deadline."""
    starts_at, ends_at = values["starts_at"], values["ends_at"]
    if ends_at <= starts_at:
        raise ValidationError("ends_at", _("The event must end after it starts."))
    deadline = values.get("rsvp_deadline")
    if deadline is not None and deadline > starts_at:
        raise ValidationError("rsvp_deadline",
                              _("The deadline to answer must be before the event starts."))
    capacity = values.get("capacity")
    reserved = sum(reservations.values())
    if capacity is None and reserved:
        raise ValidationError("capacity", _("Set the number of places before reserving some "
                                            "for a tier."))
    if capacity is not None and reserved > capacity:
        raise ValidationError("capacity", _("The places reserved for tiers (%(reserved)s) are "
                                            "more than the event holds.", reserved=reserved))
    if not values.get("venue") and not values.get("online_url"):
        raise ValidationError("venue", _("Enter a venue, an online link, or both."))
    created = event is None
    if created:
        event = Event(created_by_id=by.id)
        db.session.add(event)
    before = None if created else {"titles": event.titles, "capacity": event.capacity}
    for name, value in values.items():
        setattr(event, name, value)
    db.session.flush()
    db.session.execute(sa.delete(Reservation).where(Reservation.event_id == event.id))
    for tier, places in reservations.items():
        if places:
            db.session.add(Reservation(event_id=event.id, tier=tier, places=places))
    audit("event.create" if created else "event.update", actor=by, obj_type="event",
          obj_id=event.id, before=before,
          after={"titles": event.titles, "capacity": event.capacity})
    return event


# -- Audiences --------------------------------------------------------------------------------

# The audience builder's fields, in the order the form shows them. Each holds a list of values.
AUDIENCE_FIELDS = ("tier", "affiliation", "group", "nationality", "language", "district", "tag")


@dataclass
class Audience:
    """Contacts chosen by fields that combine: any value within a field, every field given."""

    tier: list[Tier]
    affiliation: list[Affiliation]
    group: list[int]
    nationality: list[str]
    language: list[str]
    district: list[District]
    tag: list[str]

    @classmethod
    def from_filters(cls, filters: dict[str, list]) -> "Audience":
        """Read saved filters (plain JSON), ignoring values that no longer exist."""
        def members(enum, names):
            return [enum[name] for name in names or () if name in enum.__members__]
        return cls(
            tier=members(Tier, filters.get("tier")),
            affiliation=members(Affiliation, filters.get("affiliation")),
            group=[int(v) for v in filters.get("group") or () if str(v).isdigit()],
            nationality=list(filters.get("nationality") or ()),
            language=list(filters.get("language") or ()),
            district=members(District, filters.get("district")),
            tag=[normalise_tag(tag) for tag in filters.get("tag") or () if tag.strip()],
        )

    def to_filters(self) -> dict[str, list]:
        """Plain JSON, to save as a segment or carry in the address."""
        def names(values):
            return [getattr(v, "name", v) for v in values]
        return {field: names(getattr(self, field)) for field in AUDIENCE_FIELDS
                if getattr(self, field)}

    @property
    def is_empty(self) -> bool:
        return not self.to_filters()

    def contact_ids(self) -> sa.Select:
        """The ids of matching contacts that can be mailed (an address is needed)."""
        stmt = sa.select(Contact.id).where(Contact.email.is_not(None))
        if self.tier:
            stmt = stmt.where(Contact.tier.in_(self.tier))
        if self.affiliation:
            stmt = stmt.where(Contact.affiliation.in_(self.affiliation))
        if self.group:
            stmt = stmt.where(Contact.id.in_(
                sa.select(GroupMember.contact_id).where(GroupMember.group_id.in_(self.group))))
        if self.nationality:
            stmt = stmt.where(Contact.nationality.in_(self.nationality))
        if self.language:
            stmt = stmt.where(Contact.locale.in_(self.language))
        if self.district:
            stmt = stmt.where(Contact.district.in_(self.district))
        if self.tag:
            stmt = stmt.where(Contact.id.in_(
                sa.select(ContactTag.contact_id).where(ContactTag.tag.in_(self.tag))))
        return stmt


def audience_size(audience: Audience) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(
        audience.contact_ids().subquery()))


def audience_sample(audience: Audience, *, size: int = SAMPLE_SIZE) -> list[Contact]:
    return list(db.session.scalars(
        sa.select(Contact).where(Contact.id.in_(audience.contact_ids()))
        .order_by(Contact.name, Contact.id).limit(size)))


def segments() -> list[Segment]:
    return list(db.session.scalars(sa.select(Segment).order_by(Segment.name)))


def get_segment_or_404(segment_id: int) -> Segment:
    return db.session.get(Segment, segment_id) or abort(404)


def save_segment(name: str, audience: Audience, *, by: User) -> Segment:
    """Save an audience under a name; saving an existing name replaces its filters."""
    if audience.is_empty:
        raise ValidationError(None, _("Choose at least one filter before saving the "
                                      "audience."))
    segment = db.session.scalar(sa.select(Segment).where(Segment.name == name))
    if segment is None:
        segment = Segment(name=name, created_by_id=by.id)
        db.session.add(segment)
    segment.filters = audience.to_filters()
    db.session.flush()
    audit("segment.save", actor=by, obj_type="segment", obj_id=segment.id,
          after={"name": name, "filters": segment.filters})
    return segment


def segment_names(ids: set[int]) -> dict[int, str]:
    rows = db.session.execute(sa.select(Segment.id, Segment.name).where(Segment.id.in_(ids)))
    return dict(rows.all())


# -- Invitations ------------------------------------------------------------------------------


def lock_event(event: Event) -> Event:
    """Take the event's row lock (a no-op on SQLite, whose writers already queue)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.select(Event.id).where(Event.id == event.id).with_for_update())
    return event


def send_invitations(event: Event, audience: Audience, *, by: User) -> int:
    """Invite everyone in ``audience`` not invited yet, and queue their mail: a few statements.

    One invitation per (event, contact): the unique pair makes a repeat, or two sends at once,
    add nobody twice. Each new invitation gets one mail in the contact's language, rendered
    by the outbox worker at delivery, and a notice in the portal when the contact has an
    account. Returns how many people were newly invited.
    """
    if audience.is_empty:
        raise ValidationError(None, _("Choose at least one filter: the city does not invite "
                                      "the whole directory at once."))
    lock_event(event)
    now = utcnow()
    table = Invitation.__table__
    fresh = audience.contact_ids().where(~sa.exists().where(
        Invitation.event_id == event.id, Invitation.contact_id == Contact.id))
    # The outer SELECT has a WHERE: SQLite needs one before ON CONFLICT to parse the upsert.
    insert = _insert(table).from_select(
        ["event_id", "contact_id", "created_at", "companion", "listed", "repeat_checkins"],
        sa.select(sa.literal(event.id), Contact.id, sa.literal(now, table.c.created_at.type),
                  sa.false(), sa.false(), sa.literal(0)).where(Contact.id.in_(fresh)),
    ).on_conflict_do_nothing(index_elements=["event_id", "contact_id"])
    db.session.execute(insert)
    new = (sa.select(Invitation.id).where(Invitation.event_id == event.id,
                                          Invitation.created_at == now))
    count = db.session.scalar(sa.select(sa.func.count()).select_from(new.subquery()))
    if count:
        queue_deferred_from(
            sa.select(Contact.email, Contact.locale, Invitation.id)
            .join(Contact, Contact.id == Invitation.contact_id)
            .where(Invitation.id.in_(new)),
            kind=MAIL_INVITATION,
        )
        _notify_accounts(new, now)
        audit("event.invite", actor=by, obj_type="event", obj_id=event.id,
              after={"invited": count, "filters": audience.to_filters()})
    return count


def _insert(table):
    """INSERT with ON CONFLICT for the current database."""
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(table)


def _notify_accounts(invitation_ids: sa.Select, now: datetime) -> None:
    """A notice in the portal for each new invitation whose contact has an account.

    In the portal only: the invitation itself already went by mail.
    """
    table = Notification.__table__
    db.session.execute(sa.insert(table).from_select(
        ["user_id", "kind", "object_type", "object_id", "params", "created_at",
         "awaiting_digest"],
        sa.select(Contact.user_id, sa.literal("events.invited"), sa.literal("invitation"),
                  Invitation.id, sa.literal({}, table.c.params.type),
                  sa.literal(now, table.c.created_at.type), sa.false())
        .join(Contact, Contact.id == Invitation.contact_id)
        .where(Invitation.id.in_(invitation_ids), Contact.user_id.is_not(None)),
    ))


def invite_contact(event: Event, contact: Contact, *, by: User) -> Invitation:
    """Invite one person (staff adding a guest by hand)."""
    if not contact.email:
        raise ValidationError(None, _("This contact has no email address to send the "
                                      "invitation to."))
    lock_event(event)
    invitation = invitation_for(event, contact)
    if invitation is not None:
        raise ValidationError(None, _("%(name)s is already invited.", name=contact.name))
    invitation = Invitation(event_id=event.id, contact_id=contact.id, created_at=utcnow())
    db.session.add(invitation)
    db.session.flush()
    queue_deferred(to=contact.email, locale=contact.locale, kind=MAIL_INVITATION,
                   object_id=invitation.id)
    if contact.user_id is not None:
        _notify_accounts(sa.select(sa.literal(invitation.id)), invitation.created_at)
    audit("event.invite", actor=by, obj_type="event", obj_id=event.id,
          after={"invited": 1, "contact": contact.id})
    return invitation


def remind_unanswered(event: Event, *, by: User, invitation_ids: Iterable[int] | None = None
                      ) -> int:
    """Mail the invitation again to those who have not answered (all, or those chosen)."""
    # Not those reminded in the last hour: a second click sends nobody a second reminder.
    waiting = sa.select(Invitation.id).where(
        Invitation.event_id == event.id, Invitation.answer.is_(None),
        Invitation.id.not_in(recently_queued(MAIL_INVITATION_REMINDER,
                                             since=utcnow() - REMIND_AGAIN_AFTER)))
    if invitation_ids is not None:
        waiting = waiting.where(Invitation.id.in_(list(invitation_ids)))
    count = db.session.scalar(sa.select(sa.func.count()).select_from(waiting.subquery()))
    if count:
        queue_deferred_from(
            sa.select(Contact.email, Contact.locale, Invitation.id)
            .join(Contact, Contact.id == Invitation.contact_id)
            .where(Invitation.id.in_(waiting)),
            kind=MAIL_INVITATION_REMINDER,
        )
        audit("event.remind", actor=by, obj_type="event", obj_id=event.id,
              after={"reminded": count})
    return count


# -- Answers and places -----------------------------------------------------------------------


def is_over(event: Event) -> bool:
    return utcnow() > event.ends_at


def get_contact(contact_id: int) -> Contact | None:
    return db.session.get(Contact, contact_id)


def deadline_passed(event: Event, now: datetime | None = None) -> bool:
    now = now or utcnow()
    return now > (event.rsvp_deadline or event.starts_at)


def _taken_by_tier(event: Event, *, without: int | None = None) -> dict[Tier, int]:
    seats = sa.case((Invitation.companion, 2), else_=1)
    stmt = (sa.select(Contact.tier, sa.func.sum(seats))
            .join(Contact, Contact.id == Invitation.contact_id)
            .where(Invitation.event_id == event.id, Invitation.place.in_(HOLDING))
            .group_by(Contact.tier))
    if without is not None:
        stmt = stmt.where(Invitation.id != without)
    return {tier: int(total) for tier, total in db.session.execute(stmt)}


def free_places(event: Event, tier: Tier, *, without: int | None = None) -> int | None:
    """Places a guest of ``tier`` may still take (None: no limit).

    Places reserved for other tiers and not yet taken by them are not free for this one.
    """
    if event.capacity is None:
        return None
    taken = _taken_by_tier(event, without=without)
    held_for_others = sum(max(places - taken.get(other, 0), 0)
                          for other, places in reservations_of(event).items() if other != tier)
    return event.capacity - sum(taken.values()) - held_for_others


def _fits(event: Event, invitation: Invitation, seats: int) -> bool:
    free = free_places(event, invitation.contact.tier, without=invitation.id)
    return free is None or seats <= free


def _new_checkin_code() -> str:
    return secrets.token_hex(5).upper()  # 10 characters: typed at the door if need be


@dataclass
class AnswerResult:
    place: Place | None
    changed: bool


def answer(invitation: Invitation, choice: Answer, *, companion: bool = False,
           listed: bool | None = None, via: AnswerChannel, by: User | None = None
           ) -> AnswerResult:
    """Record a guest's answer, taking, keeping or freeing a place under the event's lock.

    Guests may change their answer until the deadline; staff recording an answer given by
    phone or in person may do so later. A yes that does not fit goes on the waiting list; a
    place freed is offered to the first waiting.
    """
    event = lock_event(invitation.event)
    db.session.refresh(invitation, with_for_update=_row_lock())
    now = utcnow()
    if now > event.ends_at:
        raise ValidationError(None, _("This event is over."))
    if by is None and deadline_passed(event, now):
        raise ValidationError(None, _("The deadline to answer has passed. To change your "
                                      "answer, please contact the organisers."))
    expire_offers(event, now=now)
    companion = bool(companion and event.companions_allowed)
    seats = 2 if companion else 1
    before = (invitation.answer, invitation.place, invitation.companion)
    freed = False
    if choice is Answer.yes:
        if invitation.place in HOLDING:
            if seats > invitation.seats and not _fits(event, invitation, seats):
                raise ValidationError("companion", _(
                    "There is no place left for a companion. Your own place is kept."))
            freed = seats < invitation.seats
            invitation.place = Place.confirmed
            invitation.offer_expires_at = None
        elif invitation.place is Place.waiting:
            pass  # keeps their turn
        elif _fits(event, invitation, seats):
            invitation.place = Place.confirmed
        else:
            invitation.place = Place.waiting
            invitation.waiting_since = now
        if invitation.place is Place.confirmed and invitation.checkin_code is None:
            invitation.checkin_code = _new_checkin_code()
    else:
        freed = invitation.place in HOLDING
        invitation.place = None
        invitation.waiting_since = None
        invitation.offer_expires_at = None
        invitation.checkin_code = None
        invitation.checked_in_at = None  # not coming after all: not counted as arrived
    invitation.answer = choice
    invitation.companion = companion
    if listed is not None:
        invitation.listed = listed
    invitation.answered_at = now
    invitation.answered_via = via
    db.session.flush()
    changed = before != (invitation.answer, invitation.place, invitation.companion)
    if changed:
        kind = {Place.confirmed: MAIL_CONFIRMED, Place.waiting: MAIL_WAITING}.get(
            invitation.place, MAIL_ANSWER)
        queue_deferred(to=invitation.contact.email, locale=invitation.contact.locale,
                       kind=kind, object_id=invitation.id)
    if by is not None:
        audit("invitation.answer", actor=by, obj_type="event", obj_id=event.id,
              after={"contact": invitation.contact_id, "answer": choice.name,
                     "via": via.name})
    if freed:
        offer_freed_places(event, now=now)
    return AnswerResult(place=invitation.place, changed=changed)


def _row_lock() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def set_listed(invitation: Invitation, listed: bool) -> None:
    invitation.listed = listed


def leave_waiting_list(invitation: Invitation) -> None:
    """A guest waiting for a place gives up their turn (their answer becomes no)."""
    answer(invitation, Answer.no, via=AnswerChannel.link)


def offer_freed_places(event: Event, *, now: datetime | None = None) -> int:
    """Offer free places to the waiting list in order, each for the event's offer hours."""
    now = now or utcnow()
    if event.capacity is None or now > event.starts_at:
        return 0
    offered = 0
    waiting = db.session.scalars(
        sa.select(Invitation).where(Invitation.event_id == event.id,
                                    Invitation.place == Place.waiting)
        .order_by(Invitation.waiting_since, Invitation.id).limit(200)
    ).all()
    for invitation in waiting:
        if not _fits(event, invitation, invitation.seats):
            continue  # a later guest of a tier with reserved places may still fit
        invitation.place = Place.offered
        invitation.offer_expires_at = min(now + timedelta(hours=event.offer_hours),
                                          event.starts_at)
        db.session.flush()
        queue_deferred(to=invitation.contact.email, locale=invitation.contact.locale,
                       kind=MAIL_OFFER, object_id=invitation.id)
        offered += 1
    return offered


def expire_offers(event: Event | None = None, *, now: datetime | None = None) -> int:
    """Take back offers not accepted in time and pass the places on to the next waiting."""
    now = now or utcnow()
    stmt = sa.select(Invitation).where(Invitation.place == Place.offered,
                                       Invitation.offer_expires_at < now)
    if event is not None:
        stmt = stmt.where(Invitation.event_id == event.id)
    lapsed = db.session.scalars(stmt).all()
    events = {}
    for invitation in lapsed:
        invitation.place = None
        invitation.answer = None
        invitation.waiting_since = None
        invitation.offer_expires_at = None
        events[invitation.event_id] = invitation.event
    db.session.flush()
    for lapsed_event in events.values():
        if event is None:
            lock_event(lapsed_event)
        offer_freed_places(lapsed_event, now=now)
    return len(lapsed)


def send_reminders(*, now: datetime | None = None) -> int:
    """Queue a reminder to each confirmed guest of the events starting within two days."""
    now = now or utcnow()
    due = (sa.select(Invitation.id)
           .join(Event, Event.id == Invitation.event_id)
           .where(Event.starts_at > now, Event.starts_at <= now + REMIND_BEFORE,
                  Invitation.place == Place.confirmed, Invitation.reminded_at.is_(None)))
    ids = list(db.session.scalars(due))
    if not ids:
        return 0
    queue_deferred_from(
        sa.select(Contact.email, Contact.locale, Invitation.id)
        .join(Contact, Contact.id == Invitation.contact_id)
        .where(Invitation.id.in_(ids)),
        kind=MAIL_REMINDER,
    )
    db.session.execute(sa.update(Invitation).where(Invitation.id.in_(ids))
                       .values(reminded_at=now))
    return len(ids)


def mark_viewed(invitation: Invitation) -> None:
    if invitation.viewed_at is None:
        invitation.viewed_at = utcnow()


# -- Staff views of an event -------------------------------------------------------------------


@dataclass
class EventCounts:
    invited: int = 0
    mailed: int = 0
    viewed: int = 0
    yes: int = 0
    no: int = 0
    maybe: int = 0
    waiting: int = 0
    offered: int = 0
    unanswered: int = 0
    places_taken: int = 0
    checked_in: int = 0


def event_counts(event: Event) -> EventCounts:
    """The figures staff follow an event by, in a handful of statements."""
    seats = sa.case((Invitation.companion, 2), else_=1)
    row = db.session.execute(
        sa.select(
            sa.func.count(),
            sa.func.count(Invitation.viewed_at),
            sa.func.sum(sa.case((Invitation.place == Place.confirmed, 1), else_=0)),
            sa.func.sum(sa.case((Invitation.answer == Answer.no, 1), else_=0)),
            sa.func.sum(sa.case((Invitation.answer == Answer.maybe, 1), else_=0)),
            sa.func.sum(sa.case((Invitation.place == Place.waiting, 1), else_=0)),
            sa.func.sum(sa.case((Invitation.place == Place.offered, 1), else_=0)),
            sa.func.sum(sa.case((Invitation.answer.is_(None), 1), else_=0)),
            sa.func.sum(sa.case((Invitation.place.in_(HOLDING), seats), else_=0)),
            sa.func.count(Invitation.checked_in_at),
        ).where(Invitation.event_id == event.id)
    ).one()
    mail = deferred_counts(MAIL_INVITATION, sa.select(Invitation.id).where(
        Invitation.event_id == event.id))
    invited, viewed, yes, no, maybe, waiting, offered, unanswered, taken, checked_in = (
        int(value or 0) for value in row)
    return EventCounts(invited=invited, mailed=mail.get(OutboxStatus.sent, 0), viewed=viewed,
                       yes=yes, no=no, maybe=maybe, waiting=waiting, offered=offered,
                       unanswered=unanswered, places_taken=taken, checked_in=checked_in)


GUEST_FILTERS = ("yes", "no", "maybe", "waiting", "offered", "none", "checked_in")


def guest_list(event: Event, *, show: str | None = None, q: str | None = None) -> sa.Select:
    """The invitations of an event with their contacts, by name, optionally narrowed."""
    from ..search import contains

    # The contact rides along on each invitation too: a page of invitations needs no query
    # a row.
    stmt = (sa.select(Invitation, Contact).join(Contact, Contact.id == Invitation.contact_id)
            .options(contains_eager(Invitation.contact))
            .where(Invitation.event_id == event.id).order_by(Contact.name, Invitation.id))
    if show == "yes":
        stmt = stmt.where(Invitation.place == Place.confirmed)
    elif show in ("no", "maybe"):
        stmt = stmt.where(Invitation.answer == Answer[show])
    elif show in ("waiting", "offered"):
        stmt = stmt.where(Invitation.place == Place[show])
    elif show == "none":
        stmt = stmt.where(Invitation.answer.is_(None))
    elif show == "checked_in":
        stmt = stmt.where(Invitation.checked_in_at.is_not(None))
    if q:
        stmt = stmt.where(contains(q, Contact.search_text))
    return stmt


def waiting_list(event: Event, *, limit: int = 50) -> list[tuple[Invitation, Contact]]:
    """The first ``limit`` people waiting for a place, in the order they will be offered one."""
    return list(db.session.execute(
        sa.select(Invitation, Contact).join(Contact, Contact.id == Invitation.contact_id)
        .where(Invitation.event_id == event.id, Invitation.place == Place.waiting)
        .order_by(Invitation.waiting_since, Invitation.id).limit(limit)).all())


def participant_list(event: Event) -> list[str]:
    """Names of confirmed guests who agreed to be listed: all another guest ever sees."""
    return list(db.session.scalars(
        sa.select(Contact.name).join(Invitation, Invitation.contact_id == Contact.id)
        .where(Invitation.event_id == event.id, Invitation.place == Place.confirmed,
               Invitation.listed).order_by(Contact.name)))


def get_invitation_or_404(event: Event, invitation_id: int) -> Invitation:
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.event_id != event.id:
        abort(404)
    return invitation


@dataclass
class CheckIn:
    invitation: Invitation | None
    repeated: bool = False


def check_in(event: Event, *, by: User, code: str | None = None,
             invitation_id: int | None = None) -> CheckIn:
    """Mark a confirmed guest as arrived, by their code or from the list.

    A code checked in before is flagged and counted apart, never as a second arrival.
    """
    if code is not None:
        code = "".join(code.split()).upper()
        invitation = db.session.scalar(sa.select(Invitation).where(
            Invitation.event_id == event.id, Invitation.checkin_code == code))
    else:
        invitation = db.session.get(Invitation, invitation_id)
        if invitation is not None and invitation.event_id != event.id:
            invitation = None
    if invitation is None or invitation.place is not Place.confirmed:
        return CheckIn(None)
    # The conditional update decides which of two simultaneous scans arrives first.
    arrived = db.session.execute(
        sa.update(Invitation).where(Invitation.id == invitation.id,
                                    Invitation.checked_in_at.is_(None))
        .values(checked_in_at=utcnow()).execution_options(synchronize_session=False)
    ).rowcount
    if not arrived:
        db.session.execute(
            sa.update(Invitation).where(Invitation.id == invitation.id)
            .values(repeat_checkins=Invitation.repeat_checkins + 1)
            .execution_options(synchronize_session=False))
    db.session.refresh(invitation)
    audit("invitation.checkin", actor=by, obj_type="event", obj_id=event.id,
          after={"contact": invitation.contact_id, "repeated": not arrived})
    return CheckIn(invitation, repeated=not arrived)


# -- A resident's invitations ----------------------------------------------------------------


def invitations_of(contact: Contact) -> sa.Select:
    """A person's invitations, upcoming events first."""
    return (sa.select(Invitation).join(Event, Event.id == Invitation.event_id)
            .options(contains_eager(Invitation.event))
            .where(Invitation.contact_id == contact.id)
            .order_by((Event.ends_at < utcnow()), Event.starts_at, Invitation.id))


def confirmed_events(contact_id: int) -> list[Event]:
    """The events a person holds a confirmed place at (their calendar feed)."""
    return list(db.session.scalars(
        sa.select(Event).join(Invitation, Invitation.event_id == Event.id)
        .where(Invitation.contact_id == contact_id, Invitation.place == Place.confirmed)
        .order_by(Event.starts_at)))


def upcoming_counts() -> dict[str, int]:
    """For the staff dashboard: upcoming events and the answers awaited."""
    now = utcnow()
    upcoming = sa.select(Event.id).where(Event.ends_at >= now)
    row = db.session.execute(sa.select(
        sa.func.count(),
        sa.func.sum(sa.case((Invitation.answer.is_(None), 1), else_=0)),
        sa.func.sum(sa.case((Invitation.place == Place.confirmed, 1), else_=0)),
        sa.func.sum(sa.case((Invitation.place == Place.waiting, 1), else_=0)),
    ).where(Invitation.event_id.in_(upcoming))).one()
    events = db.session.scalar(sa.select(sa.func.count()).select_from(upcoming.subquery()))
    invited, unanswered, confirmed, waiting = (int(v or 0) for v in row)
    return {"events": events, "invited": invited, "unanswered": unanswered,
            "confirmed": confirmed, "waiting": waiting}


def next_events(limit: int = 5) -> list[Event]:
    return list(db.session.scalars(staff_events().limit(limit)))


def move_invitations(kept: Contact, merged_id: int, **extra: Any) -> None:
    """Two contacts merged: the kept one inherits the other's invitations.

    Where both were invited to the same event, the invitation with an answer wins (the kept
    one's if both answered), so nobody holds two places.
    """
    theirs = db.session.scalars(sa.select(Invitation).where(
        Invitation.contact_id == merged_id)).all()
    for invitation in theirs:
        mine = db.session.scalar(sa.select(Invitation).where(
            Invitation.event_id == invitation.event_id, Invitation.contact_id == kept.id))
        if mine is None:
            invitation.contact_id = kept.id
        elif mine.answer is None and invitation.answer is not None:
            db.session.delete(mine)
            db.session.flush()
            invitation.contact_id = kept.id
        else:
            db.session.delete(invitation)
    db.session.flush()


def kinds() -> list[EventKind]:
    return list(EventKind)


# -- What other domains show about a person -----------------------------------------------------


def show_on_contact_page(contact: Contact, *, sections: list, **extra: Any) -> None:
    """Show staff, on a contact's page, the person's invitations and answers (the latest 20)."""
    from ..contacts.service import ContactSection

    stmt = sa.select(Invitation).where(Invitation.contact_id == contact.id)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(stmt.subquery())) or 0
    latest = list(db.session.scalars(
        stmt.join(Event, Event.id == Invitation.event_id)
        .options(contains_eager(Invitation.event))
        .order_by(Event.starts_at.desc()).limit(20)))
    sections.append(ContactSection(_("Invitations and answers"),
                                   "events/contact_section.html",
                                   {"invitations": latest, "total": total}, order=20))


def export_invitations(user: User, *, data: dict[str, Any], **extra: Any) -> None:
    """Add the person's invitations and answers to their data export."""
    contact = getattr(user, "contact", None)
    if contact is None:
        return
    data["invitations"] = [{
        "event": event_title(invitation.event, "en"),
        "starts_at": invitation.event.starts_at.isoformat(),
        "answer": invitation.answer.name if invitation.answer else None,
        "place": invitation.place.name if invitation.place else None,
        "companion": invitation.companion,
        "listed_as_participant": invitation.listed,
        "answered_at": invitation.answered_at.isoformat() if invitation.answered_at else None,
        "checked_in_at": (invitation.checked_in_at.isoformat()
                          if invitation.checked_in_at else None),
    } for invitation in db.session.scalars(invitations_of(contact))]


def show_invitations(user: User, *, sections: list, **extra: Any) -> None:
    """Show the person how many invitations the portal keeps for them."""
    from ..accounts.privacy import DataSection

    contact = getattr(user, "contact", None)
    if contact is None:
        return
    count = db.session.scalar(sa.select(sa.func.count()).select_from(Invitation).where(
        Invitation.contact_id == contact.id)) or 0
    if count:
        sections.append(DataSection(_("Your invitations"), [
            (_("Invitations to events, with your answers"), str(count)),
        ]))
