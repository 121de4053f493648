"""Pages that belong to no domain: the language redirect, the home page, health checks."""

import sqlalchemy as sa
from flask import Blueprint, redirect, render_template, url_for

from .extensions import db
from .i18n import guess_locale

bp = Blueprint("core", __name__)


@bp.route("/")
def root():
    """Send a visitor to the home page in their language."""
    return redirect(url_for("core.home", lang=guess_locale()))


@bp.route("/<lang:lang>/")
def home():
    """Show the home page."""
    return render_template("core/home.html")


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
