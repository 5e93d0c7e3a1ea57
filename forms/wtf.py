"""Custom WTForms fields and widgets: three-part dates, numbers in any digits, uploads, notices, groups."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
import unicodedata
from functools import lru_cache
from typing import Any

import babel
import pycountry
from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from markupsafe import Markup, escape
from werkzeug.datastructures import FileStorage
from wtforms import Field, FieldList, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.utils import unset_value
from wtforms.widgets import FileInput

from forms.html import html_params
from forms.text import current_language
from forms.validators import is_blank
from i18n import jalali
from i18n.persian import normalize_digits, reader_digits, to_persian_digits

CALENDARS = ("jalali", "gregorian")
_NUMBER = re.compile(r"[+-]?[0-9]{1,15}(\.[0-9]{1,15})?")
_PERSIAN_ORDER = {ch: i for i, ch in enumerate("ءآأاإبپتثجچحخدذرزژسشصضطظعغفقکگلمنوؤهیئ")}


def calendar_for(language: str) -> str:
    """Jalali for Persian readers, Gregorian otherwise."""
    return "jalali" if language == "fa" else "gregorian"


def month_names(calendar: str, language: str) -> tuple[str, ...]:
    """The twelve month names of ``calendar`` for readers of ``language``."""
    if calendar == "jalali":
        return jalali.MONTHS_FA
    return _gregorian_months(language)


@lru_cache(maxsize=8)
def _gregorian_months(language: str) -> tuple[str, ...]:
    """Gregorian month names from Babel."""
    months = babel.Locale.parse(language).months["format"]["wide"]
    return tuple(months[m] for m in range(1, 13))


def parts_to_date(parts: tuple[str, str, str], calendar: str) -> dt.date | None:
    """Turn typed (day, month, year) into a Gregorian date; None when all empty, ValueError when wrong."""
    if not any(parts):
        return None
    if not all(parts):
        raise ValueError(_l("Enter the day, month and year."))
    if not all(part.isascii() and part.isdigit() for part in parts):
        raise ValueError(_l("Enter the date with digits."))
    day, month, year = (int(part) for part in parts)
    if not 1000 <= year <= 2999:
        raise ValueError(_l("Enter the year with four digits."))
    if not 1 <= month <= 12:
        raise ValueError(_l("Choose a month."))
    digits = to_persian_digits if current_language() == "fa" else str
    if calendar == "jalali" and 1800 <= year <= 2200:
        raise ValueError(_l("%(year)s looks like a Gregorian year. Choose “Gregorian” in the calendar list and check "
                            "the month, or write the year in the Persian calendar (about %(jalali)s).",
                            year=digits(year), jalali=digits(year - 621)))
    if calendar == "gregorian" and 1250 <= year <= 1500:
        raise ValueError(_l("%(year)s looks like a year of the Persian calendar. Choose “Persian (Solar Hijri)” in "
                            "the calendar list and check the month, or write the Gregorian year (about %(gregorian)s).",
                            year=digits(year), gregorian=digits(year + 621)))
    try:
        if calendar == "jalali":
            return jalali.to_gregorian(year, month, day)
        return dt.date(year, month, day)
    except (jalali.InvalidDate, ValueError):
        language = current_language()
        digits = to_persian_digits if calendar == "jalali" or language == "fa" else str
        raise ValueError(_l("There is no day %(day)s in %(month)s %(year)s.", day=digits(day),
                            month=month_names(calendar, language)[month - 1], year=digits(year))) from None


def as_date(value: Any) -> dt.date | None:
    """A date from a date or an ISO string (None otherwise)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


@lru_cache(maxsize=32)
def _month_options(calendar: str, language: str, month_label: str) -> tuple[tuple[str, str, str], ...]:
    """The month select's options, rendered once per calendar and language: (value, unselected, selected)."""
    placeholder = f'<option value="">{escape(month_label)}</option>'
    options = [("", placeholder, placeholder)]
    for index, label in enumerate(month_names(calendar, language), start=1):
        options.append((str(index), f'<option value="{index}">{escape(label)}</option>',
                        f'<option value="{index}" selected>{escape(label)}</option>'))
    return tuple(options)


EXAMPLE_DATE = dt.date(1990, 3, 17)  # shown as "for example" in the field's calendar


