"""Sign-in forms: national code and email, the six-digit code, and the CSRF-only action forms."""

from __future__ import annotations

import re

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField
from wtforms.validators import ValidationError

from forms.wtf import ReaderStringField
from i18n.persian import is_valid_national_code, normalize_digits, normalize_national_code

_TEN_DIGITS = re.compile(r"[0-9]{10}")
_SIX_DIGITS = re.compile(r"[0-9]{6}")


def _strip(value: str | None) -> str:
    return (value or "").strip()


class SignInForm(FlaskForm):
    """National code and email: the details a one-time password is sent for."""

    national_code = ReaderStringField(  # after an error, shown back in the reader's digits
        _l("National code"), filters=[normalize_national_code],
        description=_l("The 10 digits on your national card, in Persian or English digits."),
        render_kw={"inputmode": "numeric", "autocomplete": "off", "dir": "ltr", "maxlength": 20,
                   "spellcheck": "false"})
    email = StringField(
        _l("Email address"), filters=[_strip],
        description=_l("We will send the one-time password to this address."),
        render_kw={"type": "email", "autocomplete": "email", "dir": "ltr", "maxlength": 254,
                   "spellcheck": "false", "autocapitalize": "none"})
    next = HiddenField()

    def validate_national_code(self, field: StringField) -> None:
        if not field.data:
            raise ValidationError(_l("Enter your national code."))
        if not _TEN_DIGITS.fullmatch(field.data):
            raise ValidationError(_l("A national code has exactly 10 digits."))
        if not is_valid_national_code(field.data):
            raise ValidationError(_l("This national code is not valid. Check the digits on your national card."))

    def validate_email(self, field: StringField) -> None:
        if not field.data:
            raise ValidationError(_l("Enter your email address."))
        try:
            checked = validate_email(field.data, check_deliverability=False)
        except EmailNotValidError as exc:
            raise ValidationError(_l("Enter an email address in the right form, like name@example.com.")) from exc
        if len(checked.normalized) > 254:
            raise ValidationError(_l("This email address is too long."))
        field.data = checked.normalized


class CodeForm(FlaskForm):
    """The six-digit one-time password (Persian and Arabic digits accepted, spaces ignored)."""

    code = StringField(
        _l("One-time password"), filters=[lambda value: re.sub(r"[\s\-]", "", normalize_digits(value or ""))],
        description=_l("The 6-digit code in the email we sent you."),
        render_kw={"class": "code-input", "autocomplete": "one-time-code", "inputmode": "numeric",
                   "dir": "ltr", "maxlength": 12, "spellcheck": "false"})

    def validate_code(self, field: StringField) -> None:
        if not field.data:
            raise ValidationError(_l("Enter the code from the email."))
        if not _SIX_DIGITS.fullmatch(field.data):
            raise ValidationError(_l("The code has exactly 6 digits."))


class ActionForm(FlaskForm):
    """A button that posts only its CSRF token (resend the code, sign out)."""
