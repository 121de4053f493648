"""``flask reports ...``: housekeeping of the reports domain."""

import click
from flask.cli import AppGroup

from .service import prune_photos

reports_cli = AppGroup("reports", help="Inconvenience reports.")


@reports_cli.command("prune-photos")
@click.option("--hours", default=24, show_default=True,
              help="Keep photos no report holds for this long (a form being retried).")
def prune_photos_command(hours: int) -> None:
    """Delete stored photos that no report holds: forms that were never sent (run daily)."""
    removed = prune_photos(older_than_hours=hours)
    click.echo(f"deleted {removed} photo(s) no report holds")
