"""Offices, staff accounts and the audit log (append-only: no create, edit or delete, ever)."""

from __future__ import annotations

import json
import re
from typing import Any
from zoneinfo import available_timezones

import pycountry
from flask import flash
from flask_admin.actions import action
from flask_admin.contrib.peewee.filters import DateTimeBetweenFilter, FilterEqual, FilterLike
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from wtforms import PasswordField, SelectField, SelectMultipleField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from admin import credentials
from admin.base import ADMIN_ONLY, ROLES, StaffModelView, current_staff, record
from auth import sessions
from core.models import AuditLog, Staff
from i18n.persian import normalize_digits
from workflow.roles import WORK_ROLES, describe


class JSONTextField(TextAreaField):
    """A JSON value edited as text (lists of countries, opening hours)."""

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return json.dumps(self.data, ensure_ascii=False) if self.data is not None else ""

    def process_formdata(self, valuelist: list[str]) -> None:
        if valuelist:
            text = valuelist[0].strip()
            try:
                self.data = json.loads(text) if text else None
            except ValueError as exc:
                self.data = None
                raise ValueError(_("This is not valid JSON.")) from exc


def _country(form: Any, field: Any) -> None:
    if pycountry.countries.get(alpha_2=(field.data or "").upper()) is None:
        raise ValidationError(_("Enter a two-letter ISO country code, like DE."))
    field.data = field.data.upper()


def _countries(form: Any, field: Any) -> None:
    data = field.data if field.data is not None else []
    if not isinstance(data, list) or any(pycountry.countries.get(alpha_2=str(c).upper()) is None for c in data):
        raise ValidationError(_('Enter a JSON list of two-letter country codes, like ["DE", "AT"].'))
    field.data = [str(c).upper() for c in data]


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_HOURS_LINE = re.compile(r"^\s*(mon|tue|wed|thu|fri|sat|sun)\s*:\s*(.*)$", re.IGNORECASE)
_PERIOD = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)\s*-\s*([01]\d|2[0-3]|24):([0-5]\d)$")


class OpeningHoursField(TextAreaField):
    """Opening hours typed one weekday a line, ``mon: 09:00-13:00, 14:00-16:00``; stored as a dict of periods."""

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        hours = self.data or {}
        lines = (f"{day}: " + ", ".join(f"{a}-{b}" for a, b in hours[day]) for day in WEEKDAYS if hours.get(day))
        return "\n".join(lines)

    def process_formdata(self, valuelist: list[str]) -> None:
        if valuelist:
            self.data = parse_opening_hours(normalize_digits(valuelist[0]))


def parse_opening_hours(text: str) -> dict[str, list[list[str]]]:
    """Parse the one-line-per-weekday text; raise ValueError naming the line that is wrong."""
    hours: dict[str, list[list[str]]] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = _HOURS_LINE.match(line)
        if not match:
            raise ValueError(_("Line %(num)s: start with a weekday (mon, tue, wed, thu, fri, sat, sun) and a colon.",
                               num=number))
        day, periods = match.group(1).lower(), []
        for part in filter(None, (p.strip() for p in match.group(2).split(","))):
            times = _PERIOD.match(part)
            start, end = (f"{times.group(1)}:{times.group(2)}", f"{times.group(3)}:{times.group(4)}") if times \
                else ("", "")
            if not times or start >= end or end > "24:00":
                raise ValueError(_("Line %(num)s: write each period as 09:00-13:00 (opening before closing).",
                                   num=number))
            periods.append([start, end])
        hours[day] = sorted(hours.get(day, []) + periods)
    return {day: periods for day, periods in hours.items() if periods}


def _timezone(form: Any, field: Any) -> None:
    if field.data not in available_timezones():
        raise ValidationError(_("Enter a time zone name, like Europe/Berlin."))


