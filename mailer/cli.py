"""`flask --app app mail send|work|list|retry`: drain the outbox, run a sender, inspect, retry."""

from __future__ import annotations

import logging
import signal
import threading

import click
import peewee
from flask import Flask, current_app
from flask.cli import AppGroup

from core.db import database
from mailer.outbox import STATUSES, deliver_all_due, deliver_pending, recent, retry_failed

log = logging.getLogger("mikhak.mail")
TIME = "%Y-%m-%d %H:%M:%S"
mail_cli = AppGroup("mail", help="The e-mail outbox: send, run a sender, list, retry.")


@mail_cli.command("send")
@click.option("--batch", default=100, show_default=True, help="Messages claimed at a time.")
def send(batch: int) -> None:
    """Send every message that is due now, once, and print the counts."""
    sent, failed = deliver_all_due(batch)
    click.echo(f"sent {sent}, failed {failed}")


@mail_cli.command("work")
@click.option("--interval", default=5.0, show_default=True, help="Seconds to wait when nothing is due.")
@click.option("--batch", default=100, show_default=True, help="Messages claimed at a time.")
def work(interval: float, batch: int) -> None:
    """Keep sending until SIGTERM or Ctrl-C; the batch in hand is finished first."""
    stop = threading.Event()

    def request_stop(signum: int, _frame: object) -> None:
        log.info("mail worker: signal %s, stopping after the current batch", signum)
        stop.set()

    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    click.echo(f"mail worker started (backend {current_app.config['MAIL_BACKEND']}, every {interval:g} s)")
    try:
        while not stop.is_set():
            sent = failed = 0
            try:
                sent, failed = deliver_pending(batch)
            except (peewee.OperationalError, peewee.InterfaceError) as exc:
                log.warning("mail worker: database unavailable, waiting: %s", exc)
            finally:
                if not database.is_closed():
                    database.close()
            if sent or failed:
                click.echo(f"sent {sent}, failed {failed}")
            if sent + failed < batch:
                stop.wait(interval)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    click.echo("mail worker stopped")


@mail_cli.command("list")
@click.option("--limit", default=20, show_default=True, help="How many of the newest messages.")
@click.option("--status", type=click.Choice(STATUSES), help="Only messages with this status.")
def list_messages(limit: int, status: str | None) -> None:
    """List the newest messages with their status, attempts and last error."""
    rows = recent(limit, status)
    if not rows:
        click.echo("no messages")
        return
    for row in rows:
        label, when = {"sent": ("sent", row.sent_at), "failed": ("gave up", row.next_attempt_at)}.get(
            row.status, ("next", row.next_attempt_at))
        click.echo(f"{row.id:>6}  {row.status:<7}  attempts {row.attempts:<2}  created {row.created_at:{TIME}}"
                   f"  {label} {when:{TIME}}  {row.to}  {row.subject}")
        if row.last_error and row.status != "sent":
            click.echo(f"        last error: {row.last_error.splitlines()[0]}")


@mail_cli.command("retry")
@click.argument("message_ids", nargs=-1, type=int)
def retry(message_ids: tuple[int, ...]) -> None:
    """Queue failed messages again (all of them, or the ids given), due now."""
    count = retry_failed(message_ids or None)
    click.echo(f"{count} failed message(s) queued again")


def init_app(app: Flask) -> None:
    """Register the `mail` command group."""
    app.cli.add_command(mail_cli)
