"""Typed model of the schema language (docs/design/schema-language.md): wizards, steps, fields, workflow."""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Iterator
from functools import cached_property
from types import MappingProxyType
from typing import Annotated, Any, ClassVar, Literal, Union

import phonenumbers
import pycountry
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    StrictBool,
    StrictInt,
    StrictStr,
    StringConstraints,
    model_validator,
)
from pydantic_core import PydanticCustomError

from documents.spec import IssuedDocumentSpec
from forms import dates

SLUG_PATTERN = r"^[a-z][a-z0-9_]*$"
FILE_KINDS = ("jpeg", "png", "pdf")
FILTERABLE_TYPES = frozenset({"choice", "multichoice", "country", "yesno", "date", "number"})
SEARCHABLE_TYPES = frozenset({"text", "textarea", "email", "phone", "national_code", "postal_code",
                              "passport_number"})


def describe(value: object) -> str:
    """Show a YAML value in an error message."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "nothing (null)"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return repr(value)
    return str(value)


def _number(value: object) -> int | float:
    """Accept an int or a finite float (not a bool, not a string)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PydanticCustomError("number_type", "expected a number, got {got}", {"got": describe(value)})
    if isinstance(value, float) and not math.isfinite(value):
        raise PydanticCustomError("number_type", "expected a finite number, got {got}", {"got": describe(value)})
    return value


def _date_ref(value: object) -> str:
    """Accept an ISO date, `today` or an offset like -18y."""
    if not dates.is_date_ref(value):
        raise PydanticCustomError(
            "date_ref", "expected a date (YYYY-MM-DD), 'today' or an offset like -18y, +6m, -30d; got {got}",
            {"got": describe(value)})
    return value  # type: ignore[return-value]


def _scalar(value: object) -> str | int | float | bool:
    """Accept a text, number or true/false."""
    if isinstance(value, str | bool | int) or (isinstance(value, float) and math.isfinite(value)):
        return value  # type: ignore[return-value]
    raise PydanticCustomError("scalar_type", "expected a text, a number or true/false, got {got}",
                              {"got": describe(value)})


def _operand(value: object) -> str | int | float:
    """Accept a number or a date reference (for gt/gte/lt/lte)."""
    if isinstance(value, str) and dates.is_date_ref(value):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return value
    raise PydanticCustomError("operand_type", "expected a number or a date (YYYY-MM-DD, today, -18y), got {got}",
                              {"got": describe(value)})


def _country(value: str) -> str:
    """Accept an ISO 3166-1 alpha-2 code."""
    if len(value) == 2 and value.isupper() and pycountry.countries.get(alpha_2=value):
        return value
    hint = f"; did you mean {value.upper()!r}?" if pycountry.countries.get(alpha_2=value.upper()) else ""
    raise PydanticCustomError("country_code", "{got} is not an ISO 3166-1 alpha-2 country code{hint}",
                              {"got": describe(value), "hint": hint})


def _currency(value: str) -> str:
    """Accept an ISO 4217 currency code."""
    if len(value) == 3 and value.isupper() and pycountry.currencies.get(alpha_3=value):
        return value
    raise PydanticCustomError("currency_code", "{got} is not an ISO 4217 currency code", {"got": describe(value)})


def _region(value: str) -> str:
    """Accept a region phonenumbers knows."""
    if value in phonenumbers.SUPPORTED_REGIONS:
        return value
    raise PydanticCustomError("phone_region", "{got} is not a phone region (ISO alpha-2, e.g. 'DE')",
                              {"got": describe(value)})


def _offices(value: object) -> str | list[str]:
    """Accept `all` or a list of office codes."""
    if value == "all":
        return "all"
    code = re.compile(r"[a-z0-9][a-z0-9-]*")
    if isinstance(value, list) and value and all(isinstance(v, str) and code.fullmatch(v) for v in value):
        return value
    raise PydanticCustomError("offices", "expected 'all' or a list of office codes like [de-berlin], got {got}",
                              {"got": describe(value)})


