"""List filters for requests: the standard ones and those a service's YAML declares (`staff.filters`).

Declared filters read the `RequestAnswerIndex` side table through an indexed subquery on
(service_id, key, value), never the JSON answers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import peewee as pw
from flask import has_request_context
from flask_admin.contrib.peewee.filters import BasePeeweeFilter
from flask_admin.model import filters as base_filters
from flask_babel import lazy_gettext as _l

from admin.base import Localized, current_staff, scope
from casework.indexing import index_values
from core.models import Office, RequestAnswerIndex, ServiceRequest, Staff
from core.ratelimit import now
from forms.types import field_type
from i18n import bilingual, current_language
from i18n.persian import normalize_digits

Options = Callable[[], list[tuple[str, Any]]]


def _in_request(options: Options) -> Options:
    """Options need a signed-in staff member and a language: empty while the app is being built."""
    return lambda: options() if has_request_context() else []


class Equals(BasePeeweeFilter):
    """A column equal to the chosen option."""

    def apply(self, query: pw.ModelSelect, value: Any) -> pw.ModelSelect:
        return query.where(self.column == value)

    def operation(self):
        return _l("equals")


class TrackingCodeFilter(Equals):
    def clean(self, value: str) -> str:
        return normalize_digits(value or "").strip().upper().replace("-", "").replace(" ", "")


class NationalCodeFilter(Equals):
    def clean(self, value: str) -> str:
        return normalize_digits(value or "").strip().replace("-", "").replace(" ", "")


class NameContains(BasePeeweeFilter):
    def apply(self, query: pw.ModelSelect, value: str) -> pw.ModelSelect:
        return query.where(self.column ** f"%{value.strip()}%")

    def operation(self):
        return _l("contains")


class OfficeFilter(base_filters.BaseIntFilter, Equals):
    """The office (officers only ever see their own)."""

    def __init__(self) -> None:
        super().__init__(ServiceRequest.office, _l("Office"), options=_in_request(self._offices))

    @staticmethod
    def _offices() -> list[tuple[str, Any]]:
        offices = scope(Office.select().order_by(Office.code), Office)
        return [(str(o.id), o.name_fa if _lang() == "fa" else o.name_en) for o in offices]


class StatusFilter(Equals):
    """The status, labelled by the services' workflows."""

    def __init__(self, services: Callable[[], list[Any]]) -> None:
        self.services = services
        super().__init__(ServiceRequest.status, _l("Status"), options=_in_request(self._statuses))

    def _statuses(self) -> list[tuple[str, Any]]:
        seen: dict[str, Any] = {}
        for spec in self.services():
            for status in spec.workflow.all_statuses:
                seen.setdefault(status.id, status.label)
        return [(sid, bilingual(label)) for sid, label in seen.items()]


class AssignedFilter(Equals):
    """Assigned to me, to nobody, or to a colleague of the office."""

    def __init__(self) -> None:
        super().__init__(ServiceRequest.assigned_to, _l("Assigned officer"), options=_in_request(self._staff))

    @staticmethod
    def _staff() -> list[tuple[str, Any]]:
        from flask_babel import gettext as _

        choices = [("me", _("Me")), ("none", _("Nobody"))]
        staff = scope(Staff.select().where(Staff.active).order_by(Staff.name, Staff.email), Staff)
        return choices + [(str(s.id), str(s)) for s in staff]

    def validate(self, value: str) -> bool:
        return value in ("me", "none") or (value.isascii() and value.isdigit())

    def apply(self, query: pw.ModelSelect, value: str) -> pw.ModelSelect:
        if value == "none":
            return query.where(ServiceRequest.assigned_to.is_null())
        staff_id = current_staff().id if value == "me" else int(value)
        return query.where(ServiceRequest.assigned_to == staff_id)


class SubmittedBetween(BasePeeweeFilter, base_filters.BaseDateBetweenFilter):
    """Submitted on or between two dates (whole days, UTC)."""

    def __init__(self) -> None:
        super().__init__(ServiceRequest.submitted_at, _l("Submitted"), data_type="daterangepicker")

    def apply(self, query: pw.ModelSelect, value: list[dt.date]) -> pw.ModelSelect:
        start, end = value[0], value[-1]
        return query.where((ServiceRequest.submitted_at >= dt.datetime.combine(start, dt.time()))
                           & (ServiceRequest.submitted_at < dt.datetime.combine(end + dt.timedelta(days=1), dt.time())))


class OverdueFilter(BasePeeweeFilter, base_filters.BaseBooleanFilter):
    """Past the service's processing time (and not closed)."""

    def __init__(self) -> None:
        super().__init__(ServiceRequest.due_at, _l("Overdue"))

    def apply(self, query: pw.ModelSelect, value: str) -> pw.ModelSelect:
        overdue = (ServiceRequest.due_at < now()) & ServiceRequest.still_open()
        return query.where(overdue if value == "1" else ~overdue)

    def operation(self):
        return _l("is")


