"""Typed model of the schema language (docs/design/schema-language.md): wizards, steps, fields, workflow.

The field types' own models live one per module in forms/types/; this module assembles them."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from functools import cached_property
from types import MappingProxyType
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, PlainSerializer, PlainValidator, StrictBool, StrictStr, model_validator
from pydantic_core import PydanticCustomError

from documents.spec import IssuedDocumentSpec
from fees.spec import FeeTable
from forms import types
from forms.specbase import (  # noqa: F401 (re-exported: the spec's public names stay here)
    COMPARISONS,
    FILE_KINDS,
    OPERATORS,
    SLUG_PATTERN,
    ChoiceBase,
    Condition,
    Country,
    DateRef,
    FieldBase,
    FieldRef,
    InputBase,
    Model,
    NonEmpty,
    NonNegativeInt,
    Number,
    Operand,
    Option,
    PositiveInt,
    Scalar,
    Slug,
    Text,
    _check_range,
    _country,
    _currency,
    _date_ref,
    _not_negative,
    _number,
    _offices,
    _operand,
    _region,
    _scalar,
    _within,
    describe,
)
from forms.types.choice import ChoiceField  # noqa: F401
from forms.types.country import CountryField  # noqa: F401
from forms.types.date import DateField  # noqa: F401
from forms.types.email import EmailField  # noqa: F401
from forms.types.file import FileField  # noqa: F401
from forms.types.group import GroupField, InnerFieldSpec  # noqa: F401
from forms.types.multichoice import MultichoiceField  # noqa: F401
from forms.types.national_code import NationalCodeField  # noqa: F401
from forms.types.notice import NoticeField  # noqa: F401
from forms.types.number import NumberField  # noqa: F401
from forms.types.passport_number import PassportNumberField  # noqa: F401
from forms.types.phone import PhoneField  # noqa: F401
from forms.types.postal_code import PostalCodeField  # noqa: F401
from forms.types.text import TextField  # noqa: F401
from forms.types.textarea import TextareaField  # noqa: F401
from forms.types.yesno import YesNoField  # noqa: F401

FieldSpec = types.spec_union()
SPEC_TYPES: MappingProxyType[str, type[FieldBase]] = MappingProxyType(
    {name: kind.spec_model for name, kind in types.FIELD_TYPES.items()})
INNER_TYPES = types.names(lambda kind: kind.in_groups)
FILTERABLE_TYPES = types.names(lambda kind: kind.staff_filter is not None)
SEARCHABLE_TYPES = types.names(lambda kind: kind.searchable)


class Rule(Model):
    """An eligibility rule: the condition a request must meet to go on, and what to tell the applicant if not."""

    require: Condition
    message: Text


Rules = Annotated[list[Rule], Field(min_length=1)]


class Step(Model):
    """One page of a wizard."""

    id: Slug
    title: Text
    intro: Text | None = None
    show_if: Condition | None = None
    eligibility: Rules | None = None  # refused Next while one fails (forms/conditions.failing_rules)
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
    """One entry of a service's document checklist (`when`: listed only for requests where it holds)."""

    id: Slug
    label: Text
    original: StrictBool = False
    field: Slug | None = None
    when: Condition | None = None


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
    open_requests: Literal["one", "several"] = "one"  # several: a new request while one is still open
    offices: Annotated[str | list[str], PlainValidator(_offices), PlainSerializer(lambda v: v)] = "all"
    documents: list[Document] = []
    appointment: Appointment | None = None
    workflow: Workflow = Field(default_factory=default_workflow)
    staff: Staff = Staff()
    issues: list[IssuedDocumentSpec] = []  # documents/ (issued, signed, verifiable documents)
    eligibility: Rules | None = None  # refused Submit while one fails (forms/conditions.failing_rules)

    def offered_at(self, office: str) -> bool:
        """Whether the service is offered at ``office``."""
        return self.offices == "all" or office in self.offices


WizardSpec = Registration | Service
KINDS: MappingProxyType[str, type[Wizard]] = MappingProxyType({"registration": Registration, "service": Service})

Condition.model_rebuild()

Service.model_rebuild()
