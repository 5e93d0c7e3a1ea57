"""WTForms validators of the field types; every message goes through Flask-Babel."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import babel
import email_validator
import filetype
import phonenumbers
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import FileStorage
from wtforms.validators import StopValidation, ValidationError

from forms import dates
from forms.text import current_language
from i18n import jalali
from i18n.persian import is_valid_national_code, normalize_digits, to_persian_digits

MIME_TYPES = {"jpeg": "image/jpeg", "png": "image/png", "pdf": "application/pdf"}
_IRANIAN_POSTAL = re.compile(r"[0-9]{10}")
_FOREIGN_POSTAL = re.compile(r"[A-Z0-9][A-Z0-9 -]{1,10}[A-Z0-9]")
_PASSPORT = re.compile(r"[A-Z0-9]{6,9}")


def is_empty(value: Any) -> bool:
    """Whether a value counts as no answer."""
    return value is None or (isinstance(value, str) and not value.strip()) or (
        isinstance(value, list | tuple) and not value)


def is_blank(field: Any) -> bool:
    """Whether the applicant left the field empty (judged on the raw input when there is one)."""
    raw = getattr(field, "raw_data", None)
    if raw:
        return all(not value.strip() if isinstance(value, str) else not value for value in raw)
    return is_empty(field.data)


def context_value(form: Any, field_id: str) -> Any:
    """The value of ``field_id`` seen from ``form``: its own field, the enclosing form's, else earlier answers."""
    fields = getattr(form, "_fields", {})
    if field_id in fields:
        return fields[field_id].data
    parent = getattr(form.meta, "_parent_form", None)
    if parent is not None:
        return context_value(parent, field_id)
    return (getattr(form, "answers", None) or {}).get(field_id)


class Required:
    """Stop with a message when the field is empty."""

    def __init__(self) -> None:
        self.field_flags = {"required": True}

    def __call__(self, form: Any, field: Any) -> None:
        if is_blank(field):
            field.errors[:] = []
            raise StopValidation(_l("This field is required."))


class Optional:
    """Stop quietly (clearing errors) when the field is empty."""

    def __init__(self) -> None:
        self.field_flags = {"optional": True}

    def __call__(self, form: Any, field: Any) -> None:
        if is_blank(field):
            field.errors[:] = []
            raise StopValidation()


class Length:
    """Text length bounds."""

    def __init__(self, low: int | None, high: int | None) -> None:
        self.low, self.high = low, high

    def __call__(self, form: Any, field: Any) -> None:
        size = len(field.data or "")
        if self.low is not None and size < self.low:
            raise ValidationError(_l("Enter at least %(num)s characters.", num=_digits(self.low)))
        if self.high is not None and size > self.high:
            raise ValidationError(_l("Enter at most %(num)s characters.", num=_digits(self.high)))


class Pattern:
    """A full match of a regular expression."""

    def __init__(self, pattern: str, message: Any = None) -> None:
        self.regex = re.compile(pattern)
        self.message = message

    def __call__(self, form: Any, field: Any) -> None:
        if not self.regex.fullmatch(field.data or ""):
            raise ValidationError(self.message or _l("This value is not in the expected format."))


def _other_answer(form: Any, bound: Any) -> tuple[Any, str] | None:
    """(answer, label in the reader's language) of the field a bound `{field: <id>}` names; None when unanswered."""
    context = getattr(form, "context_answers", None)
    if context is None:
        return None
    value = context().get(bound["field"])
    spec = form.spec.fields_by_id.get(bound["field"])
    if value is None or spec is None or bound["field"] in form.hidden_fields():  # a hidden answer counts as absent
        return None
    return value, spec.label.get(current_language())


class NumberRange:
    """Number bounds: numbers, or `{field: <id>}` read from that answer when validating."""

    def __init__(self, low: Any, high: Any) -> None:
        self.low, self.high = low, high

    def __call__(self, form: Any, field: Any) -> None:
        if field.data is None:
            return
        low, low_field = _number_bound(form, self.low)
        high, high_field = _number_bound(form, self.high)
        if low is not None and field.data < low:
            raise ValidationError(_l("Enter a number of at least %(num)s (%(field)s).", num=_digits(low),
                                     field=low_field) if low_field else
                                  _l("Enter a number of at least %(num)s.", num=_digits(low)))
        if high is not None and field.data > high:
            raise ValidationError(_l("Enter a number of at most %(num)s (%(field)s).", num=_digits(high),
                                     field=high_field) if high_field else
                                  _l("Enter a number of at most %(num)s.", num=_digits(high)))


