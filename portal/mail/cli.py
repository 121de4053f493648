"""``flask outbox deliver``: the worker that sends the outbox."""

import signal
import time
from datetime import timedelta

import click
from flask.cli import AppGroup

from ..extensions import db
from .service import deliver_due, prune_outbox

outbox_cli = AppGroup("outbox", help="Deliver mail from the outbox.")


@outbox_cli.command("prune")
@click.option("--days", default=30, show_default=True, help="Keep messages this many days.")
def prune_command(days: int) -> None:
    """Delete sent and failed mail older than --days (run daily from cron)."""
    removed = prune_outbox(older_than=timedelta(days=days))
    db.session.commit()
    click.echo(f"deleted {removed} message(s) older than {days} days")


@outbox_cli.command("deliver")
@click.option("--once", is_flag=True, help="Send what is due now, then exit.")
@click.option("--interval", default=5.0, show_default=True, help="Seconds between polls.")
@click.option("--batch", default=None, type=int, help="Messages per round (OUTBOX_BATCH_SIZE).")
def deliver_command(once: bool, interval: float, batch: int | None) -> None:
    """Send pending mail, retrying failures with backoff; loop until stopped unless --once."""
    stopping = False

    def stop(signum, frame):
        nonlocal stopping
        stopping = True

    if not once:
        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
    total = 0
    while True:
        report = deliver_due(limit=batch)
        total += report.sent
        if report.handled:
            click.echo(
                f"sent {report.sent}, to retry {report.retried}, failed {report.failed}"
            )
        if once:
            # Retried messages are not due again yet, so an empty round means done.
            if report.handled == 0:
                break
            continue
        if stopping:
            break
        if report.handled == 0:
            slept = 0.0
            while slept < interval and not stopping:
                time.sleep(min(0.2, interval))
                slept += 0.2
            if stopping:
                break
    click.echo(f"delivered {total} message(s)")
