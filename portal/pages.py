"""Pages that belong to no domain: the language redirect, the home page, health checks."""

import re
from datetime import time

import sqlalchemy as sa
from babel.dates import get_day_names
from flask import (
    Blueprint,
    Flask,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import format_date, format_time, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from .columns import utcnow
from .extensions import cache, db
from .i18n import current_lang, guess_locale
from .staffdesk import MenuEntry, add_menu_entry

bp = Blueprint("pages", __name__)

# The privacy notice's version: consents record the version a person agreed to.
PRIVACY_NOTICE_VERSION = "2026-11"


@bp.route("/")
def root():
    """Send a visitor to the home page in their language."""
    return redirect(url_for("pages.home", lang=guess_locale()))


def _home_cache_key() -> str:
    # The page shows today's date in Seoul: a new day is a new page.
    return f"home:{current_lang()}:{format_date(utcnow(), 'yyyy-MM-dd')}"


def _personal_request() -> bool:
    """True when the page may differ for this visitor: signed in, a message, a query."""
    return bool(
        current_user.is_authenticated or session.get("_flashes") or request.args
    )


@bp.route("/<lang:lang>/")
@cache.cached(timeout=300, key_prefix=_home_cache_key, unless=_personal_request)
def home():
    """Show the home page (rendered once per language a few minutes for visitors)."""
    return render_template("pages/home.html")


_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_HOURS = re.compile(r"^(mon|tue|wed|thu|fri|sat|sun)(?:-(mon|tue|wed|thu|fri|sat|sun))?\s+"
                    r"(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$")


def service_hours() -> str | None:
    """SERVICE_HOURS ("mon-fri 09:00-18:00") in the reader's words, or None when unset."""
    match = _HOURS.match(current_app.config["SERVICE_HOURS"].strip().lower())
    if not match:
        return None
    first, last, open_h, open_m, close_h, close_m = match.groups()
    days = get_day_names("wide", locale=get_locale())
    first_name = days[_DAYS.index(first)]
    opening = format_time(time(int(open_h), int(open_m)), "short")
    closing = format_time(time(int(close_h), int(close_m)), "short")
    if last and last != first:
        return _("%(first)s to %(last)s, %(opening)s–%(closing)s", first=first_name,
                 last=days[_DAYS.index(last)], opening=opening, closing=closing)
    return _("%(day)s, %(opening)s–%(closing)s", day=first_name, opening=opening,
             closing=closing)


def service() -> dict:
    """The city's channels for foreign residents, as configured (empty ones left out)."""
    config = current_app.config
    return {
        "phone": config["SERVICE_PHONE"],
        "email": config["SERVICE_EMAIL"],
        "hours": service_hours(),
        "walk_in_name": config["WALK_IN_NAME"],
        "walk_in_address": config["WALK_IN_ADDRESS"],
        "privacy_officer": config["PRIVACY_OFFICER"],
        "privacy_email": config["PRIVACY_EMAIL"],
        "privacy_phone": config["PRIVACY_PHONE"],
    }


@bp.route("/<lang:lang>/help")
def help_page():
    """How to use the portal, and where to get help."""
    return render_template("pages/help.html")


@bp.route("/<lang:lang>/contact")
def contact():
    """The city's channels for foreign residents."""
    return render_template("pages/contact.html")


@bp.route("/<lang:lang>/privacy")
def privacy():
    """The privacy notice (Personal Information Protection Act)."""
    return render_template("pages/privacy.html", consent_version=PRIVACY_NOTICE_VERSION)


@bp.route("/<lang:lang>/accessibility")
def accessibility():
    """The accessibility statement."""
    return render_template("pages/accessibility.html")


@bp.route("/healthz")
def healthz():
    """Answer 200 when the database answers, 503 otherwise (for load balancers)."""
    try:
        db.session.execute(sa.text("SELECT 1"))
    except sa.exc.SQLAlchemyError:
        return {"status": "unavailable", "database": "unreachable"}, 503
    finally:
        db.session.rollback()
    return {"status": "ok", "database": "ok"}


@bp.route("/livez")
def livez():
    """Answer 200 while the process serves requests, touching nothing (liveness probe)."""
    return {"status": "ok"}


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.jinja_env.globals["service"] = service
    add_menu_entry(app, "main", MenuEntry(label=_l("Home"), endpoint="pages.home", order=0))