Slug = Annotated[StrictStr, StringConstraints(pattern=SLUG_PATTERN)]
FieldRef = Annotated[StrictStr, StringConstraints(pattern=r"^(profile\.)?[a-z][a-z0-9_]*$")]
NonEmpty = Annotated[StrictStr, StringConstraints(strip_whitespace=True, min_length=1)]
Number = Annotated[int | float, PlainValidator(_number), PlainSerializer(lambda v: v)]
DateRef = Annotated[str, PlainValidator(_date_ref), PlainSerializer(lambda v: v)]
Scalar = Annotated[str | int | float | bool, PlainValidator(_scalar), PlainSerializer(lambda v: v)]
Operand = Annotated[str | int | float, PlainValidator(_operand), PlainSerializer(lambda v: v)]
Country = Annotated[StrictStr, AfterValidator(_country)]
PositiveInt = Annotated[StrictInt, Field(gt=0)]
NonNegativeInt = Annotated[StrictInt, Field(ge=0)]


class Model(BaseModel):
    """Base of every spec node: unknown keys are errors, nodes are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(Model):
    """A human-facing text in both languages."""

    fa: NonEmpty
    en: NonEmpty

    @model_validator(mode="before")
    @classmethod
    def _mapping(cls, value: Any) -> Any:
        """Reject a bare string with the bilingual hint."""
        if not isinstance(value, dict | Text):
            raise PydanticCustomError("bilingual_text", "expected a text in both languages: {{fa: …, en: …}}")
        return value

    def get(self, locale: object = None) -> str:
        """Return the text in ``locale`` ('fa' by default, English for any other language)."""
        language = str(locale or "fa").replace("-", "_").split("_")[0]
        return self.fa if language == "fa" else self.en


OPERATORS = ("equals", "in", "gt", "gte", "lt", "lte")
COMPARISONS = ("gt", "gte", "lt", "lte")


class Condition(Model):
    """A `show_if` condition: a comparison on a field or age, or not/all/any of conditions."""

    field: FieldRef | None = None
    age_of: FieldRef | None = None
    equals: Scalar | None = None
    in_: Annotated[list[Scalar], Field(min_length=1)] | None = Field(None, alias="in")
    gt: Operand | None = None
    gte: Operand | None = None
    lt: Operand | None = None
    lte: Operand | None = None
    not_: Condition | None = Field(None, alias="not")
    all: Annotated[list[Condition], Field(min_length=1)] | None = None
    any: Annotated[list[Condition], Field(min_length=1)] | None = None

    @model_validator(mode="after")
    def _shape(self) -> Condition:
        """Require exactly one subject and, for comparisons, exactly one operator."""
        fields = type(self).model_fields
        given = {(fields[name].alias or name) for name in self.model_fields_set}
        subjects = [key for key in ("field", "age_of", "not", "all", "any") if key in given]
        operators = [key for key in OPERATORS if key in given]
        if len(subjects) != 1:
            raise PydanticCustomError("condition", "a condition needs exactly one of 'field', 'age_of', 'not', "
                                      "'all', 'any'")
        subject = subjects[0]
        if subject in ("not", "all", "any") and operators:
            raise PydanticCustomError("condition", "'{subject}' cannot be combined with '{op}'",
                                      {"subject": subject, "op": operators[0]})
        if subject in ("field", "age_of") and len(operators) != 1:
            raise PydanticCustomError("condition", "a condition on '{subject}' needs exactly one of 'equals', "
                                      "'in', 'gt', 'gte', 'lt', 'lte'", {"subject": subject})
        if subject == "age_of" and ("in" in operators or isinstance(self.operand, bool | str)):
            raise PydanticCustomError("condition", "'age_of' takes 'equals', 'gt', 'gte', 'lt' or 'lte' with a "
                                      "number of years")
        return self

    @property
    def subject(self) -> str:
        """Which of field, age_of, not, all, any this condition is."""
        for key, value in (("field", self.field), ("age_of", self.age_of), ("not", self.not_),
                           ("all", self.all), ("any", self.any)):
            if value is not None:
                return key
        raise AssertionError("validated condition without a subject")

    @property
    def operator(self) -> str | None:
        """The comparison operator, or None for not/all/any."""
        for key in OPERATORS:
            if getattr(self, "in_" if key == "in" else key) is not None:
                return key
        return None

    @property
    def operand(self) -> Any:
        """The value compared against."""
        op = self.operator
        return None if op is None else getattr(self, "in_" if op == "in" else op)

    @property
    def ref(self) -> str | None:
        """The field id (or profile.<id>) this comparison reads."""
        return self.field if self.field is not None else self.age_of

    def children(self) -> list[Condition]:
        """The nested conditions of not/all/any."""
        if self.not_ is not None:
            return [self.not_]
        return list(self.all or self.any or [])

    def as_json(self) -> dict:
        """The condition as plain JSON, as written in YAML."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


