"""Field-type registry: type name → WTForms field, validators, input filters, JSON mapping and display."""

from __future__ import annotations

import datetime as dt
import json
from types import MappingProxyType
from typing import Any, ClassVar

import phonenumbers
from flask_babel import force_locale, gettext, ngettext
from flask_babel import lazy_gettext as _l
from wtforms import Form, FormField, RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import CheckboxInput, EmailInput, ListWidget, TelInput

import jalali
from forms import dates
from forms import validators as v
from forms.spec import MultichoiceField, Text
from forms.text import LocalMarkdown, LocalText, LtrText, language_of, lazy
from forms.wtf import (
    DatePartsField,
    GroupField,
    NoticeField,
    NumberInputField,
    UploadField,
    as_date,
    country_choices,
    country_name,
    country_names,
)
from persian import normalize_national_code, normalize_text, to_persian_digits

LTR_TYPES = frozenset({"email", "phone", "national_code", "postal_code", "passport_number", "number"})
FREE_TEXT_TYPES = frozenset({"text", "textarea"})


def _localize_digits(text: str, locale: str) -> str:
    """Persian digits for Persian readers."""
    return to_persian_digits(text) if language_of(locale) == "fa" else text


class FieldType:
    """One field type: how it becomes a WTForms field and how its answers are stored and shown."""

    name: ClassVar[str] = ""
    field_class: ClassVar[type] = StringField
    ordered: ClassVar[bool] = False  # gt/gte/lt/lte can hold (numbers, dates)
    browser_number: ClassVar[bool] = False  # the browser compares its submitted values as numbers

    def unbound(self, spec: Any) -> Any:
        """The unbound WTForms field for ``spec`` (label and help chosen in the reader's language)."""
        kwargs: dict[str, Any] = {
            "label": lazy(getattr(spec, "label", None)),
            "description": lazy(spec.help) or "",
            "validators": self.validators(spec),
            "filters": self.filters(spec),
            "render_kw": self.render_kw(spec),
            **self.kwargs(spec),
        }
        default = self.default(spec)
        if default is not None:
            kwargs["default"] = default
        return self.class_for(spec)(**kwargs)

    def class_for(self, spec: Any) -> type:
        """The WTForms field class."""
        return self.field_class

    def kwargs(self, spec: Any) -> dict[str, Any]:
        """Extra keyword arguments of the WTForms field."""
        return {}

    def validators(self, spec: Any) -> list:
        """A new validator list: required/optional first, then the type's own checks."""
        return [v.Required() if spec.required else v.Optional(), *self.type_validators(spec)]

    def type_validators(self, spec: Any) -> list:
        """The type's own validators, in order."""
        return []

    def filters(self, spec: Any) -> list:
        """Input filters (Persian digits and letters normalized)."""
        return [normalize_text]

    def render_kw(self, spec: Any) -> dict[str, Any]:
        """HTML attributes for the front end: field id, type, show_if; no HTML `required`, which would block
        submitting a form whose required field is hidden or sits in a blank group item (the server checks)."""
        kw: dict[str, Any] = {"data-field": spec.id, "data-type": spec.type, "required": False}
        if spec.show_if is not None:
            kw["data-show-if"] = json.dumps(spec.show_if.as_json(), ensure_ascii=False, separators=(",", ":"))
        if getattr(spec, "required", False):
            kw["aria-required"] = "true"
        if spec.type in LTR_TYPES:
            kw["dir"] = "ltr"
        elif spec.type in FREE_TEXT_TYPES:
            kw["dir"] = "auto"  # a Latin name or an English address aligns left as it is typed on a Persian page
        return kw

    def default(self, spec: Any) -> Any:
        """The initial form data from the schema's `default`."""
        value = getattr(spec, "default", None)
        return None if value is None else self.from_json(spec, value)

    def to_json(self, spec: Any, data: Any) -> Any:
        """The stored answer for form data (None: no answer)."""
        if isinstance(data, str):
            data = data.strip()
        return None if v.is_empty(data) else data

    def from_json(self, spec: Any, value: Any) -> Any:
        """The form data for a stored answer."""
        return value

    def display(self, spec: Any, value: Any, locale: str) -> str:
        """The answer as text for readers of ``locale``."""
        return "" if value is None else str(value)

    def browser_value(self, spec: Any, operand: Any, today: dt.date) -> str | None:
        """A condition operand as the string this field submits when its answer equals it (None: never)."""
        return operand if isinstance(operand, str) else None

    def submitted(self, spec: Any, value: Any) -> str | list[str]:
        """What the browser reads from this field's inputs when they hold the stored answer ``value``."""
        return str(value)