def date_example(calendar: str, language: str) -> str:
    """"For example, …": a date written the way the three inputs expect, in ``calendar``."""
    if calendar == "jalali":
        year, month, day = jalali.to_jalali(EXAMPLE_DATE)
    else:
        year, month, day = EXAMPLE_DATE.year, EXAMPLE_DATE.month, EXAMPLE_DATE.day
    digits = to_persian_digits if language == "fa" else str
    return str(_l("For example: %(day)s %(month)s %(year)s", day=digits(day),
                  month=month_names(calendar, language)[month - 1], year=digits(year)))


class DatePartsWidget:
    """Day input, month select and year input, each with a visible label, in the field's calendar.

    The calendar is the reader's (Jalali in Persian, Gregorian in English) unless the applicant chose the
    other one in the calendar list (a date abroad is often known in Gregorian); with script, choosing it
    relabels the months and the example at once (static/js/wizard.js), without, the next page shows them.
    """

    def __call__(self, field: DatePartsField, **kwargs: Any) -> Markup:
        language = current_language()
        calendar = field.calendar if field.parts is not None and field.calendar in CALENDARS \
            else calendar_for(language)
        day, month, year = field.parts_for(calendar)
        digits = to_persian_digits if language == "fa" else str
        name, ident = field.name, kwargs.pop("id", field.id)
        kwargs.pop("name", None)
        # aria-required/-invalid/-describedby are not allowed on role=group: they go on each control.
        aria = {key.replace("-", "_"): kwargs.pop(key) for key in ("aria-required", "aria-invalid",
                                                                   "aria-describedby") if key in kwargs}
        number = {"type": "text", "inputmode": "numeric", "autocomplete": "off", **aria}
        # Labels are read into variables first: pybabel does not extract from inside f-strings.
        day_label, month_label, year_label = str(_l("Day")), str(_l("Month")), str(_l("Year"))
        calendar_label = str(_l("Calendar"))
        calendars = {"jalali": str(_l("Persian (Solar Hijri)")), "gregorian": str(_l("Gregorian"))}
        examples = {key: date_example(key, language) for key in CALENDARS}
        months = {key: month_names(key, language) for key in CALENDARS}

        def part(control_id: str, label: str, control: str) -> str:
            return (f'<span class="date-part"><label for="{escape(control_id)}">{escape(label)}</label>'
                    f"{control}</span>")

        html = [f'<span {html_params(id=ident, role="group", class_="date-parts", **kwargs)}>']
        html.append(f'<span class="hint date-example" id="{escape(ident)}-example">{escape(examples[calendar])}'
                    "</span>")
        html.append(part(f"{ident}-day", day_label, f"<input {html_params(name=f'{name}-day', id=f'{ident}-day', value=digits(day), size=2, maxlength=2, aria_label=day_label, **number)}>"))  # noqa: E501
        options, chosen = _month_options(calendar, language, month_label), str(month)
        html.append(part(f"{ident}-month", month_label,
                         f"<select {html_params(name=f'{name}-month', id=f'{ident}-month', aria_label=month_label, **aria)}>"  # noqa: E501
                         + "".join(chosen_html if value == chosen else plain for value, plain, chosen_html in options)
                         + "</select>"))
        html.append(part(f"{ident}-year", year_label, f"<input {html_params(name=f'{name}-year', id=f'{ident}-year', value=digits(year), size=4, maxlength=4, aria_label=year_label, **number)}>"))  # noqa: E501
        switch = "".join(f'<option value="{key}"{" selected" if key == calendar else ""}>{escape(text)}</option>'
                         for key, text in calendars.items())
        data = {"data-months": json.dumps(months, ensure_ascii=False), "data-examples":
                json.dumps(examples, ensure_ascii=False)}
        html.append(part(f"{ident}-calendar", calendar_label,
                         f"<select {html_params(name=f'{name}-calendar', id=f'{ident}-calendar', class_='date-calendar', **data)}>{switch}</select>"))  # noqa: E501
        html.append("</span>")
        return Markup("".join(html))  # noqa: S704  # nosec B704 # values escaped by html_params/escape