class Option(Model):
    """One option of a choice or multichoice field."""

    value: Slug
    label: Text


class FieldBase(Model):
    """Keys every field accepts."""

    id: Slug
    help: Text | None = None
    show_if: Condition | None = None
    staff_only: StrictBool = False

    stores: ClassVar[bool] = True

    @property
    def input_fields(self) -> list[FieldSpec]:
        """Inner fields (groups only)."""
        return []


class InputBase(FieldBase):
    """Keys of every field that takes an answer."""

    label: Text
    required: StrictBool = False
    prefill: Slug | None = None


def _check_range(low: Any, high: Any, low_key: str, high_key: str) -> None:
    """Raise when ``low`` is above ``high``."""
    if low is not None and high is not None and low > high:
        raise PydanticCustomError("range", "'{low}' ({a}) is greater than '{high}' ({b})",
                                  {"low": low_key, "high": high_key, "a": low, "b": high, "at": low_key})


class TextField(InputBase):
    """A one-line text."""

    type: Literal["text"]
    default: StrictStr | None = None
    min_length: NonNegativeInt | None = None
    max_length: PositiveInt = 200
    pattern: StrictStr | None = None
    pattern_message: Text | None = None

    @model_validator(mode="after")
    def _consistent(self) -> TextField:
        """Check the length range and that the pattern compiles."""
        _check_range(self.min_length, self.max_length, "min_length", "max_length")
        if self.pattern is not None:
            try:
                re.compile(self.pattern)
            except re.error as exc:
                raise PydanticCustomError("pattern", "'pattern' is not a valid regular expression: {err}",
                                          {"err": str(exc), "at": "pattern"}) from None
        return self


class TextareaField(InputBase):
    """A multi-line text."""

    type: Literal["textarea"]
    default: StrictStr | None = None
    min_length: NonNegativeInt | None = None
    max_length: PositiveInt = 2000

    @model_validator(mode="after")
    def _consistent(self) -> TextareaField:
        """Check the length range."""
        _check_range(self.min_length, self.max_length, "min_length", "max_length")
        return self


class NumberField(InputBase):
    """A number, whole by default."""

    type: Literal["number"]
    default: Number | None = None
    min: Number | None = None
    max: Number | None = None
    integer: StrictBool = True

    @model_validator(mode="after")
    def _consistent(self) -> NumberField:
        """Check the range and the default."""
        _check_range(self.min, self.max, "min", "max")
        if self.integer and self.default is not None and self.default != int(self.default):
            raise PydanticCustomError("default", "'default' must be a whole number", {"at": "default"})
        return self


class EmailField(InputBase):
    """An email address."""

    type: Literal["email"]
    default: StrictStr | None = None


class PhoneField(InputBase):
    """A phone number, stored as E.164."""

    type: Literal["phone"]
    default: StrictStr | None = None
    region: Annotated[StrictStr, AfterValidator(_region)] | None = None


