"""``flask mentoring tick``: session reminders the day before, child-safety checks to renew."""

import click
from flask.cli import AppGroup

from ..database import writing
from ..extensions import db
from .service import remind_expiring_checks, send_session_reminders

mentoring_cli = AppGroup("mentoring", help="Mentoring classes.")


@mentoring_cli.command("tick")
def tick_command() -> None:
    """Remind mentors and families of tomorrow's sessions; ask for checks about to expire."""
    with writing():
        sessions = send_session_reminders()
        checks = remind_expiring_checks()
        db.session.commit()
    click.echo(f"sessions reminded: {sessions}; checks to renew: {checks}")
