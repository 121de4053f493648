"""Inconvenience reports: what residents tell the city, and what the city did about it."""

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..columns import UTCDateTime, enum_column, utcnow
from ..contacts.models import Tier
from ..districts import District
from ..enums import LabelledEnum
from ..extensions import db
from ..search import fold

# Priority of each tier in the queue: lower comes first (DESIGN.md, "Tiers and affiliations").
TIER_RANK: dict[Tier, int] = {tier: rank for rank, tier in enumerate(Tier, start=1)}
RANK_TIER: dict[int, Tier] = {rank: tier for tier, rank in TIER_RANK.items()}


class ReportStatus(LabelledEnum):
    """Where a report stands (DESIGN.md, "Reports")."""

    # Written by a visitor who has not confirmed their address yet: staff do not see it.
    pending = _l("Waiting for email confirmation")
    new = lazy_pgettext("report status", "New")
    acknowledged = _l("Acknowledged")
    in_progress = _l("In progress")
    waiting = _l("Waiting for the reporter’s answer")
    resolved = _l("Resolved")
    reopened = _l("Reopened")
    declined = _l("Declined")
    duplicate = _l("Duplicate")
    referred = _l("Referred to another agency")


OPEN_STATUSES = frozenset({
    ReportStatus.new, ReportStatus.acknowledged, ReportStatus.in_progress,
    ReportStatus.waiting, ReportStatus.reopened,
})
CLOSED_STATUSES = frozenset({
    ReportStatus.resolved, ReportStatus.declined, ReportStatus.duplicate, ReportStatus.referred,
})
# Not yet acknowledged: the acknowledgement target still runs.
UNACKNOWLEDGED = frozenset({ReportStatus.new, ReportStatus.reopened})


class EventKind(LabelledEnum):
    """What a timeline entry records."""

    submitted = _l("Report submitted")
    status = _l("Status changed")
    reply = _l("Reply from the city")
    note = _l("Internal note")
    question = _l("Question from the city")
    follow_up = _l("Message from the reporter")
    assigned = _l("Assigned")
    category = _l("Category changed")
    rating = _l("Rating")


# Entries the reporter sees on their report's page; the others are for staff only.
PUBLIC_EVENTS = frozenset({
    EventKind.submitted, EventKind.status, EventKind.reply, EventKind.question,
    EventKind.follow_up, EventKind.category, EventKind.rating,
})


class Team(db.Model):
    """A city department that answers reports in some categories."""

    __tablename__ = "report_teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    # Name per UI language ({"en": ..., "ko": ...}); English is the fallback.
    names: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)


class TeamMember(db.Model):
    """A staff member's place in a team: the queue opens on their teams' reports."""

    __tablename__ = "report_team_members"

    team_id: Mapped[int] = mapped_column(
        sa.ForeignKey("report_teams.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class StaffLanguage(db.Model):
    """A language a staff member reads, so reports written in it can go to them."""

    __tablename__ = "report_staff_languages"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    language: Mapped[str] = mapped_column(sa.String(8), primary_key=True)


class ReportFollow(db.Model):
    """A category or a tier whose new reports a staff member wants to hear of.

    A member follows a report when it matches one of their categories (or they follow none)
    and one of their tiers (or they follow none), and they follow something.
    """

    __tablename__ = "report_follows"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    category_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("report_categories.id", ondelete="CASCADE")
    )
    tier: Mapped[Tier | None] = enum_column(Tier)

    __table_args__ = (
        sa.CheckConstraint("(category_id IS NULL) <> (tier IS NULL)", name="one_thing"),
    )


class Category(db.Model):
    """What a report is about; each belongs to the team that answers it."""

    __tablename__ = "report_categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    names: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)
    team_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("report_teams.id", ondelete="SET NULL")
    )
    # "Other": its reports wait in the "needs category" view until staff choose one.
    catch_all: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int] = mapped_column(default=0)

    team: Mapped[Team | None] = relationship()


class ResponseTarget(db.Model):
    """An administrator's response target for a tier (the defaults are in ``targets``)."""

    __tablename__ = "report_response_targets"

    tier: Mapped[Tier] = enum_column(Tier, primary_key=True)
    acknowledge_days: Mapped[int]
    resolve_days: Mapped[int]


class CannedKind(LabelledEnum):
    reply = _l("Reply")
    referral = _l("Referral to another agency")