class DateField(InputBase):
    """A date, typed in the reader's calendar, stored as ISO."""

    type: Literal["date"]
    default: DateRef | None = None
    min: DateRef | None = None
    max: DateRef | None = None

    @model_validator(mode="after")
    def _consistent(self) -> DateField:
        """Check min ≤ max when both are fixed dates or both move with today."""
        if self.min is not None and self.max is not None and \
                dates.is_relative(self.min) == dates.is_relative(self.max):
            reference = dates.parse_iso("2000-01-01")
            _check_range(dates.resolve(self.min, reference), dates.resolve(self.max, reference), "min", "max")
        return self


class ChoiceBase(InputBase):
    """Keys shared by choice and multichoice."""

    options: Annotated[list[Option], Field(min_length=2)]

    @property
    def values(self) -> list[str]:
        """The option values in order."""
        return [option.value for option in self.options]

    def option_label(self, value: str) -> Text | None:
        """The label of option ``value``."""
        return next((o.label for o in self.options if o.value == value), None)


class ChoiceField(ChoiceBase):
    """One option out of several."""

    type: Literal["choice"]
    default: StrictStr | None = None
    widget: Literal["radio", "select"] | None = None

    @property
    def effective_widget(self) -> str:
        """Radio for up to five options unless the schema says otherwise."""
        return self.widget or ("radio" if len(self.options) <= 5 else "select")

    @model_validator(mode="after")
    def _consistent(self) -> ChoiceField:
        """Check the default is an option."""
        if self.default is not None and self.default not in self.values:
            raise PydanticCustomError("default", "'default' {got} is not one of the options",
                                      {"got": describe(self.default), "at": "default"})
        return self


class MultichoiceField(ChoiceBase):
    """Any number of options."""

    type: Literal["multichoice"]
    default: list[StrictStr] | None = None
    min_items: NonNegativeInt | None = None
    max_items: PositiveInt | None = None

    @model_validator(mode="after")
    def _consistent(self) -> MultichoiceField:
        """Check the item range and the default."""
        _check_range(self.min_items, self.max_items, "min_items", "max_items")
        if self.min_items is not None and self.min_items > len(self.options):
            raise PydanticCustomError("range", "'min_items' is greater than the number of options",
                                      {"at": "min_items"})
        for value in self.default or []:
            if value not in self.values:
                raise PydanticCustomError("default", "'default' {got} is not one of the options",
                                          {"got": describe(value), "at": "default"})
        return self


class CountryField(InputBase):
    """A country (ISO alpha-2)."""

    type: Literal["country"]
    default: Country | None = None
    exclude: list[Country] = []


class YesNoField(InputBase):
    """Yes or no."""

    type: Literal["yesno"]
    default: StrictBool | None = None


class NationalCodeField(InputBase):
    """An Iranian national code (کد ملی)."""

    type: Literal["national_code"]
    default: StrictStr | None = None


class PostalCodeField(InputBase):
    """A postal code: Iranian when the linked country is IR or absent."""

    type: Literal["postal_code"]
    default: StrictStr | None = None
    country_field: Slug | None = None


class PassportNumberField(InputBase):
    """A passport number: 6 to 9 letters and digits."""

    type: Literal["passport_number"]
    default: StrictStr | None = None


class FileField(InputBase):
    """Uploaded documents (no default)."""

    type: Literal["file"]
    accept: Annotated[list[Literal["jpeg", "png", "pdf"]], Field(min_length=1)] = list(FILE_KINDS)
    max_size_mb: Annotated[Number, AfterValidator(lambda v: _within(v, 0, 20, "max_size_mb"))] = 5
    max_files: Annotated[StrictInt, Field(ge=1, le=10)] = 1


