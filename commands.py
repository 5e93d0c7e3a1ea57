"""Command-line tools: `flask --app app db upgrade`, `flask --app app demo load`."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

import demo
import migrations

db_cli = AppGroup("db", help="Create or upgrade the database.")
demo_cli = AppGroup("demo", help="Demonstration data.")


@db_cli.command("upgrade")
def db_upgrade() -> None:
    """Create or upgrade the database tables; running it twice changes nothing."""
    before, after = migrations.upgrade()
    if before is None:
        click.echo(f"database created at schema version {after}")
    elif before == after:
        click.echo(f"database already at schema version {after}; nothing to do")
    else:
        click.echo(f"database upgraded from schema version {before} to {after}")


@demo_cli.command("load")
def demo_load() -> None:
    """Load demo offices and the demo admin once; print the admin's sign-in details."""
    for line in demo.load():
        click.echo(line)


def init_app(app: Flask) -> None:
    """Register the command groups."""
    app.cli.add_command(db_cli)
    app.cli.add_command(demo_cli)
