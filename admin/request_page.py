"""The request page: profile summary, answers as submitted, documents, timeline, staff-only fields,
workflow transitions (with public and internal notes, "more information" naming what to amend)
and assignment. Every action is audited; every record is read through the view's office scope.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, request
from flask_admin import expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, SelectMultipleField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length
from wtforms.widgets import CheckboxInput, ListWidget

from admin.base import current_staff, deny, record, scope
from appointments import booking, calendar, notice
from appointments import workflow as office_flow
from casework.indexing import reindex
from casework.timeline import is_system_note, public_text
from casework.workflow import TransitionRefused, transition
from core.db import database
from core.models import Document, RequestEvent, ServiceRequest, Staff, utcnow
from core.ratelimit import now
from forms.converter import display_answers, form_to_answers, staff_form_class
from forms.fields import display_value, field_type
from forms.registry import current_registry
from i18n import bilingual, current_language
from storage import BlobNotFound, StorageError, send_document
from wizard.snapshots import spec_for_version
from workflow import moves
from workflow.targets import due_day

PROFILE_SUMMARY = ("first_name", "last_name", "birth_date", "birth_place", "residence_country", "phone", "email")


def version_spec(row: ServiceRequest) -> Any:
    """The service spec the request was submitted with (its snapshot when the YAML changed since)."""
    return spec_for_version("service", row.service_id, row.version_key)


def workflow_spec(row: ServiceRequest) -> Any:
    """The spec whose workflow moves the request: the current one if it knows the request's status."""
    current = current_registry().services.get(row.service_id)
    if current is not None:
        try:
            current.workflow.status(row.status)
            return current
        except KeyError:
            pass
    return version_spec(row)


def amendable_fields(spec: Any) -> list[tuple[str, list[tuple[str, str, bool]]]]:
    """(step title, [(field id, label, is document)]) of the answers an applicant can be asked to amend."""
    locale = current_language()
    steps = []
    for step in spec.steps:
        items = [(fl.id, fl.label.get(locale), field_type(fl.type).holds_documents) for fl in step.fields
                 if fl.stores and not fl.staff_only and hasattr(fl, "label")]
        if items:
            steps.append((step.title.get(locale), items))
    return steps


def amend_choices(amendable: list) -> list[SelectChoice]:
    """The checkbox choices of "what to amend" (every answer and document the applicant gave)."""
    return [SelectChoice(fid, label) for _title, items in amendable for fid, label, _doc in items]


def _office_step(row: ServiceRequest, flow: Any) -> str | None:
    """'appointment' when the next step is giving one, 'attendance' while one is booked, else None."""
    if flow is None:
        return None
    target = office_flow.appointment_status(flow)
    if target is None:
        return None
    if row.status == target:
        return "attendance"
    return "appointment" if target in flow.workflow.next_statuses(row.status) else None


def _appointment_box(row: ServiceRequest, flow: Any, locale: str) -> dict | None:
    """The request's appointment for staff: when, its status, and whether one can be given now."""
    if flow is None or getattr(flow, "appointment", None) is None:
        return None
    target = office_flow.appointment_status(flow)
    current = booking.active_appointment(row)
    last = current or booking.latest_appointment(row)
    can_give = current is None and target is not None and (
        row.status == target or target in flow.workflow.next_statuses(row.status))
    return {
        "appointment": last, "booked": current is not None, "can_give": can_give, "mode": flow.appointment.mode,
        "when": notice.when(last.starts_at, last.ends_at, row.office, locale) if last else None,
        "day": calendar.to_local(last.starts_at, row.office).date().isoformat() if last else None,
    }


class TransitionForm(FlaskForm):
    """One transition button with its notes (and, for "more information", what to amend)."""

    to_status = HiddenField()
    public_note = TextAreaField(_l("Note to the applicant"), validators=[Length(max=2000)],
                                description=_l("Shown to the applicant on the request page and in the e-mail."))
    internal_note = TextAreaField(_l("Internal note"), validators=[Length(max=2000)],
                                  description=_l("Seen by staff only."))
    amend = SelectMultipleField(_l("What the applicant must amend"), choices=[],
                                widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())


