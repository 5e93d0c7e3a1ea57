"""Request lists generated from the schemas: one view per service, and the "All requests" queue.

Both list ``ServiceRequest`` rows scoped to the officer's office. The first page never counts the
whole table: the pager is a simple next/previous one and the count shown is capped
(``COUNT_CAP``), so it costs at most that many index entries.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import peewee as pw
from flask import current_app, flash, g, url_for
from flask_babel import LazyString, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from admin import filters as f
from admin.base import ROLES, Localized, StaffModelView, current_staff, office_filter, record, service_endpoint
from admin.request_page import RequestPageMixin, version_spec, workflow_spec
from appointments.workflow import office_statuses
from casework.indexing import index_values
from casework.tracking import format_code, is_valid_code, normalize_code
from casework.workflow import TransitionRefused, transition
from core import audit
from core.models import Office, RequestAnswerIndex, ServiceRequest, Staff, utcnow
from core.ratelimit import now
from forms.fields import display_value
from forms.registry import current_registry
from i18n import bilingual, current_language, format_date, format_datetime
from i18n.persian import normalize_digits
from workflow import moves
from workflow.targets import due_day

COUNT_CAP = 1000
LABELS = {
    "tracking_code": _l("Tracking code"), "national_code": _l("National code"),
    "applicant_name": _l("Applicant"), "office": _l("Office"), "status": _l("Status"),
    "submitted_at": _l("Submitted"), "due_at": _l("Due"), "assigned_to": _l("Assigned officer"),
    "service": _l("Service"), "updated_at": _l("Last change"),
}


def _offices() -> dict[int, Office]:
    """Every office by id, loaded once per request (a small table)."""
    if "mikhak_offices" not in g:
        g.mikhak_offices = {office.id: office for office in Office.select()}
    return g.mikhak_offices


def _staff_names(ids: set[int]) -> dict[int, str]:
    """Names of the given staff members, loaded once per request."""
    cache = g.setdefault("mikhak_staff_names", {})
    missing = [i for i in ids if i not in cache]
    if missing:
        cache.update({s.id: str(s) for s in Staff.select().where(Staff.id.in_(missing))})
    return cache


def office_name(office_id: int | None) -> str:
    office = _offices().get(office_id)
    return "" if office is None else office.name(current_language())


def submitted_text(request: ServiceRequest) -> str:
    """When the request was made, in its office's time; naming the zone when the reader sees several offices."""
    office = _offices().get(request.office_id)
    several = office_filter(ServiceRequest, current_staff()) is None
    return format_datetime(request.submitted_at, office.timezone if office else None, label=several or office is None)


def status_label(request: ServiceRequest) -> str:
    """The request's status in the reader's language (the id if no workflow knows it any more)."""
    spec = current_registry().services.get(request.service_id)
    try:
        return bilingual(spec.workflow.status(request.status).label) if spec else request.status
    except KeyError:
        return request.status


def is_overdue(request: ServiceRequest) -> bool:
    return bool(request.due_at and request.due_at < now() and request.is_open)


def answer_text(request: ServiceRequest, key: str) -> str:
    """One answer (or staff answer) shown as the applicant's form would show it."""
    value = (request.answers or {}).get(key, (request.staff_answers or {}).get(key))
    if value is None:
        return ""
    spec = current_registry().services.get(request.service_id)
    field = spec.fields_by_id.get(key) if spec else None
    return display_value(field, value, current_language()) if field else str(value)


