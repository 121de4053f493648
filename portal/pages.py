"""Pages that belong to no domain: the language redirect, the home page, health checks."""

import sqlalchemy as sa
from flask import Blueprint, Flask, redirect, render_template, request, session, url_for
from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from .columns import utcnow
from .extensions import cache, db
from .i18n import current_lang, guess_locale
from .staffdesk import MenuEntry, add_menu_entry

bp = Blueprint("pages", __name__)


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
    add_menu_entry(app, "main", MenuEntry(label=_l("Home"), endpoint="pages.home", order=0))
