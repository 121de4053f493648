"""``flask demo seed``: demonstration data, contributed by each domain.

A domain adds a seeder from its ``init_app`` with ``add_seeder``; seeders run in the order
they were added, which is the layer order in which ``create_app`` sets the domains up, so a
seeder can use what the ones before it made. Each seeder goes through its own domain's
services and does nothing when its data is there already.
"""

from collections.abc import Callable

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from .extensions import db

demo_cli = AppGroup("demo", help="Demonstration data.")

Seeder = Callable[[], str | None]


def add_seeder(app: Flask, name: str, seeder: Seeder) -> None:
    """Let ``flask demo seed`` call ``seeder`` (returns a line to print, or None)."""
    app.extensions.setdefault("portal.demo", {})[name] = seeder


def seed() -> list[str]:
    """Run every seeder in order, committing after each; return what they reported."""
    lines = []
    for name, seeder in current_app.extensions.get("portal.demo", {}).items():
        report = seeder()
        db.session.commit()
        lines.append(f"{name}: {report or 'already present'}")
    return lines


@demo_cli.command("seed")
def seed_command() -> None:
    """Load realistic demonstration data (each part only once)."""
    for line in seed():
        click.echo(line)


def init_app(app: Flask) -> None:
    app.cli.add_command(demo_cli)
