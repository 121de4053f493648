"""The reports panel of the staff dashboard: the queue's state and how fast the city answers.

The panel shows no one's own data, only counts, so it is the same for every member of staff
who reads it in a language: its numbers are computed once a minute per process, and the panel
is rendered once per language from each computation of them.
"""

import statistics
import time
from collections import Counter
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import format_date
from flask_babel import gettext as _

from ..charts import bar_chart, chart_table
from ..columns import utcnow
from ..contacts.models import Tier
from ..districts import District
from ..extensions import cache, db
from ..i18n import current_lang
from ..staffdesk import EXPIRES_AT
from .models import OPEN_STATUSES, RANK_TIER, TIER_RANK, Category, Report, ReportStatus
from .service import category_name

SEOUL = ZoneInfo("Asia/Seoul")
WEEKS = 12
TIMEOUT = 60  # seconds: how old the panel's numbers may be
NUMBERS_KEY = "reports.dashboard.numbers"


def _week_start(moment: datetime) -> datetime:
    local = moment.astimezone(SEOUL)
    monday = local.date() - timedelta(days=local.weekday())
    return datetime(monday.year, monday.month, monday.day, tzinfo=SEOUL)


def _days_between(start, end) -> sa.ColumnElement[float]:
    """Days from ``start`` to ``end`` as a number, counted by the database."""
    if db.session.get_bind().dialect.name == "sqlite":
        return sa.func.julianday(end) - sa.func.julianday(start)
    return sa.extract("epoch", end - start) / 86400.0


def aggregates() -> dict:
    """The panel's numbers, the same for every member of staff.

    The database counts and measures; only the durations behind the medians (one number per
    report of the last 30 days) come back to be sorted here.
    """
    now = utcnow()
    open_statuses = list(OPEN_STATUSES)
    by_tier_status = db.session.execute(
        sa.select(Report.tier_rank, Report.status, sa.func.count())
        .where(Report.status.in_(open_statuses))
        .group_by(Report.tier_rank, Report.status)
    ).all()
    overdue = dict(db.session.execute(
        sa.select(Report.tier_rank, sa.func.count())
        .where(Report.status.in_(open_statuses), Report.due_at < now)
        .group_by(Report.tier_rank)
    ).all())
    since = now - timedelta(days=30)
    recent = db.session.execute(
        sa.select(Report.tier_rank,
                  _days_between(Report.received_at, Report.acknowledged_at),
                  _days_between(Report.received_at, Report.resolved_at))
        .where(Report.received_at >= since)
    ).all()
    # One pass over the table for both: grouping by a plain column, SQLite walks that column's
    # index and fetches each row from it, two to three times slower than reading the table
    # (``+ 0`` keeps it from using the index).
    category = Report.category_id + sa.literal_column("0")
    by_category_district = db.session.execute(
        sa.select(category, Report.district, sa.func.count())
        .where(Report.status != ReportStatus.pending).group_by(category, Report.district)
    ).all()
    first_week = _week_start(now) - timedelta(weeks=WEEKS - 1)
    weeks = [first_week + timedelta(weeks=i) for i in range(WEEKS)]
    week = sa.case(*((Report.received_at >= start, index)
                     for index, start in reversed(list(enumerate(weeks)))), else_=-1)
    per_week = dict.fromkeys(range(WEEKS), 0)
    per_week.update(db.session.execute(
        sa.select(week, sa.func.count()).where(Report.received_at >= first_week)
        .group_by(week)
    ).all())

    by_category: Counter[int] = Counter()
    by_district: Counter[str] = Counter()
    for category_id, district, count in by_category_district:
        by_category[category_id] += count
        by_district[district.name if district else ""] += count
    open_counts: dict[int, dict[str, int]] = {}
    for rank, status, count in by_tier_status:
        open_counts.setdefault(rank, {})[status.name] = count
    times: dict[int, dict[str, list[float]]] = {}
    for rank, to_acknowledge, to_resolve in recent:
        entry = times.setdefault(rank, {"acknowledge": [], "resolve": []})
        if to_acknowledge is not None:
            entry["acknowledge"].append(to_acknowledge)
        if to_resolve is not None:
            entry["resolve"].append(to_resolve)
    return {
        "open": open_counts,
        "overdue": overdue,
        "medians": {
            rank: {name: statistics.median(values) if values else None
                   for name, values in entry.items()}
            for rank, entry in times.items()
        },
        "categories": dict(by_category),
        "districts": dict(by_district),
        "weeks": [(start.date().isoformat(), per_week.get(i, 0))
                  for i, start in enumerate(weeks)],
    }


def _numbers() -> tuple[dict, float]:
    """The panel's numbers and when they expire (seconds since the epoch), kept for a minute."""
    kept = cache.get(NUMBERS_KEY)
    if kept is None:
        kept = (aggregates(), time.time() + TIMEOUT)
        cache.set(NUMBERS_KEY, kept, timeout=TIMEOUT)
    return kept


def _district_label(name: str) -> str:
    district = District.__members__.get(name)
    return str(district.label) if district else _("The whole city")


def panel_context() -> dict:
    """The reports panel's figures in the reader's language, and when their numbers expire.

    The staff desk keeps each language's rendering until then, so it is never older than the
    numbers (a minute); a category renamed meanwhile shows with the next numbers.
    """
    numbers, expires = _numbers()
    return {**_figures(numbers), EXPIRES_AT: expires}


def _figures(numbers: dict) -> dict:
    """What the reports panel shows, worded in the reader's language."""
    names = {c.id: category_name(c) for c in db.session.scalars(sa.select(Category))}
    tiers = [(tier, numbers["open"].get(TIER_RANK[tier], {}),
              numbers["overdue"].get(TIER_RANK[tier], 0),
              numbers["medians"].get(TIER_RANK[tier], {})) for tier in Tier]
    points = [(format_date(datetime.fromisoformat(day).date(), "MMM d"), count)
              for day, count in numbers["weeks"]]
    title = _("Reports received per week")
    return {
        "tiers": tiers,
        "statuses": [s for s in ReportStatus if s in OPEN_STATUSES],
        "total_open": sum(sum(c.values()) for c in numbers["open"].values()),
        "total_overdue": sum(numbers["overdue"].values()),
        "categories": sorted(((names.get(cid, "?"), cid, count)
                              for cid, count in numbers["categories"].items()),
                             key=lambda row: -row[2]),
        "districts": sorted(((_district_label(name), name or "citywide", count)
                             for name, count in numbers["districts"].items()),
                            key=lambda row: -row[2]),
        "chart": bar_chart(points, title=title,
                           description=_("Reports received in each of the last %(num)d weeks.",
                                         num=WEEKS)),
        "chart_table": chart_table(points, caption=title, label_header=_("Week of"),
                                   value_header=_("Reports")),
        "lang": current_lang(),
        "rank_tier": RANK_TIER,
    }
