"""The mentoring panel of the staff dashboard.

Four counts, the same for every member of staff who reads them in a language: the panel is
rendered once per language and kept for a minute, like the other panels' numbers, instead of
being counted again for each visit of the dashboard.
"""

from flask import render_template
from markupsafe import Markup

from ..extensions import cache
from ..i18n import current_lang
from .service import dashboard_counts

TIMEOUT = 60  # seconds: how old the panel's numbers may be


def panel_context() -> dict:
    """The mentoring panel in the reader's language (at most a minute old)."""
    key = f"mentoring.dashboard.panel/{current_lang()}"
    html = cache.get(key)
    if html is None:
        html = _rendered()
        cache.set(key, html, timeout=TIMEOUT)
    return {"mentoring_panel_html": Markup(html)}  # noqa: S704 - our own template's output


def _rendered() -> str:
    """The panel: applications and family requests to decide, mentors, classes."""
    return render_template("mentoring/_dashboard_figures.html",
                           mentoring_counts=dashboard_counts())