class CannedResponse(db.Model):
    """A prepared public reply, with a text per UI language, sent in the reporter's language."""

    __tablename__ = "report_canned_responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[CannedKind] = enum_column(CannedKind, default=CannedKind.reply)
    names: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)
    texts: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)


class Report(db.Model):
    """An inconvenience a resident reported, with its place in the triage queue."""

    __tablename__ = "reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    reporter_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    category_id: Mapped[int] = mapped_column(sa.ForeignKey("report_categories.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("report_teams.id", ondelete="SET NULL"), index=True
    )
    # None: the whole city.
    district: Mapped[District | None] = enum_column(District, index=True)
    place: Mapped[str | None] = mapped_column(sa.String(200))
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    title: Mapped[str] = mapped_column(sa.String(150))
    description: Mapped[str] = mapped_column(sa.Text)
    # ISO 639-1 code of the language the reporter wrote in, when it could be told.
    language: Mapped[str | None] = mapped_column(sa.String(8), index=True)
    urgent: Mapped[bool] = mapped_column(default=False)
    public_stats: Mapped[bool] = mapped_column(default=False)
    # Written without a session under an address that has an account: only the link mailed
    # to that address sends it in, not the account's own confirmation.
    held: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    status: Mapped[ReportStatus] = enum_column(ReportStatus, default=ReportStatus.new)
    # The reporter's tier as a rank (1 = Global Leaders ... 4 = unclassified), kept in step
    # with their classification, so the queue orders by an indexed column.
    tier_rank: Mapped[int] = mapped_column(default=TIER_RANK[Tier.unclassified])
    assignee_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    duplicate_of_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("reports.id", ondelete="SET NULL")
    )

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When the report entered the queue (its clock starts here); None while pending.
    received_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledge_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolve_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The next time the report is due: acknowledgement first, then resolution. None when
    # closed or while its clock is paused (waiting for the reporter's answer).
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    rating: Mapped[int | None]
    rating_comment: Mapped[str | None] = mapped_column(sa.String(1000))

    # Title and description folded for search (see portal.search), kept in step on write.
    search_text: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    # The grams of search_text that the search index holds (see fulltext.py, which keeps it).
    search_grams: Mapped[str] = mapped_column(sa.Text, default="", server_default="",
                                              deferred=True)
    # Optimistic locking: a save based on an older version is refused (StaleDataError).
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    reporter: Mapped[User] = relationship(foreign_keys=[reporter_id])
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    category: Mapped[Category] = relationship()
    team: Mapped[Team | None] = relationship()

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        # The triage queue's order (open reports by priority, then due time and age).
        sa.Index("ix_reports_queue", "status", "urgent", "tier_rank", "due_at", "received_at"),
        sa.CheckConstraint("rating IS NULL OR (rating BETWEEN 1 AND 5)", name="rating_range"),
    )

    @property
    def tier(self) -> Tier:
        return RANK_TIER.get(self.tier_rank, Tier.unclassified)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


@sa.event.listens_for(Report, "before_insert")
@sa.event.listens_for(Report, "before_update")
def _fold_for_search(mapper, connection, report: Report) -> None:
    report.search_text = fold(f"{report.title}\n{report.description}")


class ReportEvent(db.Model):
    """One entry of a report's timeline: a status change, a reply, a note, a message."""

    __tablename__ = "report_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(
        sa.ForeignKey("reports.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[EventKind] = enum_column(EventKind)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    from_status: Mapped[ReportStatus | None] = enum_column(ReportStatus)
    to_status: Mapped[ReportStatus | None] = enum_column(ReportStatus)
    # What a person wrote (a reply, a reason, a note), in the language they wrote it in.
    message: Mapped[str | None] = mapped_column(sa.Text)
    # Facts the portal words in the reader's language (a category id, an assignee id...).
    details: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    actor: Mapped[User | None] = relationship()

    @property
    def public(self) -> bool:
        return self.kind in PUBLIC_EVENTS


class ReportPhoto(db.Model):
    """A photo of a report, re-encoded without metadata, kept outside the web root."""

    __tablename__ = "report_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(
        sa.ForeignKey("reports.id", ondelete="CASCADE"), index=True
    )
    # The follow-up message it came with, if any.
    event_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("report_events.id", ondelete="SET NULL")
    )
    storage_key: Mapped[str] = mapped_column(sa.String(200), unique=True)
    width: Mapped[int]
    height: Mapped[int]
    size: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