class DatePartsField(Field):
    """A date typed as day, month and year in the reader's calendar (or one ISO input); data is a date."""

    widget = DatePartsWidget()

    def __init__(self, label: Any = None, validators: Any = None, **kwargs: Any) -> None:
        super().__init__(label, validators, **kwargs)
        self.parts: tuple[str, str, str] | None = None
        self.calendar: str | None = None

    def process(self, formdata: Any, data: Any = unset_value, extra_filters: Any = None) -> None:
        """Read the three inputs (or one ISO input) from formdata, else the given data."""
        self.process_errors = []
        if data is unset_value:
            data = self.default() if callable(self.default) else self.default
        self.object_data = data
        self.data = as_date(data)
        self.parts = None
        if formdata is None:
            return
        keys = [f"{self.name}-{part}" for part in ("day", "month", "year")]
        try:
            if self.name in formdata:
                self.raw_data = formdata.getlist(self.name)
                text = normalize_digits(self.raw_data[0] or "").strip()
                self.data = jalali.parse_date(text, "gregorian") if text else None
            elif any(key in formdata for key in keys):
                self.parts = tuple(normalize_digits(formdata.get(key) or "").strip() for key in keys)  # type: ignore[assignment]
                self.raw_data = list(self.parts)  # type: ignore[arg-type]
                calendar = formdata.get(f"{self.name}-calendar")
                self.calendar = calendar if calendar in CALENDARS else calendar_for(current_language())
                self.data = None
                self.data = parts_to_date(self.parts, self.calendar)  # type: ignore[arg-type]
            else:
                self.raw_data = []
        except jalali.InvalidDate:
            self.data = None
            self.process_errors.append(_l("Enter the date as YYYY-MM-DD."))
        except ValueError as exc:
            self.data = None
            self.process_errors.append(exc.args[0])

    def parts_for(self, calendar: str) -> tuple[str, str, str]:
        """The (day, month, year) to show: what was typed, else the data in ``calendar``."""
        if self.parts is not None and self.calendar == calendar:
            return self.parts
        if self.data is None:
            return ("", "", "")
        if calendar == "jalali":
            year, month, day = jalali.to_jalali(self.data)
        else:
            year, month, day = self.data.year, self.data.month, self.data.day
        return (str(day), str(month), str(year))


class ReaderDigitsMixin:
    """Redisplay the stored (ASCII) value in the reader's digits, as it was typed (i18n.persian.reader_digits)."""

    def _value(self) -> str:
        return reader_digits(super()._value(), current_language())


class ReaderStringField(ReaderDigitsMixin, StringField):
    """A one-line input whose value comes back in the reader's digits."""


class ReaderTextAreaField(ReaderDigitsMixin, TextAreaField):
    """A text area whose value comes back in the reader's digits."""


class NumberInputField(StringField):
    """A number typed with Persian, Arabic-Indic or ASCII digits; data is int (whole) or float."""

    def __init__(self, label: Any = None, validators: Any = None, integer: bool = True, **kwargs: Any) -> None:
        super().__init__(label, validators, **kwargs)
        self.integer = integer

    def process_formdata(self, valuelist: list[str]) -> None:
        """Parse the typed number."""
        if not valuelist:
            return
        self.data = None
        text = normalize_digits(valuelist[0] or "").strip().replace("٫", ".")
        if not text:
            return
        if not _NUMBER.fullmatch(text):
            raise ValueError(_l("Enter a number."))
        value = float(text) if "." in text else int(text)
        if self.integer:
            if not float(value).is_integer():
                raise ValueError(_l("Enter a whole number."))
            value = int(value)
        self.data = value

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else reader_digits(str(self.data), current_language())


class UploadField(MultipleFileField):
    """File uploads; data is a list of new uploads, or the stored document ids when nothing new came."""

    def __init__(self, label: Any = None, validators: Any = None, multiple: bool = True, **kwargs: Any) -> None:
        super().__init__(label, validators, **kwargs)
        self.widget = FileInput(multiple=multiple)

    def uploads(self) -> list[FileStorage]:
        """The files uploaded with this request."""
        return [f for f in self.data or [] if isinstance(f, FileStorage) and f]

    def stored_ids(self) -> list[str]:
        """Document ids the field held before this request."""
        data = self.object_data
        return [v for v in data if isinstance(v, str)] if isinstance(data, list | tuple) else []