def _within(value: float, low: float, high: float, key: str) -> float:
    """Check low < value ≤ high."""
    if not low < value <= high:
        raise PydanticCustomError("range", "'{key}' must be more than {low} and at most {high}",
                                  {"key": key, "low": low, "high": high})
    return value


def _not_negative(value: float) -> float:
    """Check value ≥ 0."""
    if value < 0:
        raise PydanticCustomError("range", "expected a number of at least 0, got {got}", {"got": value})
    return value


class NoticeField(FieldBase):
    """A text shown between fields; stores nothing."""

    type: Literal["notice"]
    text: Text
    style: Literal["info", "warning"] = "info"

    stores: ClassVar[bool] = False


InnerFieldSpec = Annotated[
    Union[TextField, TextareaField, NumberField, EmailField, PhoneField, DateField, ChoiceField,  # noqa: UP007
          MultichoiceField, CountryField, YesNoField, NationalCodeField, PostalCodeField,
          PassportNumberField, NoticeField],
    Field(discriminator="type"),
]


class GroupField(InputBase):
    """A repeated set of inner fields (list of objects)."""

    type: Literal["group"]
    fields: Annotated[list[InnerFieldSpec], Field(min_length=1)]
    min_items: NonNegativeInt = 0
    max_items: PositiveInt = 10
    item_label: Text | None = None

    @model_validator(mode="after")
    def _consistent(self) -> GroupField:
        """Check the item range."""
        _check_range(self.min_items, self.max_items, "min_items", "max_items")
        return self

    @property
    def input_fields(self) -> list[FieldSpec]:
        """Inner fields in order."""
        return list(self.fields)


FieldSpec = Annotated[
    Union[TextField, TextareaField, NumberField, EmailField, PhoneField, DateField, ChoiceField,  # noqa: UP007
          MultichoiceField, CountryField, YesNoField, NationalCodeField, PostalCodeField,
          PassportNumberField, FileField, GroupField, NoticeField],
    Field(discriminator="type"),
]

SPEC_TYPES: MappingProxyType[str, type[FieldBase]] = MappingProxyType({
    cls.model_fields["type"].annotation.__args__[0]: cls  # type: ignore[union-attr]
    for cls in (TextField, TextareaField, NumberField, EmailField, PhoneField, DateField, ChoiceField,
                MultichoiceField, CountryField, YesNoField, NationalCodeField, PostalCodeField,
                PassportNumberField, FileField, GroupField, NoticeField)
})
INNER_TYPES = frozenset(SPEC_TYPES) - {"group", "file"}


class Step(Model):
    """One page of a wizard."""

    id: Slug
    title: Text
    intro: Text | None = None
    show_if: Condition | None = None
    fields: Annotated[list[FieldSpec], Field(min_length=1)]

    def field(self, field_id: str) -> FieldSpec:
        """The field ``field_id`` of this step (KeyError when absent)."""
        for field in self.fields:
            if field.id == field_id:
                return field
        raise KeyError(field_id)


class Wizard(Model):
    """Keys shared by the registration and the services."""

    id: Slug
    version: PositiveInt | None = None
    title: Text
    steps: Annotated[list[Step], Field(min_length=1)]

    def step(self, step_id: str) -> Step:
        """The step ``step_id`` (KeyError when absent)."""
        for step in self.steps:
            if step.id == step_id:
                return step
        raise KeyError(step_id)

    def iter_fields(self) -> Iterator[tuple[Step, FieldSpec]]:
        """Every top-level field with its step, in order."""
        for step in self.steps:
            for field in step.fields:
                yield step, field

    @cached_property
    def fields_by_id(self) -> MappingProxyType[str, FieldSpec]:
        """Top-level fields by id (first wins if the checker was bypassed)."""
        found: dict[str, FieldSpec] = {}
        for _step, field in self.iter_fields():
            found.setdefault(field.id, field)
        return MappingProxyType(found)

    def field(self, field_id: str) -> FieldSpec:
        """The top-level field ``field_id`` (KeyError when absent)."""
        return self.fields_by_id[field_id]

    @cached_property
    def version_key(self) -> str:
        """First 12 hex digits of the sha256 of the canonical JSON of this spec."""
        return hashlib.sha256(canonical_json(self.snapshot()).encode()).hexdigest()[:12]

    def snapshot(self) -> dict:
        """This spec as plain JSON data, enough to rebuild it."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


def canonical_json(data: Any) -> str:
    """Serialize with sorted keys and no white space."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


