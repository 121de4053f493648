"""``flask events tick``: lapse offers, pass places on, queue reminders (run every few minutes)."""

import click
from flask.cli import AppGroup

from ..database import writing
from ..extensions import db
from .service import expire_offers, send_reminders

events_cli = AppGroup("events", help="Events and invitations.")


@events_cli.command("tick")
def tick_command() -> None:
    """Take back lapsed offers of a freed place, offer it to the next, and send reminders."""
    with writing():
        lapsed = expire_offers()
        reminded = send_reminders()
        db.session.commit()
    click.echo(f"lapsed offers: {lapsed}; reminders queued: {reminded}")
