"""The public statistics page: what residents told the city, and what it did.

Only reports whose authors allowed it are counted, and only as numbers: no name, no text,
no place beyond the district.
"""

import statistics
from datetime import date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import render_template
from flask_babel import format_date
from flask_babel import gettext as _

from ..charts import bar_chart, chart_table
from ..columns import utcnow
from ..districts import District
from ..extensions import cache, db
from . import bp
from .models import CLOSED_STATUSES, Category, Report, ReportStatus
from .service import category_name

SEOUL = ZoneInfo("Asia/Seoul")
MONTHS = 12


def _month_start(day: date, back: int = 0) -> date:
    month = day.month - 1 - back
    return date(day.year + month // 12, month % 12 + 1, 1)


@cache.memoize(timeout=600)
def public_numbers(today: str) -> dict:
    """Counts over the reports their authors allowed in statistics (cached ten minutes)."""
    counted = sa.and_(Report.public_stats.is_(True), Report.status != ReportStatus.pending)
    by_category = dict(db.session.execute(
        sa.select(Report.category_id, sa.func.count()).where(counted)
        .group_by(Report.category_id)
    ).all())
    by_district = {
        (district.name if district else ""): count
        for district, count in db.session.execute(
            sa.select(Report.district, sa.func.count()).where(counted)
            .group_by(Report.district)
        ).all()
    }
    by_status = dict(db.session.execute(
        sa.select(Report.status, sa.func.count()).where(counted).group_by(Report.status)
    ).all())
    durations = [
        (resolved - received).total_seconds() / 86400
        for received, resolved in db.session.execute(
            sa.select(Report.received_at, Report.resolved_at)
            .where(counted, Report.resolved_at.is_not(None))
        ).all()
    ]
    first = _month_start(date.fromisoformat(today), MONTHS - 1)
    start = datetime(first.year, first.month, 1, tzinfo=SEOUL)
    per_month = dict.fromkeys(range(MONTHS), 0)
    for received in db.session.scalars(
        sa.select(Report.received_at).where(counted, Report.received_at >= start)
    ):
        local = received.astimezone(SEOUL).date()
        index = (local.year - first.year) * 12 + local.month - first.month
        if 0 <= index < MONTHS:
            per_month[index] += 1
    total = sum(by_status.values())
    closed = sum(count for status, count in by_status.items() if status in CLOSED_STATUSES)
    return {
        "total": total,
        "resolved": by_status.get(ReportStatus.resolved, 0),
        "closed": closed,
        "median_days": statistics.median(durations) if durations else None,
        "categories": by_category,
        "districts": by_district,
        "months": [(_month_start(date.fromisoformat(today), MONTHS - 1 - i).isoformat(),
                    per_month[i]) for i in range(MONTHS)],
    }


@bp.route("/stats")
def stats():
    """Show everyone what residents reported and what the city did, in numbers only."""
    today = utcnow().astimezone(SEOUL).date()
    numbers = public_numbers(today.isoformat())
    categories = {c.id: c for c in db.session.scalars(sa.select(Category))}
    by_category = sorted(
        ((category_name(categories.get(cid)) or "—", count)
         for cid, count in numbers["categories"].items()),
        key=lambda row: (-row[1], row[0]),
    )
    by_district = sorted(
        ((str(District[name].label) if name in District.__members__ else _("The whole city"),
          count) for name, count in numbers["districts"].items()),
        key=lambda row: (-row[1], row[0]),
    )
    points = [(format_date(date.fromisoformat(month), "MMM yyyy"), count)
              for month, count in numbers["months"]]
    title = _("Reports received per month")
    return render_template(
        "reports/stats.html", numbers=numbers, by_category=by_category,
        by_district=by_district,
        share_resolved=numbers["resolved"] / numbers["total"] if numbers["total"] else None,
        chart=bar_chart(points, title=title, highlight_last=True, description=_(
            "Reports received in each of the last 12 months; the last bar is the current "
            "month so far.")),
        chart_table=chart_table(points, caption=title, label_header=_("Month"),
                                value_header=_("Reports")),
    )