class OfficeView(StaffModelView):
    """Consular offices: admins manage them; officers see their own."""

    roles = ROLES
    create_roles = edit_roles = delete_roles = export_roles = ADMIN_ONLY
    column_list = ["code", "name_fa", "name_en", "country", "city_en", "timezone", "active"]
    column_searchable_list = ["code", "name_fa", "name_en", "city_fa", "city_en"]
    column_filters = ["country", "active"]
    column_default_sort = "code"
    form_columns = ["code", "name_fa", "name_en", "country", "city_fa", "city_en", "address_fa", "address_en",
                    "email", "phone", "timezone", "serves_countries", "slot_minutes", "slot_capacity",
                    "opening_hours", "active"]
    form_overrides = {"serves_countries": JSONTextField, "opening_hours": OpeningHoursField}
    form_args = {
        "country": {"validators": [_country]},
        "timezone": {"validators": [_timezone]},
        "serves_countries": {"validators": [_countries]},
        "opening_hours": {"description": _l("One weekday a line, e.g. “mon: 09:00-13:00, 14:00-16:00”. "
                                            "Days not listed are closed. Times are the office's local time.")},
        "email": {"validators": [Optional(), Email()]},
    }
    column_labels = {
        "code": _l("Code"), "name_fa": _l("Name (Persian)"), "name_en": _l("Name (English)"),
        "country": _l("Country"), "city_fa": _l("City (Persian)"), "city_en": _l("City (English)"),
        "address_fa": _l("Address (Persian)"), "address_en": _l("Address (English)"), "email": _l("Email address"),
        "phone": _l("Phone"), "timezone": _l("Time zone"), "serves_countries": _l("Countries served"),
        "slot_minutes": _l("Appointment length (minutes)"), "slot_capacity": _l("People per appointment slot"),
        "opening_hours": _l("Opening hours"), "active": _l("Active"),
    }


ROLE_LABELS = {"officer": _l("Officer (own office)"), "admin": _l("Administrator (every office)")}
ROLE_CHOICES = [SelectChoice(value, label) for value, label in ROLE_LABELS.items()]


class StaffAccountView(StaffModelView):
    """Staff accounts (admins only): roles, offices, unlocking, authenticator resets."""

    roles = create_roles = edit_roles = delete_roles = export_roles = ADMIN_ONLY
    column_list = ["email", "name", "role", "work_roles", "office", "active", "totp_confirmed", "locked_until",
                   "created_at"]
    column_searchable_list = ["email", "name"]
    column_filters = ["role", "active"]
    column_default_sort = "email"
    form_columns = ["email", "name", "role", "office", "work_roles", "active"]
    form_overrides = {"role": SelectField, "work_roles": SelectMultipleField}
    form_args = {
        "role": {"choices": ROLE_CHOICES}, "email": {"validators": [Email(), Length(max=254)]},
        "work_roles": {"choices": [SelectChoice(key, label) for key, label in WORK_ROLES.items()],
                       "widget": ListWidget(prefix_label=False), "option_widget": CheckboxInput(),
                       "description": _l("The workflow steps this person may take at their office (an "
                                         "administrator's at every office): only a consul signs and approves "
                                         "where a service's workflow says so.")},
    }
    form_extra_fields = {
        "new_password": PasswordField(
            _l("New password"), validators=[Optional(), Length(min=credentials.MIN_PASSWORD_LENGTH, max=256)],
            description=_l("Required for a new account; leave empty to keep the current password. At least 12 "
                           "characters. The authenticator app is set up at the first sign-in."),
            render_kw={"autocomplete": "new-password"}),
    }
    column_labels = {
        "email": _l("Email address"), "name": _l("Name"), "role": _l("Role"), "office": _l("Office"),
        "work_roles": _l("Casework roles"),
        "active": _l("Active"), "totp_confirmed": _l("Authenticator set up"), "locked_until": _l("Locked until"),
        "created_at": _l("Created"), "new_password": _l("New password"),
    }
    column_formatters = {"role": lambda v, c, m, n: ROLE_LABELS.get(m.role, m.role),
                         "work_roles": lambda v, c, m, n: describe(m.work_roles or ())}

    def on_model_change(self, form: Any, model: Staff, is_created: bool) -> None:
        model.email = (model.email or "").strip().lower()
        if model.role == "officer" and model.office_id is None:
            raise ValidationError(_("An officer needs an office."))
        password = form.new_password.data
        if is_created and not password:
            raise ValidationError(_("A new account needs a password of at least 12 characters."))
        if password:
            model.password_hash = credentials.hash_password(password)

    def after_model_change(self, form: Any, model: Staff, is_created: bool) -> None:
        sensitive = {"role", "office", "active", "email", "new_password"}
        changed = {name for name, field in form._fields.items()
                   if name != "csrf_token" and field.data not in (None, "") and field.data != field.object_data}
        if not is_created and changed & sensitive:
            ended = sessions.revoke_all("staff", model.id)
            if ended and model.id == current_staff().id:
                flash(_("Your own account changed: sign in again."), "info")
        record("admin.create" if is_created else "admin.update", model, fields=sorted(changed),
               view=type(self).__name__, password_changed=bool(form.new_password.data))

    def handle_view_exception(self, exc: Exception) -> bool:
        if isinstance(exc, ValidationError):
            flash(str(exc), "error")
            return True
        return super().handle_view_exception(exc)

    @action("unlock", _l("Unlock"))
    def action_unlock(self, ids: list[str]) -> None:
        rows = self.scoped_records(ids)
        for staff in rows:
            credentials.clear_failures(staff)
            record("staff.unlocked", staff)
        flash(ngettext("%(num)d account was unlocked.", "%(num)d accounts were unlocked.", len(rows)), "success")

    @action("reset_totp", _l("Reset authenticator"),
            _l("The selected staff will set up their authenticator app again at their next sign-in. Continue?"))
    def action_reset_totp(self, ids: list[str]) -> None:
        rows = self.scoped_records(ids)
        for staff in rows:
            Staff.update(totp_secret="", totp_confirmed=False).where(Staff.id == staff.id).execute()
            sessions.revoke_all("staff", staff.id)
            record("staff.totp_reset", staff)
        flash(ngettext("%(num)d authenticator was reset.", "%(num)d authenticators were reset.", len(rows)), "success")


