"""The reports panel of the staff dashboard: the queue's state and how fast the city answers."""

import statistics
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
from .models import OPEN_STATUSES, RANK_TIER, TIER_RANK, Category, Report, ReportStatus
from .service import category_name

SEOUL = ZoneInfo("Asia/Seoul")
WEEKS = 12


def _week_start(moment: datetime) -> datetime:
    local = moment.astimezone(SEOUL)
    monday = local.date() - timedelta(days=local.weekday())
    return datetime(monday.year, monday.month, monday.day, tzinfo=SEOUL)


@cache.memoize(timeout=60)
def aggregates(today: str) -> dict:
    """The panel's numbers, the same for every member of staff (cached for a minute)."""
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
        sa.select(Report.tier_rank, Report.received_at, Report.acknowledged_at,
                  Report.resolved_at)
        .where(Report.received_at >= since)
    ).all()
    by_category = db.session.execute(
        sa.select(Report.category_id, sa.func.count())
        .where(Report.status != ReportStatus.pending).group_by(Report.category_id)
    ).all()
    by_district = db.session.execute(
        sa.select(Report.district, sa.func.count())
        .where(Report.status != ReportStatus.pending).group_by(Report.district)
    ).all()
    first_week = _week_start(now) - timedelta(weeks=WEEKS - 1)
    received = db.session.scalars(
        sa.select(Report.received_at).where(Report.received_at >= first_week)
    ).all()

    open_counts: dict[int, dict[str, int]] = {}
    for rank, status, count in by_tier_status:
        open_counts.setdefault(rank, {})[status.name] = count
    times: dict[int, dict[str, list[float]]] = {}
    for rank, received_at, acknowledged_at, resolved_at in recent:
        entry = times.setdefault(rank, {"acknowledge": [], "resolve": []})
        if acknowledged_at:
            entry["acknowledge"].append((acknowledged_at - received_at).total_seconds() / 86400)
        if resolved_at:
            entry["resolve"].append((resolved_at - received_at).total_seconds() / 86400)
    weeks = [first_week + timedelta(weeks=i) for i in range(WEEKS)]
    per_week = dict.fromkeys(range(WEEKS), 0)
    for moment in received:
        index = (_week_start(moment) - first_week).days // 7
        if 0 <= index < WEEKS:
            per_week[index] += 1
    return {
        "open": open_counts,
        "overdue": overdue,
        "medians": {
            rank: {name: statistics.median(values) if values else None
                   for name, values in entry.items()}
            for rank, entry in times.items()
        },
        "categories": dict(by_category),
        "districts": {district.name if district else "": count
                      for district, count in by_district},
        "weeks": [(week.date().isoformat(), per_week[i]) for i, week in enumerate(weeks)],
    }


def _district_label(name: str) -> str:
    district = District.__members__.get(name)
    return str(district.label) if district else _("The whole city")


def panel_context() -> dict:
    """What the reports panel shows, worded in the reader's language."""
    numbers = aggregates(utcnow().astimezone(SEOUL).date().isoformat())
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
