"""``flask notifications ...``: the daily digest and pruning."""

from datetime import timedelta

import click
from flask.cli import AppGroup

from ..extensions import db
from .service import prune_notifications, send_digests

notifications_cli = AppGroup("notifications", help="Notifications and digests.")


@notifications_cli.command("digest")
def digest_command() -> None:
    """Mail each person their waiting notifications in one message (run once a day)."""
    sent = send_digests()
    click.echo(f"queued {sent} digest mail(s)")


@notifications_cli.command("prune")
@click.option("--days", default=180, show_default=True, help="Keep read notifications this long.")
def prune_command(days: int) -> None:
    """Delete read notifications older than --days (run daily)."""
    removed = prune_notifications(older_than=timedelta(days=days))
    db.session.commit()
    click.echo(f"deleted {removed} read notification(s)")