class AssignForm(FlaskForm):
    """Who works on the request."""

    staff = SelectField(_l("Assigned officer"), choices=[])


def _assign_choices(row: ServiceRequest) -> list[tuple[str, str]]:
    staff = (Staff.select().where(Staff.active & ((Staff.office == row.office_id) | (Staff.role == "admin")))
             .order_by(Staff.role.desc(), Staff.name, Staff.email))
    return [SelectChoice("", _("Nobody")), *[SelectChoice(str(s.id), f"{s} ({s.email})") for s in staff]]


def _staff_form(spec: Any, row: ServiceRequest, formdata: Any = None) -> Any:
    """The form of the service's staff-only fields, filled from the request's staff answers."""
    cls = staff_form_class(spec)
    if not cls.field_specs:
        return None
    stored = row.staff_answers or {}
    data = {fl.id: field_type(fl.type).from_json(fl, stored[fl.id]) for fl in cls.field_specs if fl.id in stored}
    answers = {**(row.answers or {}), **stored}
    if formdata is None:
        return cls(formdata=None, data=data, answers=answers, profile=row.applicant.profile, prefix="staff")
    return cls(formdata=formdata, answers=answers, profile=row.applicant.profile, prefix="staff")


class RequestPageMixin:
    """Routes of the request page, mixed into the request list views (which give ``get_one``)."""

    # -- page -------------------------------------------------------------------------------------
    @expose("/details/")
    def details_view(self):
        self._refuse_unless(self.can_view_details, "details")
        row = self.get_one(request.args.get("id", ""))
        record("request.view", row, tracking_code=row.tracking_code)
        return self.render_request(row)

    def render_request(self, row: ServiceRequest, *, transition_forms: dict | None = None, staff_form: Any = None,
                       status: int = 200):
        spec = version_spec(row)
        flow = workflow_spec(row)
        locale = current_language()
        applicant = row.applicant
        profile = applicant.profile or {}
        forms = dict(transition_forms or {})
        amendable = amendable_fields(spec) if spec else []
        transitions = []
        at_office = office_flow.office_statuses(flow) if flow else set()
        staff = current_staff()
        for sid in flow.workflow.next_statuses(row.status) if flow else []:
            if sid in at_office:  # reached through booking and the day at the office, never a plain button
                continue
            if not moves.permitted(staff, row, flow, sid):  # another role's move: no button
                continue
            target = flow.workflow.status(sid)
            form = forms.get(sid) or TransitionForm(formdata=None, to_status=sid, prefix=f"t_{sid}")
            form.amend.choices = amend_choices(amendable)
            form.unmet = moves.unmet(staff, row, spec, flow, sid)
            transitions.append((target, form))
        assign = AssignForm(formdata=None, staff=str(row.assigned_to_id or ""))
        assign.staff.choices = _assign_choices(row)
        from admin.requests import request_url

        context = dict(
            request_url=request_url, row=row, spec=spec, flow=flow, applicant=applicant,
            status=_status(flow, row.status), overdue=bool(row.due_at and row.due_at < now() and row.is_open),
            due_day=due_day(row.due_at, row.office) if row.due_at else None,
            profile_rows=_profile_rows(profile, locale),
            answers=display_answers(spec, row.answers or {}, locale, profile=profile) if spec else [],
            staff_answers=display_answers(spec, {**(row.answers or {}), **(row.staff_answers or {})}, locale,
                                          profile=profile, include_staff=True) if spec else [],
            amend_labels=_field_labels(spec, row.amend_fields or [], locale),
            documents=_documents(row, spec, locale), timeline=_timeline(row, flow),
            transitions=transitions, amendable=amendable,
            staff_form=staff_form or (_staff_form(spec, row) if spec else None),
            assign_form=assign, other_requests=self._other_requests(row),
            appointment=_appointment_box(row, flow, locale), office_step=_office_step(row, flow),
        )
        return self.render(self.details_template, **context), status

    @staticmethod
    def _other_requests(row: ServiceRequest) -> list[ServiceRequest]:
        """The applicant's other requests this staff member may see (newest first)."""
        others = scope(ServiceRequest.select().where((ServiceRequest.applicant == row.applicant_id)
                                                     & (ServiceRequest.id != row.id)), ServiceRequest)
        return list(others.order_by(ServiceRequest.submitted_at.desc()).limit(10))

    def _back(self, row: ServiceRequest, anchor: str = ""):
        return redirect(self.get_url(".details_view", id=row.id) + anchor, 303)

    # -- actions ------------------------------------------------------------------------------------
    @expose("/transition/", methods=("POST",))
    def transition_view(self):
        """Move the request along its workflow, with notes; "more information" names what to amend."""
        row = self.get_one(request.args.get("id", ""))
        sid = request.form.get("to_status", "")
        flow = workflow_spec(row)
        if sid not in flow.workflow.next_statuses(row.status) or sid in office_flow.office_statuses(flow):
            flash(_("This request cannot move from its current status to the one asked for."), "error")
            return self._back(row)
        staff = current_staff()
        if not moves.permitted(staff, row, flow, sid):
            moves.audit_refusal(staff, row, flow, sid)
            deny(403, "workflow_role", to_status=sid)
        form = TransitionForm(prefix=f"t_{sid}")
        spec = version_spec(row)
        form.amend.choices = amend_choices(amendable_fields(spec))
        target = flow.workflow.status(sid)
        if form.validate_on_submit():
            amend = list(form.amend.data or []) if target.amend else []
            if moves.unmet(staff, row, spec, flow, sid):
                form.refused = True  # the page lists what is missing under the button
            elif target.amend and not amend:
                form.amend.errors = [_("Choose at least one answer or document the applicant must amend.")]
            else:
                previous = row.status
                try:
                    with database.atomic():
                        transition(row, flow, sid, actor_type="staff", actor_id=staff.id,
                                   public_note=(form.public_note.data or "").strip(),
                                   internal_note=(form.internal_note.data or "").strip(), amend_fields=amend)
                        record("request.transition", row, tracking_code=row.tracking_code, from_status=previous,
                               to_status=sid, amend_fields=amend)
                except TransitionRefused as exc:
                    flash(str(exc), "error")
                    return self._back(row)
                flash(_("The request is now “%(status)s”.", status=bilingual(target.label)), "success")
                return self._back(row)
        return self.render_request(row, transition_forms={sid: form}, status=400)

    @expose("/staff-fields/", methods=("POST",))
    def staff_fields_view(self):
        """Save the staff-only answers and re-index what the lists filter on."""
        row = self.get_one(request.args.get("id", ""))
        spec = version_spec(row)
        form = _staff_form(spec, row, formdata=request.form) if spec else None
        if form is None:
            abort(404)
        if not form.validate_on_submit():
            return self.render_request(row, staff_form=form, status=400)
        before = dict(row.staff_answers or {})
        after = form_to_answers(form)
        changed = sorted(key for key in set(before) | set(after) if before.get(key) != after.get(key))
        with database.atomic():
            row.staff_answers = after
            row.updated_at = utcnow()
            row.save()
            reindex(row, current_registry().services.get(row.service_id) or spec)
            record("request.staff_fields", row, tracking_code=row.tracking_code, fields=changed)
        flash(_("The staff fields were saved."), "success")
        return self._back(row, "#staff-fields")

    @expose("/assign/", methods=("POST",))
    def assign_view(self):
        """Assign the request to an officer of its office (or an admin), or to nobody."""
        row = self.get_one(request.args.get("id", ""))
        form = AssignForm()
        form.staff.choices = _assign_choices(row)
        if not form.validate_on_submit():
            flash(_("Choose an officer of this request's office."), "error")
            return self._back(row)
        staff_id = int(form.staff.data) if form.staff.data else None
        with database.atomic():
            (ServiceRequest.update(assigned_to=staff_id, updated_at=utcnow())
             .where(ServiceRequest.id == row.id).execute())
            record("request.assign", row, tracking_code=row.tracking_code, assigned_to=staff_id,
                   previous=row.assigned_to_id)
        flash(_("The assignment was saved."), "success")
        return self._back(row)

    @expose("/document/")
    def document_view(self):
        """Show (inline) or download one document of the request; every view is audited."""
        row = self.get_one(request.args.get("id", ""))
        try:
            doc_id = int(request.args.get("doc", ""))
        except ValueError:
            abort(404)
        document = Document.get_or_none((Document.id == doc_id) & (Document.request == row.id))
        if document is None:
            deny(404, "document_not_in_request", object=f"document:{doc_id}")
        download = request.args.get("download") == "1"
        record("document.download" if download else "document.view", document, tracking_code=row.tracking_code,
               field=document.field_id, object_type="document", object_id=document.id, office_id=row.office_id)
        if document.viewed_at is None:
            Document.update(viewed_at=utcnow()).where((Document.id == document.id)
                                                      & Document.viewed_at.is_null()).execute()
        try:
            return send_document(document, as_attachment=download)
        except (BlobNotFound, StorageError):
            abort(404)