class TextType(FieldType):
    """`text`: one line."""

    name = "text"

    def type_validators(self, spec: Any) -> list:
        """Length, then pattern."""
        chain: list = [v.Length(spec.min_length, spec.max_length)]
        if spec.pattern is not None:
            chain.append(v.Pattern(spec.pattern, lazy(spec.pattern_message)))
        return chain


class TextareaType(FieldType):
    """`textarea`: several lines."""

    name = "textarea"
    field_class = TextAreaField

    def type_validators(self, spec: Any) -> list:
        """Length."""
        return [v.Length(spec.min_length, spec.max_length)]


class NumberType(FieldType):
    """`number`: digits in any script; whole unless `integer: false`."""

    name = "number"
    field_class = NumberInputField
    ordered = True
    browser_number = True

    def browser_value(self, spec: Any, operand: Any, today: dt.date) -> str | None:
        """Numbers as digits; anything else never equals a number."""
        return str(operand) if isinstance(operand, int | float) and not isinstance(operand, bool) else None

    def kwargs(self, spec: Any) -> dict[str, Any]:
        """Whole or decimal."""
        return {"integer": spec.integer}

    def filters(self, spec: Any) -> list:
        """Numbers are parsed, not filtered."""
        return []

    def render_kw(self, spec: Any) -> dict[str, Any]:
        """Numeric keyboard."""
        return {**super().render_kw(spec), "inputmode": "numeric" if spec.integer else "decimal"}

    def type_validators(self, spec: Any) -> list:
        """Range."""
        return [v.NumberRange(spec.min, spec.max)]

    def to_json(self, spec: Any, data: Any) -> Any:
        """int or float."""
        if data is None or isinstance(data, bool):
            return None
        return int(data) if spec.integer else data

    def display(self, spec: Any, value: Any, locale: str) -> str:
        """Persian digits (and decimal sign) in Persian."""
        if value is None:
            return ""
        text = str(int(value)) if float(value).is_integer() else str(value)
        if language_of(locale) == "fa":
            return to_persian_digits(text).replace(".", "٫")
        return text


class EmailType(FieldType):
    """`email`: normalized by email-validator."""

    name = "email"

    def kwargs(self, spec: Any) -> dict[str, Any]:
        """Email input."""
        return {"widget": EmailInput()}

    def type_validators(self, spec: Any) -> list:
        """Syntax."""
        return [v.Email()]


class PhoneType(FieldType):
    """`phone`: stored as E.164."""

    name = "phone"

    def kwargs(self, spec: Any) -> dict[str, Any]:
        """Telephone input."""
        return {"widget": TelInput()}

    def type_validators(self, spec: Any) -> list:
        """Valid number."""
        return [v.Phone(spec.region)]

    def display(self, spec: Any, value: Any, locale: str) -> str:
        """International format."""
        if not value:
            return ""
        try:
            number = phonenumbers.parse(value, None)
        except phonenumbers.NumberParseException:
            return str(value)
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


class DateType(FieldType):
    """`date`: three inputs in the reader's calendar; stored as ISO."""

    name = "date"
    field_class = DatePartsField
    ordered = True

    def browser_value(self, spec: Any, operand: Any, today: dt.date) -> str | None:
        """A date reference resolved on ``today``, as ISO (the browser reads the day/month/year boxes as ISO)."""
        return dates.resolve(operand, today).isoformat() if dates.is_date_ref(operand) else None

    def filters(self, spec: Any) -> list:
        """Dates are parsed, not filtered."""
        return []

    def type_validators(self, spec: Any) -> list:
        """Range (resolved against today when validating)."""
        return [v.DateRange(spec.min, spec.max)]

    def default(self, spec: Any) -> Any:
        """A callable, so `today` and offsets are resolved per form."""
        ref = spec.default
        return None if ref is None else (lambda: dates.resolve(ref))

    def to_json(self, spec: Any, data: Any) -> Any:
        """ISO date."""
        day = as_date(data)
        return None if day is None else day.isoformat()

    def from_json(self, spec: Any, value: Any) -> Any:
        """A date (date references resolved)."""
        if isinstance(value, str) and dates.is_date_ref(value):
            return dates.resolve(value)
        return as_date(value)

    def display(self, spec: Any, value: Any, locale: str) -> str:
        """Jalali with Persian digits in Persian, Gregorian otherwise."""
        return jalali.format_date(as_date(value), language_of(locale))


