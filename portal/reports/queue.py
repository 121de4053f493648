"""The triage queue: open reports by priority, narrowed by filters that combine."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_sqlalchemy.pagination import SelectPagination
from sqlalchemy.orm import defer, load_only, raiseload, selectinload

from ..accounts.models import User
from ..columns import utcnow
from ..contacts.models import Tier
from ..districts import District
from ..extensions import db
from ..paging import PER_PAGE, page_number
from .fulltext import UNMODELLED_INDEXES, matching
from .models import (
    OPEN_STATUSES,
    TIER_RANK,
    Category,
    Report,
    ReportStatus,
    StaffLanguage,
    TeamMember,
)

SEOUL = ZoneInfo("Asia/Seoul")

# Assignee filter values besides a staff member's id.
MINE, UNASSIGNED = "mine", "unassigned"
# View of the queue: open reports (the default), all but pending ones, or those waiting for a
# category because they were filed under a catch-all one.
OPEN, ALL, NEEDS_CATEGORY = "open", "all", "needs_category"


# PostgreSQL walks this index for the queue's first pages and sorts only what each urgency and
# tier holds (an incremental sort), instead of every open report. SQLite sorts the open reports
# it finds through ix_reports_queue quickly enough. The mixed order (urgent DESC) is more than
# the models can describe on SQLite, so the index is made here and in revision b2f75e4c0de2.
PRIORITY_INDEX = "ix_reports_queue_priority"
UNMODELLED_INDEXES.add(PRIORITY_INDEX)


@sa.event.listens_for(Report.__table__, "after_create")
def _create_priority_index(table, connection, **kw) -> None:
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(
            "CREATE INDEX ix_reports_queue_priority ON reports (urgent DESC, tier_rank, status)")


# What a page of the queue shows of each report. The page names categories and assignees from
# the lists its forms load anyway (loading them with the reports took two more queries); any
# other attribute or relationship raises, so a template that starts using one cannot quietly
# run a query per row.
PAGE_COLUMNS = (
    Report.id, Report.title, Report.urgent, Report.tier_rank, Report.status,
    Report.category_id, Report.district, Report.language, Report.assignee_id, Report.due_at,
)


def page_options() -> tuple:
    """Loader options for a page of the queue: its columns only."""
    return load_only(*PAGE_COLUMNS, raiseload=True), raiseload("*")


def export_options() -> tuple:
    """Loader options for the CSV export: every report's category and assignee, no long texts."""
    return (selectinload(Report.category), selectinload(Report.assignee),
            defer(Report.description), defer(Report.search_text))


@dataclass
class QueueFilters:
    view: str = OPEN
    statuses: list[ReportStatus] = field(default_factory=list)
    tier: Tier | None = None
    category_id: int | None = None
    district: District | None = None
    citywide: bool = False
    language: str | None = None  # a code, or "mine" for the languages the viewer reads
    assignee: str | None = None  # MINE, UNASSIGNED or a user id as text
    team: str | None = None  # "mine", or a team id as text
    overdue: bool = False
    received_from: date | None = None
    received_to: date | None = None
    q: str | None = None


def _seoul_day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=SEOUL)


def queue(filters: QueueFilters, *, viewer: User, now: datetime | None = None) -> sa.Select:
    """Reports matching ``filters`` by priority: urgent first, then tier, due time and age."""
    now = now or utcnow()
    # The rows are sorted before the page is cut: joining the category and the assignee (and
    # carrying the long texts) into every open report made that sort 10 to 20 times slower.
    # What is loaded with them is each use's choice (page_options, export_options).
    stmt = sa.select(Report)
    if filters.view == NEEDS_CATEGORY:
        stmt = stmt.join(Category, Category.id == Report.category_id).where(
            Category.catch_all.is_(True), Report.status.in_(list(OPEN_STATUSES))
        )
    elif filters.view == ALL:
        stmt = stmt.where(Report.status != ReportStatus.pending)
    else:
        stmt = stmt.where(Report.status.in_(list(OPEN_STATUSES)))
    if filters.statuses:
        stmt = stmt.where(Report.status.in_(filters.statuses))
    if filters.tier is not None:
        stmt = stmt.where(Report.tier_rank == TIER_RANK[filters.tier])
    if filters.category_id:
        stmt = stmt.where(Report.category_id == filters.category_id)
    if filters.citywide:
        stmt = stmt.where(Report.district.is_(None))
    elif filters.district is not None:
        stmt = stmt.where(Report.district == filters.district)
    if filters.language == MINE:
        stmt = stmt.where(Report.language.in_(
            sa.select(StaffLanguage.language).where(StaffLanguage.user_id == viewer.id)
        ))
    elif filters.language:
        stmt = stmt.where(Report.language == filters.language)
    if filters.assignee == MINE:
        stmt = stmt.where(Report.assignee_id == viewer.id)
    elif filters.assignee == UNASSIGNED:
        stmt = stmt.where(Report.assignee_id.is_(None))
    elif filters.assignee and filters.assignee.isdigit():
        stmt = stmt.where(Report.assignee_id == int(filters.assignee))
    if filters.team == MINE:
        stmt = stmt.where(Report.team_id.in_(
            sa.select(TeamMember.team_id).where(TeamMember.user_id == viewer.id)
        ))
    elif filters.team and filters.team.isdigit():
        stmt = stmt.where(Report.team_id == int(filters.team))
    if filters.overdue:
        stmt = stmt.where(Report.due_at < now)
    if filters.received_from:
        stmt = stmt.where(Report.received_at >= _seoul_day_start(filters.received_from))
    if filters.received_to:
        stmt = stmt.where(
            Report.received_at < _seoul_day_start(filters.received_to + timedelta(days=1))
        )
    if filters.q:
        stmt = stmt.where(matching(filters.q))
    return stmt.order_by(*_priority())


def _priority() -> tuple:
    return (Report.urgent.desc(), Report.tier_rank, Report.due_at.is_(None), Report.due_at,
            Report.received_at, Report.id)


class QueuePage(SelectPagination):
    """A page of the queue, read in two steps: its reports' ids, then their columns.

    The ids are sorted with what the queue's indexes hold (on SQLite, ix_reports_queue has
    every sort key), so only the page's 50 rows are read from the table; sorting the open
    reports with the page's columns read each of their rows first: with 11,800 open reports,
    0.3 ms more on either database (2.0 instead of 1.7 ms on SQLite, 0.9 instead of 0.6 ms on
    PostgreSQL).
    """

    def _query_items(self) -> list[Report]:
        ids = (self._query_args["select"].with_only_columns(Report.id)
               .limit(self.per_page).offset(self._query_offset))
        return list(self._query_args["session"].scalars(
            sa.select(Report).where(Report.id.in_(ids)).order_by(*_priority())
            .options(*page_options())
        ))


def page(stmt: sa.Select) -> QueuePage:
    """This request's page of the queue ``stmt`` (see ``paging.paginate``)."""
    return QueuePage(select=stmt, session=db.session(), page=page_number(),
                     per_page=PER_PAGE, max_per_page=PER_PAGE, error_out=False, count=True)