class NoticeWidget:
    """A notice box with sanitized markdown."""

    def __call__(self, field: NoticeField, **kwargs: Any) -> Markup:
        kwargs.setdefault("id", field.id)
        classes = f"notice notice-{field.style}"
        body = field.text.__html__() if field.text is not None else ""
        # body is LocalMarkdown.__html__ (nh3-sanitized) or LocalText.__html__ (escaped); attributes by html_params.
        return Markup(f"<div {html_params(class_=classes, role='note', **kwargs)}>{body}</div>")  # noqa: S704  # nosec B704


class NoticeField(Field):
    """Text between fields; takes no input and is always valid."""

    widget = NoticeWidget()

    def __init__(self, label: Any = None, validators: Any = None, text: Any = None, style: str = "info",
                 **kwargs: Any) -> None:
        super().__init__("" if label is None else label, validators, **kwargs)
        self.text, self.style = text, style

    def process(self, formdata: Any, data: Any = unset_value, extra_filters: Any = None) -> None:
        """Ignore any input."""
        self.process_errors, self.raw_data, self.data, self.object_data = [], [], None, None

    def validate(self, form: Any, extra_validators: Any = ()) -> bool:
        """Nothing to validate."""
        self.errors = []
        return True


class GroupField(FieldList):
    """Repeated items (FieldList of FormField); blank items are ignored, hidden inner fields not validated."""

    def __init__(self, unbound_field: Any, label: Any = None, validators: Any = None, min_items: int = 0,
                 max_items: int = 10, item_label: Any = None, **kwargs: Any) -> None:
        super().__init__(unbound_field, label, validators, min_entries=max(min_items, 1),
                         max_entries=max_items + 1, **kwargs)
        self.item_label = item_label  # heading of each item ("Principal 1"); None: the group's label

    def filled_entries(self) -> list[Any]:
        """Entries with at least one answer."""
        return [entry for entry in self.entries if not item_blank(entry.form)]

    def validate(self, form: Any, extra_validators: Any = ()) -> bool:
        """Validate filled items (skipping fields their conditions hide), then the item count."""
        self.errors = []
        hidden_of = getattr(form, "hidden_item_fields", None)
        for entry in self.entries:
            inner = entry.form
            if item_blank(inner):
                for sub in inner:
                    sub.errors = []
                self.errors.append({})
                continue
            hidden = hidden_of(self.short_name, inner) if hidden_of else set()
            for name, sub in inner._fields.items():
                if name in hidden:
                    sub.errors = []
                else:
                    sub.validate(inner)
            self.errors.append(inner.errors)
        if not any(self.errors):
            self.errors = []
        self._run_validation_chain(form, itertools.chain(self.validators, extra_validators))
        return len(self.errors) == 0


def item_blank(form: Any) -> bool:
    """Whether every input of a group item is empty."""
    return all(is_blank(sub) for sub in form if not isinstance(sub, NoticeField))


def _sort_key(name: str, language: str) -> tuple:
    """Alphabetical order for ``language`` (Persian letters in Persian order)."""
    if language == "fa":
        return tuple(_PERSIAN_ORDER.get(ch, 1000 + ord(ch)) for ch in name)
    plain = unicodedata.normalize("NFKD", name)
    return tuple("".join(ch for ch in plain if not unicodedata.combining(ch)).casefold())


@lru_cache(maxsize=8)
def country_names(language: str) -> tuple[tuple[str, str], ...]:
    """(alpha-2, name in ``language``) of every ISO 3166-1 country, sorted by name."""
    territories = babel.Locale.parse(language).territories
    names = [(c.alpha_2, territories.get(c.alpha_2) or c.name) for c in pycountry.countries]
    return tuple(sorted(names, key=lambda item: _sort_key(item[1], language)))


def country_name(code: str, language: str) -> str:
    """The name of country ``code`` in ``language`` (the code itself when unknown)."""
    return babel.Locale.parse(language).territories.get(code) or code


def country_choices(exclude: tuple[str, ...]) -> Any:
    """A choices callable listing countries in the reader's language, minus ``exclude``."""

    def choices() -> list[SelectChoice]:
        listed = [SelectChoice(code, name) for code, name in country_names(current_language()) if code not in exclude]
        return [SelectChoice("", str(_l("Choose a country"))), *listed]

    return choices