def _choices(spec: Any) -> list[SelectChoice]:
    """Options as WTForms choices with lazy labels."""
    return [SelectChoice(option.value, LocalText(option.label)) for option in spec.options]


class ChoiceType(FieldType):
    """`choice`: radio buttons (≤ 5 options) or a select."""

    name = "choice"

    def class_for(self, spec: Any) -> type:
        """Radio or select."""
        return RadioField if spec.effective_widget == "radio" else SelectField

    def kwargs(self, spec: Any) -> dict[str, Any]:
        """Options (a blank first option in a select)."""
        choices = _choices(spec)
        if spec.effective_widget == "select":
            choices.insert(0, SelectChoice("", _l("Choose…")))
        return {"choices": choices, "validate_choice": False}

    def filters(self, spec: Any) -> list:
        """Option values are not filtered."""
        return []

    def type_validators(self, spec: Any) -> list:
        """One of the options."""
        return [v.InChoices(spec.values)]

    def display(self, spec: Any, value: Any, locale: str) -> str:
        """The option's label."""
        label = spec.option_label(value) if value is not None else None
        return label.get(locale) if label is not None else ("" if value is None else str(value))


class MultichoiceType(ChoiceType):
    """`multichoice`: check boxes."""

    name = "multichoice"

    def class_for(self, spec: Any) -> type:
        """Check boxes."""
        return SelectMultipleField

    def kwargs(self, spec: Any) -> dict[str, Any]:
        """Options rendered as a list of check boxes."""
        return {"choices": _choices(spec), "validate_choice": False, "widget": ListWidget(prefix_label=False),
                "option_widget": CheckboxInput()}

    def type_validators(self, spec: MultichoiceField) -> list:
        """Options, then how many."""
        return [v.InChoices(spec.values), v.ItemCount(spec.min_items, spec.max_items)]

    def to_json(self, spec: Any, data: Any) -> Any:
        """List of values in option order."""
        chosen = set(data or [])
        values = [value for value in spec.values if value in chosen]
        return values or None

    def from_json(self, spec: Any, value: Any) -> Any:
        """List of values."""
        return list(value or [])

    def submitted(self, spec: Any, value: Any) -> str | list[str]:
        """The ticked values."""
        return [str(item) for item in value or []]

    def display(self, spec: Any, value: Any, locale: str) -> str:
        """Labels joined."""
        separator = "، " if language_of(locale) == "fa" else ", "
        return separator.join(ChoiceType.display(self, spec, item, locale) for item in value or [])


class CountryType(FieldType):
    """`country`: a select of countries named in the reader's language."""

    name = "country"
    field_class = SelectField

    def kwargs(self, spec: Any) -> dict[str, Any]:
        """Choices computed per form, in the reader's language."""
        return {"choices": country_choices(tuple(spec.exclude)), "validate_choice": False}

    def filters(self, spec: Any) -> list:
        """Codes are not filtered."""
        return []

    def type_validators(self, spec: Any) -> list:
        """A listed country."""
        excluded = frozenset(spec.exclude)
        return [v.InChoices({code for code, _name in country_names("en")} - excluded)]

    def display(self, spec: Any, value: Any, locale: str) -> str:
        """The country's name in ``locale``."""
        return "" if not value else country_name(value, language_of(locale))