def _number_bound(form: Any, bound: Any) -> tuple[Any, str | None]:
    """A number bound as (number, label of the field it was read from)."""
    if not isinstance(bound, dict):
        return bound, None
    found = _other_answer(form, bound)
    if found is None or isinstance(found[0], bool) or not isinstance(found[0], int | float):
        return None, None
    return found


def _date_bound(form: Any, bound: Any) -> tuple[Any, str | None]:
    """A date bound as (date, label of the field it was read from)."""
    if bound is None:
        return None, None
    if not isinstance(bound, dict):
        return dates.resolve(bound), None
    found = _other_answer(form, bound)
    day = dates.parse_iso(found[0]) if found is not None and isinstance(found[0], str) else None
    return (day, found[1]) if day is not None else (None, None)  # type: ignore[index]


class DateRange:
    """Date bounds given as date references (resolved when validating) or `{field: <id>}` (that answer)."""

    def __init__(self, low: Any, high: Any) -> None:
        self.low, self.high = low, high

    def __call__(self, form: Any, field: Any) -> None:
        if field.data is None:
            return
        language = current_language()
        low, low_field = _date_bound(form, self.low)
        high, high_field = _date_bound(form, self.high)
        if low is not None and field.data < low:
            date = jalali.format_date(low, language)
            raise ValidationError(_l("Enter a date on or after %(date)s (%(field)s).", date=date, field=low_field)
                                  if low_field else _l("Enter a date on or after %(date)s.", date=date))
        if high is not None and field.data > high:
            date = jalali.format_date(high, language)
            raise ValidationError(_l("Enter a date on or before %(date)s (%(field)s).", date=date, field=high_field)
                                  if high_field else _l("Enter a date on or before %(date)s.", date=date))


class InChoices:
    """Every chosen value is one of ``values`` (or of ``values()`` when callable)."""

    def __init__(self, values: Iterable[str] | Any) -> None:
        self.values = values if callable(values) else frozenset(values)

    def __call__(self, form: Any, field: Any) -> None:
        allowed = self.values() if callable(self.values) else self.values
        chosen = field.data if isinstance(field.data, list) else [field.data]
        if any(value not in allowed for value in chosen):
            raise ValidationError(_l("Choose one of the options."))


class ItemCount:
    """How many options are chosen, or how many group items are filled in."""

    def __init__(self, low: int | None, high: int | None, group: bool = False) -> None:
        self.low, self.high, self.group = low, high, group
        if group and low:  # a group's lower bound is not skipped when it is empty: the group is required
            self.field_flags = {"required": True}

    def __call__(self, form: Any, field: Any) -> None:
        count = len(field.filled_entries()) if self.group else len(field.data or [])
        if self.low and count < self.low:
            message = _l("Add at least %(num)s items.", num=_digits(self.low)) if self.group else \
                _l("Choose at least %(num)s options.", num=_digits(self.low))
            raise ValidationError(message)
        if self.high is not None and count > self.high:
            message = _l("Add at most %(num)s items.", num=_digits(self.high)) if self.group else \
                _l("Choose at most %(num)s options.", num=_digits(self.high))
            raise ValidationError(message)


class NationalCode:
    """An Iranian national code with a valid check digit."""

    def __call__(self, form: Any, field: Any) -> None:
        if not is_valid_national_code(field.data):
            raise ValidationError(_l("Enter a valid 10-digit national code."))


class PostalCode:
    """Iranian 10 digits when the linked country is IR (or there is none); 3–12 letters and digits otherwise."""

    def __init__(self, country_field: str | None) -> None:
        self.country_field = country_field

    def __call__(self, form: Any, field: Any) -> None:
        country = context_value(form, self.country_field) if self.country_field else "IR"
        if country in (None, "", "IR"):
            field.data = re.sub(r"[\s-]", "", field.data or "")
            if not _IRANIAN_POSTAL.fullmatch(field.data):
                raise ValidationError(_l("Enter a 10-digit Iranian postal code."))
            return
        field.data = re.sub(r"\s+", " ", (field.data or "").upper())
        if not _FOREIGN_POSTAL.fullmatch(field.data):
            raise ValidationError(_l("Enter a postal code of 3 to 12 letters and digits."))


class PassportNumber:
    """6 to 9 upper-case letters and digits."""

    def __call__(self, form: Any, field: Any) -> None:
        field.data = re.sub(r"[\s-]", "", field.data or "").upper()
        if not _PASSPORT.fullmatch(field.data):
            raise ValidationError(_l("Enter the passport number: 6 to 9 letters and digits."))


class Email:
    """A syntactically valid email address, normalized (no deliverability check)."""

    def __call__(self, form: Any, field: Any) -> None:
        try:
            result = email_validator.validate_email(field.data or "", check_deliverability=False)
        except email_validator.EmailNotValidError:
            raise ValidationError(_l("Enter a valid email address.")) from None
        field.data = result.normalized