class Category(Model):
    """A service category."""

    id: Slug
    title: Text
    icon: StrictStr | None = None


class Registration(Wizard):
    """The registration wizard; its answers are the applicant's profile."""

    kind: Literal["registration"] = "registration"
    id: Literal["registration"] = "registration"


class Guard(Model):
    """One thing a move requires (workflow/guards.py checks it): exactly one of the keys below."""

    filled: Annotated[list[Slug], Field(min_length=1)] | None = None   # staff-only fields with a value
    viewed: Literal["all"] | Annotated[list[Slug], Field(min_length=1)] | None = None  # documents staff opened
    answers: Condition | None = None                                    # a condition on the answers
    paid: Literal[True] | None = None                                   # fee paid or waived (the fees package)
    message: Text | None = None                                         # what is missing (answers: required)

    @model_validator(mode="after")
    def _one(self) -> Guard:
        """Require exactly one kind, and a message for a condition."""
        kinds = [key for key in GUARD_KINDS if getattr(self, key) is not None]
        if len(kinds) != 1:
            raise PydanticCustomError("guard", "a requirement needs exactly one of 'filled', 'viewed', "
                                      "'answers', 'paid'")
        if kinds[0] == "answers" and self.message is None:
            raise PydanticCustomError("guard", "a requirement on the answers needs a 'message' in both languages "
                                      "saying what is missing")
        return self

    @property
    def kind(self) -> str:
        """The guard's kind: filled, viewed, answers or paid."""
        return next(key for key in GUARD_KINDS if getattr(self, key) is not None)


GUARD_KINDS = ("filled", "viewed", "answers", "paid")


class Timer(Model):
    """A status that moves on its own after a period (``flask workflow tick``)."""

    after_days: PositiveInt
    to: Slug
    remind_days_before: PositiveInt | None = None


class Status(Model):
    """One status of a request's workflow."""

    id: Slug
    label: Text
    notify: StrictBool = False
    withdrawable: StrictBool = False
    amend: StrictBool = False
    appointment: StrictBool = False
    final: StrictBool = False
    public_next: Text | None = None
    roles: Annotated[list[Slug], Field(min_length=1)] | None = None   # who may move a request into it
    requires: Annotated[list[Guard], Field(min_length=1)] | None = None  # what entering it needs
    email: Text | None = None            # Markdown e-mail text on entering it (instead of the default)
    resume: Slug | None = None           # amend statuses: where the amended request goes
    timer: Timer | None = None


class Transition(Model):
    """Allowed moves from one status."""

    from_: Slug = Field(alias="from")
    to: Annotated[list[Slug], Field(min_length=1)]
    roles: Annotated[list[Slug], Field(min_length=1)] | None = None   # who may take these moves
    requires: Annotated[list[Guard], Field(min_length=1)] | None = None


WITHDRAWN = Status(id="withdrawn", label=Text(fa="انصراف متقاضی", en="Withdrawn by the applicant"),
                   notify=False, final=True)