class YesNoType(FieldType):
    """`yesno`: two radio buttons; stored as a boolean."""

    name = "yesno"
    field_class = RadioField

    def kwargs(self, spec: Any) -> dict[str, Any]:
        """Yes and No."""
        return {"choices": [SelectChoice("yes", _l("Yes")), SelectChoice("no", _l("No"))], "validate_choice": False}

    def filters(self, spec: Any) -> list:
        """Values are not filtered."""
        return []

    def type_validators(self, spec: Any) -> list:
        """yes or no."""
        return [v.InChoices(("yes", "no"))]

    def to_json(self, spec: Any, data: Any) -> Any:
        """True or False."""
        if isinstance(data, bool):
            return data
        return {"yes": True, "no": False}.get(data)

    def from_json(self, spec: Any, value: Any) -> Any:
        """'yes' or 'no'."""
        return None if value is None else ("yes" if value else "no")

    def browser_value(self, spec: Any, operand: Any, today: dt.date) -> str | None:
        """true → 'yes', false → 'no' (the radio buttons' values)."""
        return ("yes" if operand else "no") if isinstance(operand, bool) else None

    def submitted(self, spec: Any, value: Any) -> str | list[str]:
        """'yes' or 'no'."""
        return "yes" if value else "no"

    def display(self, spec: Any, value: Any, locale: str) -> str:
        """Yes or No in ``locale``."""
        if value is None:
            return ""
        with force_locale(language_of(locale)):
            return gettext("Yes") if value else gettext("No")


class NationalCodeType(FieldType):
    """`national_code`: ten digits with a valid check digit."""

    name = "national_code"

    def render_kw(self, spec: Any) -> dict[str, Any]:
        """Numeric keyboard."""
        return {**super().render_kw(spec), "inputmode": "numeric", "maxlength": 14}

    def filters(self, spec: Any) -> list:
        """ASCII digits, no separators."""
        return [lambda value: None if value is None else normalize_national_code(value)]

    def type_validators(self, spec: Any) -> list:
        """Checksum."""
        return [v.NationalCode()]

    def display(self, spec: Any, value: Any, locale: str) -> str:
        """Persian digits in Persian."""
        return _localize_digits(value or "", locale)


class PostalCodeType(NationalCodeType):
    """`postal_code`: Iranian 10 digits, or free-form abroad."""

    name = "postal_code"

    def render_kw(self, spec: Any) -> dict[str, Any]:
        """Which country field decides the format."""
        kw = FieldType.render_kw(self, spec)
        if spec.country_field:
            kw["data-country-field"] = spec.country_field
        return kw

    def filters(self, spec: Any) -> list:
        """Digits and letters normalized."""
        return [normalize_text]

    def type_validators(self, spec: Any) -> list:
        """Format by country."""
        return [v.PostalCode(spec.country_field)]

    def display(self, spec: Any, value: Any, locale: str) -> str:
        """Digits of Iranian codes in Persian."""
        return _localize_digits(value, locale) if value and value.isdigit() else (value or "")


class PassportNumberType(FieldType):
    """`passport_number`: 6–9 letters and digits, upper-case."""

    name = "passport_number"

    def type_validators(self, spec: Any) -> list:
        """Format."""
        return [v.PassportNumber()]


class FileType(FieldType):
    """`file`: uploads checked by size and content; stored as document ids."""

    name = "file"
    field_class = UploadField

    def kwargs(self, spec: Any) -> dict[str, Any]:
        """One or several files."""
        return {"multiple": spec.max_files > 1}

    def filters(self, spec: Any) -> list:
        """Uploads are not filtered."""
        return []

    def render_kw(self, spec: Any) -> dict[str, Any]:
        """Accepted content types and limits for the browser."""
        return {**super().render_kw(spec), "accept": ",".join(v.MIME_TYPES[k] for k in spec.accept),
                "data-max-files": spec.max_files, "data-max-size-mb": spec.max_size_mb}

    def type_validators(self, spec: Any) -> list:
        """Count, size and type."""
        return [v.FileCheck(spec.accept, spec.max_size_mb, spec.max_files)]

    def to_json(self, spec: Any, data: Any) -> Any:
        """Document ids (uploads are stored by the caller first, see converter.form_to_answers)."""
        ids = [item for item in data or [] if isinstance(item, str)]
        return ids or None

    def from_json(self, spec: Any, value: Any) -> Any:
        """Document ids."""
        return list(value or [])

    def display(self, spec: Any, value: Any, locale: str) -> str:
        """How many files."""
        count = len(value or [])
        with force_locale(language_of(locale)):
            return _localize_digits(ngettext("%(num)d file", "%(num)d files", count), locale)


