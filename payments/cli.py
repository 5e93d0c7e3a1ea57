"""`flask --app app payments reconcile|poll`: the day's reconciliation, and online payments whose webhook never came."""

from __future__ import annotations

import datetime as dt

import click
from flask.cli import AppGroup

payments_cli = AppGroup("payments", help="Fees and payments: reconciliation, provider status poll.")


@payments_cli.command("reconcile")
@click.option("--office", "office_code", required=True, help="Office code, e.g. de-berlin.")
@click.option("--date", "day", required=True, type=click.DateTime(formats=["%Y-%m-%d"]), help="YYYY-MM-DD.")
@click.option("--csv", "as_csv", is_flag=True, help="Print the CSV export instead of the table.")
def reconcile_command(office_code: str, day: dt.datetime, as_csv: bool) -> None:
    """Print expected vs received by method and currency, and the unpaid and overpaid requests, of a day."""
    from core.models import Office
    from payments.reconcile import reconcile, to_csv, to_text

    office = Office.get_or_none(Office.code == office_code)
    if office is None:
        raise click.ClickException(f"no office {office_code!r}")
    report = reconcile(office, day.date())
    click.echo(to_csv(report) if as_csv else to_text(report), nl=not as_csv)


@payments_cli.command("poll")
@click.option("--minutes", type=click.IntRange(min=0), default=10, help="Ask about payments pending this long.")
def poll_command(minutes: int) -> None:
    """Ask the provider about online payments still pending (run it every few minutes, e.g. from cron)."""
    from payments.online import poll_pending

    changed = poll_pending(dt.timedelta(minutes=minutes))
    for payment in changed:
        click.echo(f"payment {payment.id} ({payment.request.tracking_code}): {payment.status}")
    click.echo(f"{len(changed)} payment(s) brought up to date")