class Workflow(Model):
    """Statuses and transitions of a service's requests (plus the implicit final `withdrawn`)."""

    initial: Slug
    statuses: Annotated[list[Status], Field(min_length=1)]
    transitions: list[Transition] = []
    appointment_status: Slug | None = None   # required when several statuses have appointment: true
    check_in: Slug | None = None             # where check-in moves a request from the appointment status
    no_show: Slug | None = None              # where a missed appointment moves it (default: no_show if allowed)
    booking_from: list[Slug] | None = None   # statuses from which the applicant may book (applicant mode)

    def transitions_between(self, source: str, target: str) -> list[Transition]:
        """The declared transitions from ``source`` that list ``target``."""
        return [t for t in self.transitions if t.from_ == source and target in t.to]

    @cached_property
    def all_statuses(self) -> tuple[Status, ...]:
        """The declared statuses followed by the implicit `withdrawn`."""
        return (*self.statuses, WITHDRAWN)

    def status(self, status_id: str) -> Status:
        """The status ``status_id`` (KeyError when absent)."""
        for status in self.all_statuses:
            if status.id == status_id:
                return status
        raise KeyError(status_id)

    def next_statuses(self, status_id: str) -> list[str]:
        """Statuses staff may move a request to from ``status_id`` (withdrawal excluded)."""
        found: list[str] = []
        for transition in self.transitions:
            if transition.from_ == status_id:
                found.extend(s for s in transition.to if s not in found)
        return found

    def can_withdraw(self, status_id: str) -> bool:
        """Whether the applicant may withdraw while the request is in ``status_id`` (False for an unknown status)."""
        return any(status.id == status_id and status.withdrawable for status in self.all_statuses)


DEFAULT_NEXT: MappingProxyType[str, tuple[str, str]] = MappingProxyType({
    "submitted": ("درخواست شما ثبت شد و در نوبت بررسی دفتر کنسولی است. تا پیش از آغاز بررسی می‌توانید آن را پس بگیرید.",
                  "Your request is waiting for the consular office to check it. You can withdraw it until the check "
                  "begins."),
    "in_review": ("دفتر کنسولی در حال بررسی درخواست و مدارک شماست. اگر اطلاعات بیشتری لازم باشد به شما خبر داده می‌شود.",
                  "The consular office is checking your request and documents. You will be told if anything more is "
                  "needed."),
    "needs_info": ("وارد حساب کاربری خود شوید، اطلاعات یا مدارک خواسته‌شده را کامل کنید و درخواست را دوباره بفرستید.",
                   "Sign in, give the information or documents asked for and send the request again."),
    "approved": ("درخواست شما تأیید شد. گام بعدی، نوبت حضور در دفتر کنسولی است؛ "
                 "برای دیدن آن وارد حساب کاربری خود شوید.",
                 "Your request was approved. The next step is an appointment at the consular office; sign in to see "
                 "it."),
    "appointment": ("در زمان تعیین‌شده با کد رهگیری و اصل مدارک به دفتر کنسولی مراجعه کنید. زمان و نشانی در اطلاعیهٔ "
                    "زمان حضور آمده است.",
                    "Come to the consular office at the time given, with your tracking code and the original "
                    "documents. The time and address are in the appointment notice."),
    "attended": ("حضور شما ثبت شد. دفتر کنسولی کار درخواست را به پایان می‌رساند و نتیجه در همین سامانه اعلام می‌شود.",
                 "Your visit was recorded. The consular office is finishing your request; the result will be posted "
                 "here."),
    "no_show": ("در نوبت تعیین‌شده حضور نیافتید. نوبت تازه‌ای به شما داده می‌شود؛ برای دیدن آن وارد حساب کاربری خود شوید.",
                "You did not come to your appointment. A new appointment will be given; sign in to see it."),
    "completed": ("درخواست شما انجام شد و کار دیگری لازم نیست.",
                  "Your request is complete; nothing more is needed from you."),
    "rejected": ("درخواست شما رد شد. برای دیدن دلیل آن وارد حساب کاربری خود شوید؛ می‌توانید درخواست تازه‌ای ثبت کنید.",
                 "Your request was refused. Sign in to see the reason; you may make a new request."),
})


