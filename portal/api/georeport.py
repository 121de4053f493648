"""What the Open311 GeoReport v2 API tells about services and service requests.

A service is an active report category: its ``code`` is the ``service_code``. A service
request is a report the city received (one still waiting for its author to confirm their
address is never shown).

Privacy. The privacy notice promises residents that "only you and the city staff who handle
reports can see a report", and that the public statistics count "only the reports whose
authors allowed it, without names or words". So:

- Who sees which requests: anyone sees the reports whose authors allowed public statistics
  (``public_stats``); an API client sending its ``api_key`` also sees the requests it filed.
- ``description`` is always empty. GeoReport allows the reporter's text there, but a
  report's words (its title and description) are never public; the category is in
  ``service_name`` already.
- ``status_notes`` (the city's last public message: a reply, or a status change with a
  message) only on the requests the asking client filed: the city writes these messages to
  the reporter, and they may name them. Everyone else gets it empty.
- ``address`` is the district's English name, or "Seoul" for a report about the whole city,
  never the place its author described; ``address_id``, ``zipcode`` and ``media_url`` are
  empty (photos are never public).
- ``lat``/``long`` only for reports whose authors allowed public statistics, rounded to
  three decimals (about 100 m); empty otherwise.
- Nothing about the reporter: no name, address or account number.

Times are ISO 8601 in Seoul's time, with their offset (``2026-03-01T09:00:00+09:00``).
"""

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from ..columns import utcnow
from ..districts import District
from ..i18n import DEFAULT_LOCALE, localized
from ..reports import service as reports
from ..reports.models import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    Category,
    Report,
    ReportStatus,
)
from ..routing import MAX_ID
from . import bp
from .formats import Open311Error
from .models import ApiClient
from .service import category_by_code

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# When this API last changed (the discovery's changeset).
CHANGESET = "2026-11-26T00:00:00+09:00"
SEOUL = ZoneInfo("Asia/Seoul")
# GeoReport v2: at most 1,000 requests per answer, over at most 90 days (the default window
# is the last 90 days).
MAX_RESULTS = 1000
WINDOW = timedelta(days=90)
COORDINATE_DECIMALS = 3  # about 100 m: a street, not a door
CITYWIDE = "Seoul"
STATUSES = {"open": OPEN_STATUSES, "closed": CLOSED_STATUSES}


def iso(value: datetime | None) -> str | None:
    """An ISO 8601 time with its offset, in Seoul's time."""
    return value.astimezone(SEOUL).isoformat(timespec="seconds") if value else None


def problem(field: str, message: str) -> str:
    """An error that names the parameter it is about."""
    return _("%(field)s: %(problem)s", field=field, problem=message)


# -- Discovery and services -------------------------------------------------------------------


def discovery() -> dict:
    """The discovery document: who runs the API, how to get a key, where it is."""
    config = current_app.config
    site = config["SITE_URL"].rstrip("/")
    contact = ", ".join(v for v in (config.get("SERVICE_EMAIL"), config.get("SERVICE_PHONE"))
                        if v) or site
    return {
        "changeset": CHANGESET,
        "contact": contact,
        "key_service": _("Ask the portal's administrators for an API key: %(contact)s",
                         contact=contact),
        "endpoints": [{
            "specification": SPECIFICATION,
            "url": site + bp.url_prefix,
            "changeset": CHANGESET,
            "type": "production",
            "formats": ["text/xml", "application/json"],
        }],
    }


def services(lang: str) -> list[dict]:
    """Every active report category as an Open311 service."""
    reports.teams()  # the categories' teams, loaded at once rather than one by one
    return [service_record(category, lang) for category in reports.categories()]


def service_record(category: Category, lang: str) -> dict:
    name = reports.category_name(category, lang)
    keywords = dict.fromkeys(n for n in (category.names or {}).values() if n)
    return {
        "service_code": str(category.code),
        "service_name": name,
        "description": name,
        "metadata": False,
        "type": "realtime",
        "keywords": ", ".join(keywords),
        "group": _english(category.team.names) if category.team else None,
    }


def service_definition(code: str) -> dict:
    """The attributes a service asks for: none, as no category asks for more."""
    if category_by_code(code) is None:
        raise Open311Error(404, _("There is no service with the code %(code)s.", code=code))
    return {"service_code": code, "attributes": []}


# -- Service requests -------------------------------------------------------------------------


@dataclass(frozen=True)
class RequestFilter:
    """What a GET of the requests asks for; ``ids`` overrides every other filter."""

    ids: tuple[int, ...] = ()
    category_ids: tuple[int, ...] = ()
    start: datetime | None = None
    end: datetime | None = None
    statuses: frozenset[ReportStatus] | None = None


