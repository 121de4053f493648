"""The events panel of the staff dashboard."""

from .service import next_events, upcoming_counts


def panel_context() -> dict:
    return {"events_panel": {"counts": upcoming_counts(), "next": next_events()}}