def _status(sid: str, fa: str, en: str, **flags: bool) -> dict:
    """A status mapping for the default workflow, with its "what happens next" text from DEFAULT_NEXT."""
    next_fa, next_en = DEFAULT_NEXT[sid]
    return {"id": sid, "label": {"fa": fa, "en": en}, "public_next": {"fa": next_fa, "en": next_en}, **flags}


DEFAULT_WORKFLOW: MappingProxyType[str, Any] = MappingProxyType({
    "initial": "submitted",
    "statuses": [
        _status("submitted", "ثبت شده", "Submitted", notify=True, withdrawable=True),
        _status("in_review", "در حال بررسی", "In review"),
        _status("needs_info", "نیاز به اطلاعات بیشتر", "More information needed", notify=True, amend=True),
        _status("approved", "تأیید شده", "Approved", notify=True),
        _status("appointment", "نوبت حضور", "Appointment", notify=True, appointment=True),
        _status("attended", "حضور یافته", "Attended"),
        _status("no_show", "عدم حضور", "Did not attend"),
        _status("completed", "انجام شده", "Completed", notify=True, final=True),
        _status("rejected", "رد شده", "Rejected", notify=True, final=True),
    ],
    "transitions": [
        {"from": "submitted", "to": ["in_review"]},
        {"from": "in_review", "to": ["needs_info", "approved", "rejected"]},
        {"from": "needs_info", "to": ["in_review", "rejected"]},
        {"from": "approved", "to": ["appointment"]},
        {"from": "appointment", "to": ["attended", "no_show"]},
        {"from": "no_show", "to": ["appointment"]},
        {"from": "attended", "to": ["completed"]},
    ],
})


def default_workflow() -> Workflow:
    """The workflow of a service that declares none."""
    return Workflow.model_validate(dict(DEFAULT_WORKFLOW))


class Fee(Model):
    """An informational fee."""

    amount: Annotated[Number, AfterValidator(_not_negative)]
    currency: Annotated[StrictStr, AfterValidator(_currency)]


class Document(Model):
    """One entry of a service's document checklist."""

    id: Slug
    label: Text
    original: StrictBool = False
    field: Slug | None = None


class Appointment(Model):
    """How the appointment (notice of the time to attend) is given."""

    mode: Literal["staff", "applicant"] = "staff"
    window_days: PositiveInt = 30
    instructions: Text | None = None


class Target(Model):
    """A service-level processing target in working days, with per-office overrides."""

    working_days: PositiveInt
    offices: dict[StrictStr, PositiveInt] = {}

    def days_for(self, office_code: str) -> int:
        """The target at ``office_code`` (its override, else the service's)."""
        return self.offices.get(office_code, self.working_days)


class Staff(Model):
    """How requests of a service are shown to staff."""

    columns: list[Slug] = []
    filters: list[Slug] = []
    search: list[Slug] = []


class Service(Wizard):
    """One consular service."""

    kind: Literal["service"] = "service"
    category: Slug
    description: Text | None = None
    enabled: StrictBool = True
    fee: Fee | None = None
    fees: FeeTable | None = None  # fees/spec.py: dated fee schedules (the computed, payable fee)
    processing_days: PositiveInt | None = None
    target: Target | None = None
    offices: Annotated[str | list[str], PlainValidator(_offices), PlainSerializer(lambda v: v)] = "all"
    documents: list[Document] = []
    appointment: Appointment | None = None
    workflow: Workflow = Field(default_factory=default_workflow)
    staff: Staff = Staff()
    issues: list[IssuedDocumentSpec] = []  # documents/ (issued, signed, verifiable documents)

    def offered_at(self, office: str) -> bool:
        """Whether the service is offered at ``office``."""
        return self.offices == "all" or office in self.offices


WizardSpec = Registration | Service
KINDS: MappingProxyType[str, type[Wizard]] = MappingProxyType({"registration": Registration, "service": Service})

Condition.model_rebuild()

from fees.spec import FeeTable  # noqa: E402  (fees/spec.py builds on Text and Condition above)

Service.model_rebuild()