class Phone:
    """A valid phone number, turned into E.164.

    A number without + (a national number, as people write it at home) is read in the field's ``region``,
    else in the applicant's country of residence (``residence_country`` among the answers or the profile).
    """

    def __init__(self, region: str | None) -> None:
        self.region = region

    def region_for(self, form: Any) -> str | None:
        """The region a national number is read in."""
        for source in (getattr(form, "answers", None), getattr(form, "profile", None)):
            country = (source or {}).get("residence_country")
            if isinstance(country, str) and len(country) == 2:
                return self.region or country.upper()
        return self.region

    def __call__(self, form: Any, field: Any) -> None:
        region = self.region_for(form)
        text = normalize_digits(field.data or "")
        try:
            number = phonenumbers.parse(text, region)
        except phonenumbers.NumberParseException:
            number = None
        if number is None or not phonenumbers.is_valid_number(number):
            if region and not text.lstrip().startswith(("+", "00")):
                example = phonenumbers.example_number_for_type(region, phonenumbers.PhoneNumberType.MOBILE)
                shown = isolate(phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.NATIONAL)) \
                    if example else ""
                raise ValidationError(_l("Enter a valid phone number: as you dial it in %(country)s (for example "
                                         "%(example)s), or starting with + and the country code.",
                                         country=country_label(region), example=shown))
            raise ValidationError(_l("Enter a valid phone number, starting with + and the country code."))
        field.data = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def country_label(code: str) -> str:
    """The country's name in the reader's language."""
    return babel.Locale.parse(current_language()).territories.get(code) or code


def isolate(text: str) -> str:
    """In Persian, wrap Latin text (a file name, "PDF, JPEG") in Unicode isolates so the sentence keeps its brackets."""
    return f"\u2068{text}\u2069" if current_language() == "fa" else text


def check_upload(storage: FileStorage, accept: Iterable[str], max_bytes: int) -> str | None:
    """The kind ('jpeg', 'png', 'pdf') of an upload when its size and magic bytes are acceptable, else None."""
    stream = storage.stream
    start = stream.tell()
    head = stream.read(8192)
    stream.seek(0, 2)
    size = stream.tell() - start
    stream.seek(start)
    kind = filetype.guess(head)
    mime = kind.mime if kind is not None else None
    found = next((name for name, value in MIME_TYPES.items() if value == mime and name in accept), None)
    return found if found is not None and 0 < size <= max_bytes else None


class FileCheck:
    """Uploads: how many, how large, and of which type (by content, not by name)."""

    def __init__(self, accept: Iterable[str], max_size_mb: float, max_files: int) -> None:
        self.accept = tuple(accept)
        self.max_bytes = int(max_size_mb * 1024 * 1024)
        self.max_size_mb = max_size_mb
        self.max_files = max_files

    def __call__(self, form: Any, field: Any) -> None:
        uploads = [f for f in field.data or [] if isinstance(f, FileStorage) and f]
        if len(uploads) > self.max_files:
            raise ValidationError(_l("Upload at most %(num)s files.", num=_digits(self.max_files)))
        for number, storage in enumerate(uploads, start=1):
            if check_upload(storage, self.accept, self.max_bytes) is not None:
                continue
            name = _shown_name(storage, number)
            if _size(storage) > self.max_bytes:
                raise ValidationError(_l("“%(name)s” is larger than %(max)s MB.", name=isolate(name),
                                         max=_digits(_plain(self.max_size_mb))))
            raise ValidationError(_l("“%(name)s” is not of an accepted type (%(types)s).", name=isolate(name),
                                     types=isolate(", ".join(kind.upper() for kind in self.accept))))


def _shown_name(storage: FileStorage, number: int) -> str:
    """The file's own name for messages (shortened), or "file N" when it came without one."""
    name = (storage.filename or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    if not name:
        return str(_l("file %(num)s", num=_digits(number)))
    return name if len(name) <= 60 else name[:57] + "…"


def _size(storage: FileStorage) -> int:
    """Size in bytes of an upload, leaving the stream where it was."""
    stream = storage.stream
    start = stream.tell()
    stream.seek(0, 2)
    size = stream.tell() - start
    stream.seek(start)
    return size


def _plain(number: float) -> str:
    """A number without a needless '.0'."""
    return str(int(number)) if float(number).is_integer() else str(number)


def _digits(number: float) -> str:
    """A number in the reader's digits."""
    text = _plain(number)
    return to_persian_digits(text) if current_language() == "fa" else text