def _status(flow: Any, status_id: str) -> dict:
    try:
        status = flow.workflow.status(status_id)
    except (KeyError, AttributeError):
        return {"id": status_id, "label": status_id, "final": False}
    return {"id": status.id, "label": bilingual(status.label), "final": status.final}


def _profile_rows(profile: dict, locale: str) -> list[tuple[str, str]]:
    """A few identifying answers of the registration profile, shown as registration shows them."""
    registration = current_registry().registration
    rows = []
    for key in PROFILE_SUMMARY:
        field = registration.fields_by_id.get(key)
        value = profile.get(key)
        if field is not None and value not in (None, ""):
            rows.append((field.label.get(locale), display_value(field, value, locale)))
    return rows


def _field_labels(spec: Any, ids: list[str], locale: str) -> list[str]:
    fields = spec.fields_by_id if spec else {}
    return [fields[i].label.get(locale) if i in fields else i for i in ids]


def _documents(row: ServiceRequest, spec: Any, locale: str) -> list[dict]:
    fields = spec.fields_by_id if spec else {}
    documents = Document.select().where(Document.request == row.id).order_by(Document.field_id, Document.id)
    return [{"doc": doc, "label": fields[doc.field_id].label.get(locale) if doc.field_id in fields else doc.field_id}
            for doc in documents]


def _timeline(row: ServiceRequest, flow: Any) -> list[dict]:
    events = list(RequestEvent.select().where(RequestEvent.request == row.id).order_by(RequestEvent.created_at,
                                                                                        RequestEvent.id))
    staff_ids = {e.actor_id for e in events if e.actor_type == "staff" and e.actor_id}
    names = {s.id: str(s) for s in Staff.select().where(Staff.id.in_(list(staff_ids) or [0]))}
    entries = []
    for event in events:
        if event.actor_type == "staff":
            actor = names.get(event.actor_id, _("Staff"))
        elif event.actor_type == "applicant":
            actor = _("Applicant")
        else:
            actor = _("System")
        entries.append({"event": event, "actor": actor, "from": _status(flow, event.from_status)["label"]
                        if event.from_status else "", "to": _status(flow, event.to_status)["label"]
                        if event.to_status else "", "note": public_text(event), "system": is_system_note(event)})
    return entries
