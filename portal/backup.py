"""``flask backup create|restore``: copy the database while the portal runs, and put it back.

SQLite is copied with its online backup API (a consistent snapshot, writers wait a moment);
PostgreSQL with ``pg_dump --format=custom`` and ``pg_restore``, which must be installed in the
server's major version. Files under ``instance/`` (the secret key, stored uploads) are copied
with any file backup tool; the README says which.
"""

import shutil
import sqlite3
import subprocess
from pathlib import Path

import click
import sqlalchemy as sa
from flask import Flask, current_app
from flask.cli import AppGroup

from .extensions import db

backup_cli = AppGroup("backup", help="Back up and restore the database.")


def _sqlite_path(url: sa.engine.URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise click.UsageError("an in-memory database cannot be backed up")
    return Path(url.database)


def _libpq_url(url: sa.engine.URL) -> str:
    """The URL as pg_dump and pg_restore read it (no SQLAlchemy driver name)."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise click.ClickException(f"{name} is not installed (Debian: postgresql-client)")
    return path


def create_backup(target: Path) -> None:
    """Write a consistent copy of the configured database to ``target``."""
    url = db.engine.url
    target.parent.mkdir(parents=True, exist_ok=True)
    if url.get_backend_name() == "sqlite":
        source = sqlite3.connect(_sqlite_path(url))
        copy = sqlite3.connect(target)
        try:
            with copy:
                source.backup(copy)  # all pages in one step: one snapshot
        finally:
            copy.close()
            source.close()
    else:
        subprocess.run(
            [_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(target),
             "--dbname", _libpq_url(url)],
            check=True,
        )


def restore_backup(source: Path) -> None:
    """Load a backup into the configured database, which must be empty."""
    if not source.is_file():
        raise click.UsageError(f"no backup at {source}")
    if sa.inspect(db.engine).get_table_names():
        raise click.ClickException(
            "the configured database is not empty: restore into a new one"
        )
    url = db.engine.url
    db.engine.dispose()
    if url.get_backend_name() == "sqlite":
        backup = sqlite3.connect(source)
        target = sqlite3.connect(_sqlite_path(url))
        try:
            with target:
                backup.backup(target)
        finally:
            target.close()
            backup.close()
    else:
        subprocess.run(
            [_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error",
             "--dbname", _libpq_url(url), str(source)],
            check=True,
        )


@backup_cli.command("create")
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
def create_command(target: Path) -> None:
    """Copy the live database to TARGET (safe while the portal serves)."""
    create_backup(target)
    click.echo(f"backed up {current_app.config['SQLALCHEMY_DATABASE_URI'].split(':')[0]} "
               f"database to {target}")


@backup_cli.command("restore")
@click.argument("source", type=click.Path(dir_okay=False, path_type=Path))
def restore_command(source: Path) -> None:
    """Load SOURCE into the configured database, which must be new and empty."""
    restore_backup(source)
    click.echo(f"restored {source}")


def init_app(app: Flask) -> None:
    app.cli.add_command(backup_cli)
