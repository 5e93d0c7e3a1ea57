"""Applicant accounts for admins: look one up, and change the e-mail address a national code is bound to.

An applicant cannot change the address themselves (the address is their sign-in factor): the office
checks their identity, then an admin changes it here. The change is audited, ends the applicant's
sessions, and both the old and the new address are told, in the same transaction.
"""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from flask import flash, redirect, request
from flask_admin import expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from peewee import fn
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from admin.base import ADMIN_ONLY, StaffModelView, current_staff, deny, record
from auth import sessions
from core.db import database
from core.models import Applicant, utcnow
from i18n.persian import normalize_text
from mailer.compose import queue_email


def _valid_email(form: FlaskForm, field: StringField) -> None:
    """Check the address's syntax (no DNS look-up) and store it normalized."""
    try:
        field.data = validate_email(normalize_text(field.data or "") or "", check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise ValidationError(_("Enter a valid e-mail address, like name@example.com.")) from exc


class EmailChangeForm(FlaskForm):
    """The new address and why it changes (kept in the audit log)."""

    email = StringField(_l("New e-mail address"), validators=[DataRequired(), Length(max=254), _valid_email])
    reason = TextAreaField(_l("Reason and how the applicant's identity was checked"),
                           validators=[DataRequired(), Length(max=500)])


class ApplicantView(StaffModelView):
    """Applicant accounts (admins): search by national code or e-mail; change the bound e-mail address."""

    roles = ADMIN_ONLY
    can_view_details = True
    column_list = ["national_code", "email", "created_at", "activated_at", "last_sign_in_at"]
    column_details_list = ["national_code", "email", "locale", "created_at", "activated_at", "last_sign_in_at"]
    column_searchable_list = ["national_code", "email"]
    column_default_sort = ("created_at", True)
    column_labels = {
        "national_code": _l("National code"), "email": _l("Sign-in e-mail"), "created_at": _l("Created"),
        "activated_at": _l("Registered"), "last_sign_in_at": _l("Last sign-in"), "locale": _l("Language"),
    }
    details_template = "admin/applicants/details.html"

    @expose("/email/", methods=("GET", "POST"))
    def email_view(self):
        """Change the e-mail address an applicant signs in with."""
        applicant = self.get_one(request.args.get("id", ""))
        if applicant is None:
            deny(404, "not_found", object="applicant")
        form = EmailChangeForm()
        if form.validate_on_submit():
            new = form.email.data
            others = Applicant.select().where(Applicant.id != applicant.id)
            taken = others.where(fn.LOWER(Applicant.email) == new.lower()).exists()
            if new.lower() == applicant.email.lower():
                form.email.errors = [_("This is already the applicant's address.")]
            elif taken:
                form.email.errors = [_("Another account already uses this address.")]
            else:
                change_email(applicant, new, form.reason.data.strip())
                flash(_("The e-mail address was changed; the applicant was signed out and both addresses "
                        "were told."), "success")
                return redirect(self.get_url(".details_view", id=applicant.id), 303)
        return self.render("admin/applicants/email.html", applicant=applicant, form=form)


def change_email(applicant: Applicant, new: str, reason: str) -> None:
    """Bind the applicant to ``new``: audited, sessions ended, both addresses e-mailed, in one transaction."""
    old = applicant.email
    with database.atomic():
        Applicant.update(email=new).where(Applicant.id == applicant.id).execute()
        ended = sessions.revoke_all("applicant", applicant.id)
        record("applicant.email_changed", applicant, office_id=None, reason=reason, sessions_ended=ended,
               previous=old, new=new,
               by=current_staff().email, changed_at=utcnow().isoformat())
        for to in (old, new):
            queue_email(to, "email_changed", applicant.locale or "fa", old=old, new=new)
    applicant.email = new