class AuditLogView(StaffModelView):
    """The audit log: read-only, filterable, newest first; nobody can change or delete a row."""

    roles = export_roles = ADMIN_ONLY
    create_roles = edit_roles = delete_roles = ()
    simple_list_pager = True
    column_list = ["at", "actor_type", "actor_label", "action", "object_type", "object_id", "office_id", "ip",
                   "request_id"]
    column_details_list = [*column_list, "actor_id", "details"]
    column_export_list = column_details_list
    column_default_sort = ("at", True)
    column_sortable_list = ["at"]
    column_filters = [
        FilterEqual(AuditLog.action, _l("Action")), FilterLike(AuditLog.action, _l("Action")),
        FilterEqual(AuditLog.actor_type, _l("Actor type"),
                    options=[("staff", "staff"), ("applicant", "applicant"), ("anonymous", "anonymous"),
                             ("system", "system")]),
        FilterLike(AuditLog.actor_label, _l("Actor")),
        FilterEqual(AuditLog.object_type, _l("Object type")), FilterEqual(AuditLog.object_id, _l("Object id")),
        FilterEqual(AuditLog.office_id, _l("Office id")), FilterEqual(AuditLog.ip, _l("IP address")),
        DateTimeBetweenFilter(AuditLog.at, _l("Time (UTC)")),
    ]
    column_labels = {
        "at": _l("Time (UTC)"), "actor_type": _l("Actor type"), "actor_label": _l("Actor"), "actor_id": _l("Actor id"),
        "action": _l("Action"), "object_type": _l("Object type"), "object_id": _l("Object id"),
        "office_id": _l("Office id"), "ip": _l("IP address"), "request_id": _l("Request id"), "details": _l("Details"),
    }
    column_formatters = {"details": lambda v, c, m, n: json.dumps(m.details, ensure_ascii=False, sort_keys=True)}
    column_formatters_export = column_formatters

    def get_export_name(self, export_type: str = "csv") -> str:
        from core.models import utcnow

        return f"audit-{utcnow():%Y%m%d-%H%M}.{export_type}"