def parse_filter(args, *, now: datetime | None = None) -> RequestFilter:
    """The filter in a GET's arguments; a bad one is refused with every problem found."""
    problems: list[str] = []
    ids = _ids(args.get("service_request_id", ""), problems)
    if problems:
        raise Open311Error(400, *problems)
    if ids:
        return RequestFilter(ids=ids)
    codes = [c.strip() for c in args.get("service_code", "").split(",") if c.strip()]
    known = {c.code: c.id for c in reports.categories(active_only=False)}
    for code in codes:
        if code not in known:
            problems.append(problem("service_code", _(
                "There is no service with the code %(code)s.", code=code)))
    statuses = None
    wanted = [s.strip().lower() for s in args.get("status", "").split(",") if s.strip()]
    if wanted:
        if any(s not in STATUSES for s in wanted):
            # i18n: "open" and "closed" are the values of a parameter: keep them in English.
            problems.append(problem("status", _("Use open or closed.")))
        else:
            statuses = frozenset().union(*(STATUSES[s] for s in wanted))
    start = _time(args, "start_date", problems)
    end = _time(args, "end_date", problems)
    if not problems:
        if start is None and end is None:
            end = now or utcnow()
        if start is None:
            start = end - WINDOW
        if end is None:
            end = start + WINDOW
        if end < start:
            # i18n: start_date and end_date are parameter names: keep them in English.
            problems.append(_("The end_date is before the start_date."))
        elif end - start > WINDOW:
            # i18n: start_date and end_date are parameter names: keep them in English.
            problems.append(_("The period from start_date to end_date may be at most "
                              "%(days)d days long.", days=WINDOW.days))
    if problems:
        raise Open311Error(400, *problems)
    return RequestFilter(category_ids=tuple(known[c] for c in codes), start=start, end=end,
                         statuses=statuses)


def _ids(value: str, problems: list[str]) -> tuple[int, ...]:
    parts = [p.strip() for p in value.split(",") if p.strip()]
    if not all(p.isascii() and p.isdigit() and 1 <= int(p) <= MAX_ID for p in parts):
        problems.append(problem("service_request_id",
                                _("Give request numbers separated by commas.")))
        return ()
    if len(parts) > MAX_RESULTS:
        problems.append(problem("service_request_id", _(
            "Ask for at most %(num)d requests at once.", num=MAX_RESULTS)))
    return tuple(dict.fromkeys(int(p) for p in parts))


# A "+" left unencoded in a query string arrives as a space: "09:00:00 09:00" meant "+09:00".
_SPACE_FOR_PLUS = re.compile(r"(T[\d:.]+) (\d{2}(?::?\d{2})?)$")


def _time(args, name: str, problems: list[str]) -> datetime | None:
    """An ISO 8601 time argument, in UTC; a time without an offset is Seoul's."""
    value = args.get(name, "").strip()
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(_SPACE_FOR_PLUS.sub(r"\1+\2", value))
    except ValueError:
        problems.append(problem(name, _("Give a date and time in ISO 8601, for example "
                                        "2026-03-01T09:00:00+09:00.")))
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=SEOUL)
    return moment.astimezone(UTC)


def find_requests(wanted: RequestFilter, *, client: ApiClient | None) -> list[Report]:
    """The requests a filter asks for, the most recently received first, at most 1,000.

    A caller sees received reports whose authors allowed them in public statistics, and a
    client also the requests it filed itself.
    """
    if wanted.ids:
        return reports.received_reports(ids=wanted.ids, also_of=client.user_id if client else None,
                                        limit=MAX_RESULTS)
    return reports.received_reports(
        category_ids=wanted.category_ids or None, statuses=wanted.statuses, start=wanted.start,
        end=wanted.end, also_of=client.user_id if client else None, limit=MAX_RESULTS,
    )


def find_request(request_id: int, *, client: ApiClient | None) -> Report:
    """One request the caller may see, or a 404."""
    found = find_requests(RequestFilter(ids=(request_id,)), client=client)
    if not found:
        raise Open311Error(404, _("There is no service request with this number."))
    return found[0]


def request_records(found: list[Report], *, client: ApiClient | None,
                    lang: str) -> list[dict]:
    """Reports as Open311 service requests, with nothing about their reporters."""
    own = [r for r in found if client is not None and r.reporter_id == client.user_id]
    notes = reports.last_city_messages([report.id for report in own])
    with force_locale(DEFAULT_LOCALE):
        districts = {district: str(district.label) for district in District}
    return [_request_record(report, notes.get(report.id), districts, lang) for report in found]


def _request_record(report: Report, notes: str | None, districts: dict[District, str],
                    lang: str) -> dict:
    located = (report.public_stats and report.latitude is not None
               and report.longitude is not None)
    return {
        "service_request_id": str(report.id),
        "status": "open" if report.status in OPEN_STATUSES else "closed",
        "status_notes": notes or None,
        "service_name": reports.category_name(report.category, lang),
        "service_code": str(report.category.code),
        "description": None,
        "agency_responsible": _english(report.team.names) if report.team else None,
        "service_notice": None,
        "requested_datetime": iso(report.received_at),
        "updated_datetime": iso(report.updated_at),
        "expected_datetime": iso(report.resolve_due_at),
        "address": districts[report.district] if report.district else CITYWIDE,
        "address_id": None,
        "zipcode": None,
        "lat": round(report.latitude, COORDINATE_DECIMALS) if located else None,
        "long": round(report.longitude, COORDINATE_DECIMALS) if located else None,
        "media_url": None,
    }


def _english(names: dict[str, str] | None) -> str | None:
    return localized(names, DEFAULT_LOCALE) or None
