"""`flask --app app staff …`: create staff accounts, set passwords, unlock, reset or show TOTP."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from admin import credentials
from auth import sessions
from core import audit
from core.db import database
from core.models import Office, Staff
from workflow.roles import DEFAULT_WORK_ROLES, WORK_ROLES

staff_cli = AppGroup("staff", help="Back-office staff accounts.")


def _staff(email: str) -> Staff:
    staff = credentials.find_staff(email)
    if staff is None:
        raise click.ClickException(f"no staff member with e-mail {email}")
    return staff


def _new_password(prompt: bool) -> tuple[str, bool]:
    """Ask for a password (hidden, twice) or generate one; return it and whether it was generated."""
    if not prompt:
        return credentials.generate_password(), True
    password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    problem = credentials.password_problem(password)
    if problem:
        raise click.ClickException(problem)
    return password, False


@staff_cli.command("create")
@click.option("--email", required=True, help="Sign-in e-mail address.")
@click.option("--office", "office_code", default=None, help="Office code (required for officers).")
@click.option("--role", type=click.Choice(["admin", "officer"]), default="officer", show_default=True)
@click.option("--name", default="", help="Name shown in the back office.")
@click.option("--work-role", "work_roles", multiple=True, type=click.Choice(list(WORK_ROLES)),
              help="A casework role at the office (repeat for several; default: officer).")
@click.option("--prompt-password", is_flag=True, help="Ask for the password instead of generating one.")
def create_command(email: str, office_code: str | None, role: str, name: str, work_roles: tuple[str, ...],
                   prompt_password: bool) -> None:
    """Create a staff account and print its initial password; the authenticator is set up at first sign-in."""
    email = email.strip().lower()
    if "@" not in email or len(email) > 254:
        raise click.ClickException("--email must be an e-mail address")
    office = None
    if office_code:
        office = Office.get_or_none(Office.code == office_code)
        if office is None:
            raise click.ClickException(f"no office with code {office_code}; known: "
                                       + ", ".join(o.code for o in Office.select().order_by(Office.code)))
    elif role == "officer":
        raise click.ClickException("an officer needs --office")
    if credentials.find_staff(email) is not None:
        raise click.ClickException(f"{email} already has a staff account (use `staff password` to reset it)")
    password, generated = _new_password(prompt_password)
    with database.atomic():
        staff = Staff.create(email=email, name=name, role=role, office=office,
                             work_roles=list(work_roles or DEFAULT_WORK_ROLES),
                             password_hash=credentials.hash_password(password))
        audit.record("staff.created", actor="cli", object_type="staff", object_id=staff.id,
                     office_id=staff.office_id, role=role, work_roles=staff.work_roles)
    click.echo(f"created {role} {email}" + (f" at {office.code}" if office else " (every office)"))
    if generated:
        click.echo(f"initial password (shown once): {password}")
    click.echo("at the first sign-in on /admin/sign-in the authenticator app is set up with a QR code")


@staff_cli.command("password")
@click.argument("email")
@click.option("--prompt-password", is_flag=True, help="Ask for the password instead of generating one.")
def password_command(email: str, prompt_password: bool) -> None:
    """Set a new password, unlock the account and end its open sessions."""
    staff = _staff(email)
    password, generated = _new_password(prompt_password)
    with database.atomic():
        Staff.update(password_hash=credentials.hash_password(password), failed_sign_ins=0,
                     locked_until=None).where(Staff.id == staff.id).execute()
        sessions.revoke_all("staff", staff.id)
        audit.record("staff.password_set", actor="cli", object_type="staff", object_id=staff.id,
                     office_id=staff.office_id)
    click.echo(f"password of {staff.email} changed; open sessions ended")
    if generated:
        click.echo(f"new password (shown once): {password}")


@staff_cli.command("unlock")
@click.argument("email")
def unlock_command(email: str) -> None:
    """Lift a lock after too many failed sign-ins."""
    staff = _staff(email)
    credentials.clear_failures(staff)
    audit.record("staff.unlocked", actor="cli", object_type="staff", object_id=staff.id, office_id=staff.office_id)
    click.echo(f"{staff.email} unlocked")


@staff_cli.command("reset-totp")
@click.argument("email")
def reset_totp_command(email: str) -> None:
    """Forget the authenticator app (lost phone): a new one is set up at the next sign-in."""
    staff = _staff(email)
    with database.atomic():
        Staff.update(totp_secret="", totp_confirmed=False).where(Staff.id == staff.id).execute()
        sessions.revoke_all("staff", staff.id)
        audit.record("staff.totp_reset", actor="cli", object_type="staff", object_id=staff.id,
                     office_id=staff.office_id)
    click.echo(f"authenticator of {staff.email} reset; it is set up again at the next sign-in")


@staff_cli.command("totp")
@click.argument("email")
def totp_command(email: str) -> None:
    """Print the current TOTP code of a staff member (development only, for the demo)."""
    if current_app.config.get("MIKHAK_ENV") != "development":
        raise click.ClickException("`staff totp` works only in development (MIKHAK_ENV=development)")
    staff = _staff(email)
    if not staff.totp_secret:
        raise click.ClickException(f"{staff.email} has no authenticator yet: sign in once to set it up")
    click.echo(credentials.current_code(staff))


@staff_cli.command("list")
def list_command() -> None:
    """List staff accounts with role, office and state."""
    for staff in Staff.select().order_by(Staff.email):
        office = staff.office.code if staff.office_id else "-"
        state = "inactive" if not staff.active else "locked" if credentials.is_locked(staff) else "active"
        totp = "totp" if staff.totp_confirmed else "no-totp"
        roles = ",".join(staff.work_roles or ()) or "-"
        click.echo(f"{staff.email}\t{staff.role}\t{office}\t{roles}\t{state}\t{totp}")


@staff_cli.command("roles")
@click.argument("email")
@click.argument("roles", nargs=-1, type=click.Choice(list(WORK_ROLES)))
def roles_command(email: str, roles: tuple[str, ...]) -> None:
    """Set the casework roles of a staff member at their office (none given: print them)."""
    staff = credentials.find_staff(email)
    if staff is None:
        raise click.ClickException(f"no staff account {email}")
    if roles:
        with database.atomic():
            before = list(staff.work_roles or ())
            Staff.update(work_roles=sorted(set(roles))).where(Staff.id == staff.id).execute()
            audit.record("staff.work_roles", actor="cli", object_type="staff", object_id=staff.id,
                         office_id=staff.office_id, before=before, after=sorted(set(roles)))
        staff = Staff.get_by_id(staff.id)
    click.echo(f"{staff.email}: {', '.join(staff.work_roles or ()) or 'no casework role'}")