class RequestListView(RequestPageMixin, StaffModelView):
    """Requests of some services, office-scoped; the request page and bulk transitions come with it."""

    roles = ROLES
    details_roles = ROLES
    export_roles = ROLES
    simple_list_pager = True
    column_display_actions = False
    column_sortable_list = ["tracking_code", "status", "submitted_at", "due_at"]
    list_template = "admin/requests/list.html"
    details_template = "admin/requests/request.html"
    column_labels = LABELS

    def __init__(self, service_ids: Callable[[], list[str]], *, queue: bool = False, answer_columns=(),
                 answer_filters=(), answer_search=(), **kwargs: Any) -> None:
        self.service_ids, self.queue = service_ids, queue
        self.answer_search = list(answer_search)
        columns = ["tracking_code", *(["service"] if queue else []), "national_code", "applicant_name"]
        columns += [f"answer_{field.id}" for field in answer_columns]
        columns += ["office", "status", "submitted_at", "due_at", "assigned_to"]
        self.column_list = columns
        self.column_export_list = columns
        self.column_labels = {**LABELS, **{f"answer_{fl.id}": Localized(fl.label) for fl in answer_columns}}
        self.column_default_sort = ("submitted_at", not queue)
        self.column_filters = [
            f.TrackingCodeFilter(ServiceRequest.tracking_code, LABELS["tracking_code"]),
            f.NationalCodeFilter(ServiceRequest.national_code, LABELS["national_code"]),
            f.NameContains(ServiceRequest.applicant_name, LABELS["applicant_name"]),
            f.OfficeFilter(), f.StatusFilter(self.services), f.SubmittedBetween(),
            f.AssignedFilter(), f.OverdueFilter(),
            *answer_filters,
        ]
        self.column_formatters = {name: self._formatter(name, html=True) for name in columns}
        self.column_formatters_export = {name: self._formatter(name, html=False) for name in columns}
        super().__init__(ServiceRequest, **kwargs)

    def services(self) -> list[Any]:
        registry = current_registry()
        return [registry.services[sid] for sid in self.service_ids() if sid in registry.services]

    # -- query -------------------------------------------------------------------------------------
    def base_query(self) -> pw.ModelSelect:
        query = ServiceRequest.select()
        if not self.queue:
            return query.where(ServiceRequest.service_id.in_(self.service_ids()))
        if g.get("mikhak_open_only"):
            query = query.where(ServiceRequest.still_open())
        return query

    def get_list(self, page, sort_column, sort_desc, search, filters, execute=True, page_size=None):
        status_filtered = any(isinstance(self._filters[i], f.StatusFilter) for i, _n, _v in filters or [])
        g.mikhak_open_only = self.queue and not status_filtered
        try:
            count, rows = super().get_list(page, sort_column, sort_desc, search, filters, execute, page_size)
        finally:
            g.mikhak_open_only = False
        if execute:
            _staff_names({row.assigned_to_id for row in rows if row.assigned_to_id})
        return count, rows

    def init_search(self) -> bool:
        return True

    def search_placeholder(self) -> str:
        return _("Tracking code, national code, name or an answer")

    def apply_search(self, query: pw.ModelSelect, search: str) -> pw.ModelSelect:
        """Every word must match: the tracking or national code exactly, the name, or an indexed answer prefix.

        A whole search that is a valid tracking code (typed in groups, "2r5m fjc7 pkn7") finds that request.
        """
        if is_valid_code(search):
            return query.where(ServiceRequest.tracking_code == normalize_code(search))
        service_ids = self.service_ids()
        keys = sorted({key for spec in self.services() for key in spec.staff.search}) if self.queue \
            else self.answer_search
        for word in normalize_digits(search).split()[:6]:
            clause = ((ServiceRequest.tracking_code == normalize_code(word))
                      | (ServiceRequest.national_code == word)
                      | (ServiceRequest.applicant_name ** f"%{word}%"))
            folded = (index_values(word) or [""])[0]
            if keys and folded:
                answers = (RequestAnswerIndex.select(RequestAnswerIndex.request)
                           .where(RequestAnswerIndex.service_id.in_(service_ids) & RequestAnswerIndex.key.in_(keys)
                                  & (RequestAnswerIndex.value >= folded)
                                  & (RequestAnswerIndex.value < folded + "\uffff")))
                clause |= ServiceRequest.id.in_(answers)
            query = query.where(clause)
        return query

    def count_rows(self, query: pw.ModelSelect) -> None:
        """Count at most COUNT_CAP + 1 rows (shown as "1000+"); the pager does not need the total."""
        g.mikhak_count = query.select(ServiceRequest.id).order_by().limit(COUNT_CAP + 1).count()
        return None

    def render(self, template: str, **kwargs: Any) -> str:
        count = g.get("mikhak_count")
        if count is not None:
            kwargs["capped_count"] = f"{COUNT_CAP}+" if count > COUNT_CAP else str(count)
        kwargs.setdefault("is_overdue", is_overdue)
        return super().render(template, **kwargs)

    # -- columns ---------------------------------------------------------------------------------
    def _formatter(self, name: str, html: bool) -> Callable[..., Any]:
        def plain(row: ServiceRequest) -> str:
            if name.startswith("answer_"):
                return answer_text(row, name[len("answer_"):])
            if name == "service":
                spec = current_registry().services.get(row.service_id)
                return bilingual(spec.title) if spec else row.service_id
            if name == "office":
                return office_name(row.office_id)
            if name == "status":
                return status_label(row)
            if name == "assigned_to":
                return _staff_names({row.assigned_to_id}).get(row.assigned_to_id, "") if row.assigned_to_id else ""
            if name == "submitted_at":
                return submitted_text(row) if html else row.submitted_at.isoformat(sep=" ")
            if name == "due_at":
                if not row.due_at:
                    return ""
                day = due_day(row.due_at, _offices().get(row.office_id))  # in the office's zone
                return format_date(day) if html else day.isoformat()
            return getattr(row, name) or ""

        def formatter(view: Any, context: Any, row: ServiceRequest, column: str) -> Any:
            text = plain(row)
            if not html:
                return text
            if name == "tracking_code":
                url = request_url(row, fallback=self)
                return Markup('<a href="{}" dir="ltr" class="tracking-code">{}</a>').format(
                    url, format_code(text) if is_valid_code(text) else text)
            if name == "due_at" and text and is_overdue(row):
                escalated = Markup(' <span class="badge badge-warning">{}</span>').format(_("Escalated")) \
                    if row.escalated_at else ""
                return Markup('<span class="overdue">{} <span class="badge badge-danger">{}</span>{}</span>').format(
                    text, _("Overdue"), escalated)
            if name == "national_code":
                return Markup('<span dir="ltr">{}</span>').format(text)
            return escape(text)

        return formatter

    def get_export_name(self, export_type: str = "csv") -> str:
        return f"{self.endpoint}-{utcnow():%Y%m%d-%H%M}.{export_type}"

    # -- bulk actions ------------------------------------------------------------------------------
    def init_actions(self) -> None:
        super().init_actions()
        from flask import has_app_context

        if not has_app_context():
            return
        targets: dict[str, Any] = {}
        for spec in self.services():
            at_office = office_statuses(spec)
            for transition_spec in spec.workflow.transitions:
                for sid in transition_spec.to:
                    if not spec.workflow.status(sid).amend and sid not in at_office:
                        targets.setdefault(sid, spec.workflow.status(sid).label)
        for sid, label in targets.items():
            name = f"to_{sid}"
            text = LazyString(lambda label=label: _("Move to: %(status)s", status=bilingual(label)))
            confirm = LazyString(lambda label=label: _("Move the selected requests to “%(status)s”?",
                                                       status=bilingual(label)))
            self._actions.append((name, text))
            self._actions_data[name] = (lambda ids, sid=sid: self.bulk_transition(ids, sid), text, confirm)
        self._actions.append(("assign_me", _l("Assign to me")))
        self._actions_data["assign_me"] = (self.bulk_assign_to_me, _l("Assign to me"), None)

    def bulk_transition(self, ids: list[str], to_status: str) -> None:
        """Move every selected request that may move; say how many could not."""
        staff = current_staff()
        moved = refused = 0
        for row in self.scoped_records(ids):
            spec = workflow_spec(row)
            if to_status in office_statuses(spec):
                refused += 1
                continue
            if to_status in spec.workflow.next_statuses(row.status) and not moves.permitted(staff, row, spec,
                                                                                             to_status):
                moves.audit_refusal(staff, row, spec, to_status, bulk=True)
                refused += 1
                continue
            if to_status in spec.workflow.next_statuses(row.status) and moves.unmet(staff, row, version_spec(row),
                                                                                     spec, to_status):
                refused += 1
                continue
            try:
                previous = row.status
                transition(row, spec, to_status, actor_type="staff", actor_id=staff.id)
            except (TransitionRefused, KeyError):
                refused += 1
                continue
            moved += 1
            record("request.transition", row, tracking_code=row.tracking_code, from_status=previous,
                   to_status=to_status, bulk=True)
        if moved:
            flash(ngettext("%(num)d request was moved.", "%(num)d requests were moved.", moved), "success")
        if refused:
            flash(ngettext("%(num)d request could not move to that status from its current one.",
                           "%(num)d requests could not move to that status from their current one.", refused),
                  "warning")

    def bulk_assign_to_me(self, ids: list[str]) -> None:
        staff = current_staff()
        rows = [row for row in self.scoped_records(ids) if staff.is_admin or row.office_id == staff.office_id]
        for row in rows:
            (ServiceRequest.update(assigned_to=staff.id, updated_at=utcnow())
             .where(ServiceRequest.id == row.id).execute())
            record("request.assign", row, tracking_code=row.tracking_code, assigned_to=staff.id, bulk=True)
        flash(ngettext("%(num)d request was assigned to you.", "%(num)d requests were assigned to you.",
                       len(rows)), "success")


def request_url(row: ServiceRequest, fallback: Any = None) -> str:
    """The request page of ``row`` in its service's view (or ``fallback``'s when the service is gone)."""
    endpoint = f"{service_endpoint(row.service_id)}.details_view"
    if endpoint in current_app.view_functions or fallback is None:
        return url_for(endpoint, id=row.id)
    return fallback.get_url(".details_view", id=row.id)


def service_view_kwargs(spec: Any) -> dict[str, Any]:
    """The columns, filters and search fields a service's YAML declares, for its view."""
    fields = spec.fields_by_id
    return {
        "answer_columns": [fields[key] for key in spec.staff.columns if key in fields],
        "answer_filters": [flt for key in spec.staff.filters if key in fields
                           for flt in f.answer_filters(spec.id, fields[key])],
        "answer_search": [key for key in spec.staff.search if key in fields],
    }


__all__ = ["COUNT_CAP", "RequestListView", "audit", "request_url", "service_view_kwargs"]
