"""Appointments: office calendars, booking without double-booking, the notice (page, e-mail, PDF, .ics), check-in.

Public API:
    from appointments.calendar import free_slots, next_free_slot, is_slot
    from appointments.booking import issue_appointment, book_for_applicant, move_appointment, cancel_appointment
    from appointments.changes import cancel_by_applicant, reschedule_by_applicant, answer_reschedule
    from appointments.office import day_schedule, check_in, mark_no_show, complete
    from appointments.notice import notice_context      # for appointments/_notice.html on a request page
    from appointments.admin_views import register_admin_views
"""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from core import config

DEFAULTS = {
    "APPOINTMENT_CHANGE_HOURS": 24,
    "APPOINTMENT_MAX_CHANGES": 2,
    "HOLIDAYS_FILE": str(config.ROOT / "schemas" / "holidays.yaml"),
}

appointments_cli = AppGroup("appointments", help="Appointments: office calendars and closed days.")


@appointments_cli.command("holidays")
@click.argument("path", required=False, type=click.Path(path_type=Path))
def holidays_command(path: Path | None) -> None:
    """Load closed days from a YAML file (default HOLIDAYS_FILE); report errors as file:line:col."""
    from appointments.holidays import import_file
    from forms.errors import SchemaErrors

    try:
        added, updated = import_file(path or current_app.config["HOLIDAYS_FILE"])
    except SchemaErrors as exc:
        click.echo(str(exc), err=True)
        raise SystemExit(1) from exc
    click.echo(f"closed days: {added} added, {updated} updated")


def init_app(app: Flask) -> None:
    """Add the settings (overridable from the environment), the applicant pages, the template helper and the CLI."""
    for key, value in config.from_environment(DEFAULTS).items():
        app.config.setdefault(key, value)
    from appointments import notice, views
    from casework.timeline import register_note_kind

    register_note_kind("appointment", notice.system_note_text)
    app.register_blueprint(views.bp)
    app.jinja_env.globals.update(appointment_notice_for=notice.notice_context)
    app.cli.add_command(appointments_cli)