class ItemForm(Form):
    """Base of a group item's form (no CSRF token of its own)."""


class GroupType(FieldType):
    """`group`: repeated items of inner fields; stored as a list of objects (`required`: at least one item)."""

    name = "group"
    field_class = GroupField

    def unbound(self, spec: Any) -> Any:
        """A GroupField of FormField(item form)."""
        inner = item_form_class(spec)
        return GroupField(FormField(inner), label=lazy(spec.label), description=lazy(spec.help) or "",
                          validators=[v.ItemCount(max(spec.min_items, int(spec.required)), spec.max_items,
                                                  group=True)],
                          render_kw=self.render_kw(spec), min_items=spec.min_items, max_items=spec.max_items,
                          item_label=LocalText(spec.item_label) if spec.item_label else None)

    def to_json(self, spec: Any, data: Any) -> Any:
        """Non-empty items with their answers."""
        items = []
        for item in data or []:
            answers = {}
            for inner in spec.fields:
                if inner.stores:
                    value = field_type(inner.type).to_json(inner, (item or {}).get(inner.id))
                    if value is not None:
                        answers[inner.id] = value
            if answers:
                items.append(answers)
        return items or None

    def from_json(self, spec: Any, value: Any) -> Any:
        """Items as form data."""
        return [{inner.id: field_type(inner.type).from_json(inner, item.get(inner.id))
                 for inner in spec.fields if inner.stores and inner.id in item} for item in value or []]

    def display(self, spec: Any, value: Any, locale: str) -> str:
        """One line per item: label: value · label: value."""
        lines = []
        for number, item in enumerate(value or [], start=1):
            parts = [f"{inner.label.get(locale)}: {field_type(inner.type).display(inner, item[inner.id], locale)}"
                     for inner in spec.fields if inner.stores and inner.id in item]
            title = spec.item_label.get(locale) if spec.item_label else ""
            prefix = _localize_digits(f"{title} {number}".strip(), locale)
            lines.append(f"{prefix}. " + " · ".join(parts))
        return "\n".join(lines)


class NoticeType(FieldType):
    """`notice`: markdown text; no input, nothing stored."""

    name = "notice"
    field_class = NoticeField

    def unbound(self, spec: Any) -> Any:
        """A NoticeField."""
        return NoticeField(label="", description=lazy(spec.help) or "", text=LocalMarkdown(spec.text),
                           style=spec.style, render_kw=FieldType.render_kw(self, spec))

    def to_json(self, spec: Any, data: Any) -> Any:
        """Nothing is stored."""
        return None

    def display(self, spec: Any, value: Any, locale: str) -> str:
        """Nothing to show."""
        return ""


FIELD_TYPES: MappingProxyType[str, FieldType] = MappingProxyType({
    cls.name: cls() for cls in (TextType, TextareaType, NumberType, EmailType, PhoneType, DateType, ChoiceType,
                                MultichoiceType, CountryType, YesNoType, NationalCodeType, PostalCodeType,
                                PassportNumberType, FileType, GroupType, NoticeType)
})


def field_type(name: str) -> FieldType:
    """The FieldType called ``name``; KeyError for an unknown type."""
    try:
        return FIELD_TYPES[name]
    except KeyError:
        raise KeyError(f"unknown field type {name!r}") from None


def display_value(spec: Any, value: Any, locale: str) -> str:
    """The answer as shown to readers of ``locale``; left-to-right kinds (phones, codes) stay in order in HTML."""
    shown = field_type(spec.type).display(spec, value, locale)
    return LtrText(shown) if spec.type in LTR_TYPES and shown else shown


def item_form_class(spec: Any) -> type:
    """The form class of one item of group ``spec``."""
    attrs = {inner.id: field_type(inner.type).unbound(inner) for inner in spec.fields}
    return type(f"{spec.id.title().replace('_', '')}ItemForm", (ItemForm,), attrs)


def text_of(text: Text | None, locale: str) -> str:
    """A bilingual text in ``locale`` ('' for None)."""
    return "" if text is None else text.get(locale)
