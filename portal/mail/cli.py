"""``flask outbox deliver``: the worker that sends the outbox."""

import signal
import time
from collections.abc import Callable
from datetime import timedelta

import click
from flask.cli import AppGroup

from ..extensions import db
from .backends import get_backend
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
    run_worker(once=once, interval=interval, batch=batch)


def run_worker(*, once: bool = False, interval: float = 5.0, batch: int | None = None,
               echo: Callable[[str], None] = click.echo) -> int:
    """Deliver the outbox round after round; return how many messages were sent.

    Stops on SIGTERM or SIGINT at the end of the round in hand, or, with ``once``, as soon as
    nothing is due. One backend (one SMTP connection) serves every round while mail keeps
    coming; it is closed when a round finds nothing, so an idle worker holds no connection.
    """
    stopping = False

    def stop(signum, frame):
        nonlocal stopping
        stopping = True

    previous = {}
    if not once:
        for signum in (signal.SIGTERM, signal.SIGINT):
            previous[signum] = signal.signal(signum, stop)
    total = 0
    try:
        with get_backend() as backend:
            while True:
                report = deliver_due(limit=batch, backend=backend)
                total += report.sent
                if report.handled:
                    echo(f"sent {report.sent}, to retry {report.retried}, "
                         f"failed {report.failed}")
                if once:
                    # Retried messages are not due again yet, so an empty round means done.
                    if report.handled == 0:
                        break
                    continue
                if stopping:
                    break
                if report.handled == 0:
                    backend.close()
                    slept = 0.0
                    while slept < interval and not stopping:
                        time.sleep(min(0.2, interval))
                        slept += 0.2
                    if stopping:
                        break
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    echo(f"delivered {total} message(s)")
    return total
