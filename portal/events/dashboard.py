"""The events panel of the staff dashboard.

It shows counts and the next few events, the same for every member of staff who reads it in a
language, so it is rendered once per language and kept for a minute, like the other panels'
numbers, instead of being counted again for each visit of the dashboard.
"""

from flask import render_template
from markupsafe import Markup

from ..extensions import cache
from ..i18n import current_lang
from .service import next_events, upcoming_counts

TIMEOUT = 60  # seconds: how old the panel's numbers may be


def panel_context() -> dict:
    """The events panel in the reader's language (at most a minute old)."""
    key = f"events.dashboard.panel/{current_lang()}"
    html = cache.get(key)
    if html is None:
        html = _rendered()
        cache.set(key, html, timeout=TIMEOUT)
    return {"events_panel_html": Markup(html)}  # noqa: S704 - our own template's output


def _rendered() -> str:
    """The panel: upcoming events and the answers awaited, then the next events."""
    return render_template("events/_dashboard_figures.html",
                           events_panel={"counts": upcoming_counts(), "next": next_events()})