def _lang() -> str:
    return current_language()


# -- filters declared in a service's YAML --------------------------------------------------------

def answers_matching(service_id: str, key: str, condition: pw.Expression) -> pw.Expression:
    """`EXISTS (an indexed answer of ``key`` of this request matching ``condition``)`.

    A correlated EXISTS lets the database walk the requests in list order and stop at the first page;
    `id IN (all matching answers)` built the whole list first (0.4 s at a million requests).
    """
    rows = (RequestAnswerIndex.select(RequestAnswerIndex.id)
            .where((RequestAnswerIndex.service_id == service_id) & (RequestAnswerIndex.key == key) & condition
                   & (RequestAnswerIndex.request == ServiceRequest.id)))
    return pw.fn.EXISTS(rows)


class AnswerFilter(BasePeeweeFilter):
    """Base of the filters on one declared answer."""

    def __init__(self, service_id: str, field: Any, name: Any, options: Any = None, data_type: Any = None) -> None:
        self.service_id, self.field = service_id, field
        super().__init__(ServiceRequest.id, name, options=options, data_type=data_type)

    def indexed(self, value: Any) -> str:
        found = index_values(value)
        return found[0] if found else ""

    def where(self, condition: pw.Expression) -> pw.Expression:
        return answers_matching(self.service_id, self.field.id, condition)


class AnswerEquals(AnswerFilter):
    def apply(self, query: pw.ModelSelect, value: str) -> pw.ModelSelect:
        return query.where(self.where(RequestAnswerIndex.value == self.indexed(value)))

    def operation(self):
        return _l("equals")


class AnswerDateBetween(AnswerFilter, base_filters.BaseDateBetweenFilter):
    def apply(self, query: pw.ModelSelect, value: list[dt.date]) -> pw.ModelSelect:
        start, end = value[0].isoformat(), value[-1].isoformat()
        return query.where(self.where((RequestAnswerIndex.value >= start) & (RequestAnswerIndex.value <= end)))


class AnswerNumberCompare(AnswerFilter, base_filters.BaseFloatFilter):
    def __init__(self, *args: Any, greater: bool, **kwargs: Any) -> None:
        self.greater = greater
        super().__init__(*args, **kwargs)

    def apply(self, query: pw.ModelSelect, value: float) -> pw.ModelSelect:
        number = RequestAnswerIndex.value.cast("NUMERIC")
        return query.where(self.where(number > value if self.greater else number < value))

    def operation(self):
        return _l("greater than") if self.greater else _l("smaller than")


def _choice_options(field: Any) -> Options:
    return lambda: [(option.value, bilingual(option.label)) for option in field.options]


def _country_options() -> list[tuple[str, Any]]:
    from forms.wtf import country_names

    return list(country_names(_lang()))


def _yes_no() -> list[tuple[str, Any]]:
    from flask_babel import gettext as _

    return [("true", _("Yes")), ("false", _("No"))]


def _options_filters(service_id: str, field: Any, name: Any) -> list[BasePeeweeFilter]:
    return [AnswerEquals(service_id, field, name, options=_choice_options(field))]


def _country_filters(service_id: str, field: Any, name: Any) -> list[BasePeeweeFilter]:
    return [AnswerEquals(service_id, field, name, options=_in_request(_country_options))]


def _yes_no_filters(service_id: str, field: Any, name: Any) -> list[BasePeeweeFilter]:
    return [AnswerEquals(service_id, field, name, options=_in_request(_yes_no))]


def _date_filters(service_id: str, field: Any, name: Any) -> list[BasePeeweeFilter]:
    return [AnswerDateBetween(service_id, field, name, data_type="daterangepicker")]


def _number_filters(service_id: str, field: Any, name: Any) -> list[BasePeeweeFilter]:
    return [AnswerNumberCompare(service_id, field, name, greater=True),
            AnswerNumberCompare(service_id, field, name, greater=False)]


# A field type's `staff_filter` (forms/types/) names one of these.
FILTER_KINDS: dict[str, Callable[[str, Any, Any], list[BasePeeweeFilter]]] = {
    "options": _options_filters, "country": _country_filters, "yesno": _yes_no_filters,
    "date": _date_filters, "number": _number_filters,
}


def answer_filters(service_id: str, field: Any) -> list[BasePeeweeFilter]:
    """The filters of one `staff.filters` field, as its type says; a type without staff filters is an error."""
    kind = field_type(field.type).staff_filter
    if kind is None:
        raise ValueError(f"{field.type} fields cannot be staff filters (field {field.id!r})")
    return FILTER_KINDS[kind](service_id, field, Localized(field.label))
