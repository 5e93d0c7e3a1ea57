"""Command-line tools: `flask --app app db upgrade`, `flask --app app demo load`, `flask --app app drafts purge`."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from casework.workflow import sync_open_flags
from cli import demo
from core import migrations
from core.db import database
from forms.errors import SchemaErrors
from wizard.drafts import purge_expired

db_cli = AppGroup("db", help="Create or upgrade the database.")
demo_cli = AppGroup("demo", help="Demonstration data.")
drafts_cli = AppGroup("drafts", help="Unfinished wizards (registration and requests).")


@db_cli.command("upgrade")
def db_upgrade() -> None:
    """Create or upgrade the database tables, then align open/closed flags with the workflows; idempotent."""
    with database.atomic():  # the flags are derived in the upgrade's transaction (step 6 adds them)
        before, after = migrations.upgrade()
        changed = sync_open_flags()
    if before is None:
        click.echo(f"database created at schema version {after}")
    elif before == after:
        click.echo(f"database already at schema version {after}; nothing to do")
    else:
        click.echo(f"database upgraded from schema version {before} to {after}")
    if changed:
        click.echo(f"{changed} request(s) marked open or closed again after a workflow change")


@demo_cli.command("load")
def demo_load() -> None:
    """Load demo offices and the demo admin once; print the admin's sign-in details."""
    try:
        for line in demo.load():
            click.echo(line)
    except SchemaErrors as exc:  # the closed days file: its errors, no traceback
        click.echo(f"{_count(len(exc.errors))} in the closed days file:\n{exc}", err=True)
        raise SystemExit(1) from None


def _count(number: int) -> str:
    """'1 error', '2 errors'."""
    return f"{number} error{'' if number == 1 else 's'}"


@drafts_cli.command("purge")
@click.option("--days", type=click.IntRange(min=1), default=None,
              help="Delete drafts untouched for this many days (default: DRAFT_TTL_DAYS).")
def drafts_purge(days: int | None) -> None:
    """Delete abandoned drafts and the documents uploaded to them; print how many."""
    days = days or current_app.config["DRAFT_TTL_DAYS"]
    drafts, documents = purge_expired(days)
    click.echo(f"removed {drafts} draft(s) untouched for {days} day(s) and {documents} uploaded document(s)")


def init_app(app: Flask) -> None:
    """Register the command groups."""
    app.cli.add_command(db_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(drafts_cli)
