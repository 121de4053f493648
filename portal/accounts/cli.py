"""``flask users ...``: account administration from the command line."""

from datetime import timedelta

import click
from flask.cli import AppGroup

from ..errors import ValidationError
from ..extensions import db
from . import service
from .sessions import prune_sessions

users_cli = AppGroup("users", help="Manage accounts.")


@users_cli.command("prune-sessions")
@click.option("--days", default=7, show_default=True, help="Keep ended sessions this long.")
def prune_sessions_command(days: int) -> None:
    """Delete expired and revoked sessions (run daily from cron)."""
    removed = prune_sessions(older_than=timedelta(days=days))
    db.session.commit()
    click.echo(f"deleted {removed} ended session(s)")


@users_cli.command("create-staff")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--admin", is_flag=True, help="Give administration rights.")
@click.password_option(help="Initial password (asked for when not given).")
def create_staff_command(email: str, name: str, admin: bool, password: str) -> None:
    """Create a confirmed staff or admin account."""
    try:
        user = service.create_staff(name=name, email=email, password=password, admin=admin, by=None)
    except ValidationError as error:
        raise click.UsageError(f"{error.field}: {error.message}") from error
    db.session.commit()
    click.echo(f"created {user.role.name} account {user.email} (id {user.id})")
