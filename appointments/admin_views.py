"""Back-office pages for appointments, on the back office's base classes (admin.base).

- ``AppointmentDayView`` (/admin/appointments/): who is expected on a day at an office, check-in by
  typed or scanned tracking code (a scanner that types like a keyboard, into the focused box), no-shows,
  completion, the requests waiting for an appointment, and issuing or moving an appointment.
- ``RescheduleRequestsView`` (/admin/appointments/changes/): applicants' reschedule requests to answer.
- ``ClosedDayView`` (/admin/closed-days/, admins): holidays and closures.

Officers see and act on their own office only; admins choose the office. Any other office's
appointment, request or reschedule request answers 404 (audited by admin.base.deny).
"""

from __future__ import annotations

import datetime as dt

from flask import Response, flash, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import validators

from admin.base import ADMIN_ONLY, StaffModelView, StaffView, current_staff, deny, register_office_scope
from appointments import booking, calendar, changes, notice, slot_picker, workflow
from appointments import office as at_office
from appointments.booking import BookingError
from appointments.pdf import notice_pdf
from appointments.views import SLOT_FORMAT, parse_slot
from casework import tracking
from core.models import Appointment, ClosedDay, Office, RescheduleRequest, ServiceRequest, Slot
from core.ratelimit import now
from forms.registry import current_registry
from i18n import current_language, jalali
from i18n.persian import normalize_digits

ISSUE_DAYS = 21


def _requests_of(office_id: int):
    return ServiceRequest.select(ServiceRequest.id).where(ServiceRequest.office == office_id)


register_office_scope(Appointment, lambda office_id: Appointment.office == office_id)
register_office_scope(Slot, lambda office_id: Slot.office == office_id)
register_office_scope(RescheduleRequest, lambda office_id: RescheduleRequest.request.in_(_requests_of(office_id)))
register_office_scope(ClosedDay, lambda office_id: (ClosedDay.scope == "iran") | (ClosedDay.office == office_id)
                      | ((ClosedDay.scope == "country")
                         & ClosedDay.country.in_(Office.select(Office.country).where(Office.id == office_id))))


def allowed_offices() -> list[Office]:
    """Return the offices the signed-in staff member works for (every active office for admins)."""
    staff = current_staff()
    if staff is None:
        return []
    if staff.is_admin:
        return list(Office.select().where(Office.active).order_by(Office.code))
    return list(Office.select().where(Office.id == staff.office_id)) if staff.office_id else []


def chosen_office() -> Office:
    """Return the office asked for (?office=code) among the allowed ones, else the staff member's own or the first."""
    offices = allowed_offices()
    if not offices:
        deny(404, "no_office")
    code = request.values.get("office")
    if code:
        found = next((o for o in offices if o.code == code), None)
        if found is None:
            deny(404, "out_of_scope", object=f"office:{code[:40]}")
        return found
    staff = current_staff()
    return next((o for o in offices if o.id == staff.office_id), offices[0])


def scoped_appointment(appointment_id: int) -> Appointment:
    """Return the appointment if it belongs to an allowed office; 404 (audited) otherwise."""
    found = Appointment.get_or_none(Appointment.id == appointment_id)
    if found is None or found.office_id not in {o.id for o in allowed_offices()}:
        deny(404, "out_of_scope" if found else "not_found", object=f"appointment:{appointment_id}")
    return found


def scoped_request(tracking_code: str) -> ServiceRequest:
    """Return the request with this tracking code if it belongs to an allowed office; 404 otherwise."""
    code = tracking.normalize_code(tracking_code)
    found = ServiceRequest.get_or_none(ServiceRequest.tracking_code == code)
    if found is None or found.office_id not in {o.id for o in allowed_offices()}:
        deny(404, "out_of_scope" if found else "not_found", object=f"request:{code[:16]}")
    return found


def _day() -> dt.date | None:
    """Parse ?day=YYYY-MM-DD, or the Jalali parts ?jyear=&jmonth=&jday= (any digits) of the Persian date choice."""
    parts = [normalize_digits(request.values.get(name, "")).strip()[:4] for name in ("jyear", "jmonth", "jday")]
    if any(parts):
        try:
            return jalali.to_gregorian(*(int(part) for part in parts))
        except (ValueError, jalali.InvalidDate):
            flash(_("There is no such date in the Persian calendar. Showing today instead."), "error")
            return None
    try:
        return dt.date.fromisoformat(request.values.get("day", ""))
    except ValueError:
        return None


def _day_label(office: Office, day: dt.date) -> dict[str, str]:
    """Describe a local day of the office (its date in the reader's calendar)."""
    noon = at_office.day_bounds(office, day)[0] + dt.timedelta(hours=12)
    return notice.when(noon, noon, office, current_language())


def _slot_picker(office: Office, selected: str) -> dict:
    """Free slots for staff as a day strip and the chosen day's times (?day=, else the day of ``selected``)."""
    days = slot_picker.group_by_day(calendar.free_slots(office, None, ISSUE_DAYS), office, current_language())
    day = slot_picker.pick_day(days, request.args.get("day"), selected) or (days[0] if days else None)
    return {"days": days, "day": day, "selected": selected}


class AppointmentDayView(StaffView):
    """The office's day: expected applicants, check-in, no-shows, completion, issuing appointments."""

    def _back(self, office: Office, day: dt.date | None = None):
        params = {"office": office.code}
        if day is not None:
            params["day"] = day.isoformat()
        return redirect(url_for(".index", **params), 303)

    @expose("/")
    def index(self):
        office = chosen_office()
        day = _day() or calendar.local_today(office)
        schedule = at_office.day_schedule(office, day)
        rows = []
        for appointment in schedule:
            req = appointment.request
            spec = notice.spec_of(req)
            rows.append({
                "appointment": appointment, "request": req,
                "time": notice.when(appointment.starts_at, appointment.ends_at, office, current_language()),
                "code": tracking.format_code(req.tracking_code),
                "service": spec.title.get(current_language()) if spec else req.service_id,
                "status": spec.workflow.status(req.status).label.get(current_language()) if spec else req.status,
                "can_complete": bool(spec) and appointment.status == "attended"
                and req.status == workflow.attended_status(spec)
                and workflow.completion_status(spec) is not None,
                "can_no_show": appointment.status == "booked" and appointment.starts_at <= now(),
            })
        waiting = at_office.awaiting_appointment(office, current_registry().services)
        pending = (RescheduleRequest.select().join(ServiceRequest)
                   .where((RescheduleRequest.status == "pending") & (ServiceRequest.office == office.id)).count())
        closed = calendar.closed_days(office, day, day).get(day)
        return self.render("admin/appointments/day.html", office=office, offices=allowed_offices(), day=day,
                           rows=rows, waiting=waiting, pending=pending, closed=closed,
                           previous_day=day - dt.timedelta(days=1), next_day=day + dt.timedelta(days=1),
                           today=calendar.local_today(office), day_label=_day_label(office, day),
                           jalali_day=jalali.to_jalali(day), jalali_months=jalali.MONTHS_FA)

    @expose("/check-in/", methods=("POST",))
    def check_in(self):
        office = chosen_office()
        code = request.form.get("code", "")[:40]
        try:
            appointment = at_office.check_in(office, code, notice.spec_of, current_staff())
        except BookingError as exc:
            flash(str(exc), "error")
        else:
            flash(_("%(name)s (%(code)s) is checked in.", name=appointment.request.applicant_name,
                    code=tracking.format_code(appointment.request.tracking_code)), "success")
        return self._back(office)

    @expose("/<int:appointment_id>/no-show/", methods=("POST",))
    def no_show(self, appointment_id: int):
        appointment = scoped_appointment(appointment_id)
        try:
            at_office.mark_no_show(appointment, notice.spec_of(appointment.request), current_staff())
        except BookingError as exc:
            flash(str(exc), "error")
        else:
            flash(_("Marked as not attended. The request can be given a new appointment."), "success")
        return self._back(appointment.office, calendar.to_local(appointment.starts_at, appointment.office).date())

    @expose("/<int:appointment_id>/complete/", methods=("POST",))
    def complete(self, appointment_id: int):
        appointment = scoped_appointment(appointment_id)
        try:
            at_office.complete(appointment.request, notice.spec_of(appointment.request), current_staff(),
                               request.form.get("note", "")[:1000])
        except BookingError as exc:
            flash(str(exc), "error")
        else:
            flash(_("The request is completed."), "success")
        return self._back(appointment.office, calendar.to_local(appointment.starts_at, appointment.office).date())

    @expose("/<int:appointment_id>/notice.pdf")
    def pdf(self, appointment_id: int):
        appointment = scoped_appointment(appointment_id)
        language = request.args.get("lang") if request.args.get("lang") in ("fa", "en") else \
            (appointment.request.applicant.locale or "fa")
        data = notice_pdf(appointment, notice.spec_of(appointment.request), language)
        response = Response(data, mimetype="application/pdf")
        response.headers["Content-Disposition"] = \
            f'attachment; filename="appointment-{appointment.request.tracking_code}.pdf"'
        response.headers["Cache-Control"] = "private, no-store"
        return response

    @expose("/issue/", methods=("POST",))
    def find(self):
        office = chosen_office()
        code = tracking.normalize_code(request.form.get("code", "")[:40])
        if not tracking.is_valid_code(code):
            flash(_("This is not a valid tracking code. Check it and type it again."), "error")
            return self._back(office)
        return redirect(url_for(".issue", tracking_code=code), 303)

    @expose("/issue/<tracking_code>/", methods=("GET", "POST"))
    def issue(self, tracking_code: str):
        req = scoped_request(tracking_code)
        spec = notice.spec_of(req)
        office = req.office
        current = booking.active_appointment(req)
        if spec is None or spec.appointment is None or workflow.appointment_status(spec) is None:
            flash(_("This service has no appointment."), "error")
            return self._back(office)
        if request.method == "POST":
            start = parse_slot(request.form.get("slot")) if request.form.get("slot") else None
            note = request.form.get("public_note", "")[:1000]
            try:
                if current is not None:
                    appointment = booking.move_appointment(current, spec, start, staff=current_staff(),
                                                           public_note=note)
                else:
                    appointment = booking.issue_appointment(req, spec, start, staff=current_staff(), public_note=note)
            except BookingError as exc:
                flash(str(exc), "error")
            else:
                moment = notice.when(appointment.starts_at, appointment.ends_at, office, current_language())
                message = (_("Appointment moved to %(date)s, %(time)s. The applicant was e-mailed the new notice.",
                             date=moment["date"], time=moment["start"]) if current is not None else
                           _("Appointment given: %(date)s, %(time)s. The applicant was e-mailed the notice.",
                             date=moment["date"], time=moment["start"]))
                flash(message, "success")
                return self._back(office, calendar.to_local(appointment.starts_at, office).date())
        proposal = calendar.next_free_slot(office)
        proposal_value = slot_picker.slot_value(proposal) if proposal else ""
        return self.render(
            "admin/appointments/issue.html", req=req, spec=spec, office=office, current=current,
            current_when=notice.when(current.starts_at, current.ends_at, office, current_language())
            if current else None,
            proposal=proposal, proposal_value=proposal_value,
            proposal_when=notice.when(proposal.starts_at, proposal.ends_at, office, current_language())
            if proposal else None,
            picker=_slot_picker(office, proposal_value), code=tracking.format_code(req.tracking_code),
            status=spec.workflow.status(req.status).label.get(current_language()))


class RescheduleRequestsView(StaffView):
    """Applicants' requests to move an appointment, waiting for an answer."""

    @expose("/")
    def index(self):
        office_ids = [o.id for o in allowed_offices()]
        pending = list(RescheduleRequest.select(RescheduleRequest, Appointment, ServiceRequest)
                       .join(Appointment, on=(RescheduleRequest.appointment == Appointment.id))
                       .switch(RescheduleRequest).join(ServiceRequest)
                       .where((RescheduleRequest.status == "pending") & ServiceRequest.office.in_(office_ids or [0]))
                       .order_by(RescheduleRequest.created_at))
        language = current_language()
        rows = []
        for change in pending:
            office, current = change.appointment.office, change.appointment
            rows.append({"change": change, "code": tracking.format_code(change.request.tracking_code),
                         "when": notice.when(current.starts_at, current.ends_at, office, language),
                         "preferred": notice.when(change.preferred_start, change.preferred_start, office, language)
                         if change.preferred_start else None})
        return self.render("admin/appointments/changes.html", rows=rows)

    @expose("/<int:change_id>/", methods=("GET", "POST"))
    def answer(self, change_id: int):
        change = RescheduleRequest.get_or_none(RescheduleRequest.id == change_id)
        if change is None or change.request.office_id not in {o.id for o in allowed_offices()}:
            deny(404, "out_of_scope" if change else "not_found", object=f"reschedule:{change_id}")
        office = change.appointment.office
        spec = notice.spec_of(change.request)
        if request.method == "POST" and change.status == "pending":
            accept = request.form.get("decision") == "accept"
            start = parse_slot(request.form.get("slot")) if request.form.get("slot") else None
            try:
                changes.answer_reschedule(change, spec, current_staff(), accept, start,
                                          request.form.get("answer_note", "")[:1000])
            except BookingError as exc:
                flash(str(exc), "error")
            else:
                flash(_("The appointment was moved and the applicant informed.") if accept
                      else _("The request was refused and the applicant informed."), "success")
                return redirect(url_for(".index"), 303)
        language = current_language()
        preferred = change.preferred_start.strftime(SLOT_FORMAT) if change.preferred_start else ""
        return self.render(
            "admin/appointments/answer.html", change=change, office=office,
            code=tracking.format_code(change.request.tracking_code),
            when=notice.when(change.appointment.starts_at, change.appointment.ends_at, office, language),
            preferred_value=preferred, picker=_slot_picker(office, preferred))


class ClosedDayView(StaffModelView):
    """Holidays and closures (admins): Iranian holidays for every office, host-country ones, one office's."""

    roles = ADMIN_ONLY
    create_roles = edit_roles = delete_roles = ADMIN_ONLY
    column_list = ("day", "scope", "country", "office", "name_fa", "name_en")
    column_default_sort = ("day", True)
    column_filters = ("day", "scope", "country")
    column_labels = {"day": _l("Date"), "scope": _l("Applies to"), "country": _l("Country"),
                     "office": _l("Consular office"), "name_fa": _l("Name (Persian)"), "name_en": _l("Name (English)")}
    form_columns = ("day", "scope", "country", "office", "name_fa", "name_en")
    form_choices = {"scope": [("iran", _l("Every office (Iranian holiday)")),
                              ("country", _l("Every office in a host country")),
                              ("office", _l("One office"))]}
    form_args = {"name_fa": {"validators": [validators.InputRequired()]},
                 "name_en": {"validators": [validators.InputRequired()]}}

    def on_model_change(self, form, model, is_created: bool) -> None:
        """Check the scope's target and compute the unique key."""
        from wtforms.validators import ValidationError

        super().on_model_change(form, model, is_created)
        model.country = (model.country or "").strip().upper()
        if model.scope == "country" and len(model.country) != 2:
            raise ValidationError(_("Give the host country as a two-letter code (for example DE)."))
        if model.scope == "office" and model.office is None:
            raise ValidationError(_("Choose the office."))
        if model.scope != "country":
            model.country = ""
        if model.scope != "office":
            model.office = None
        target = model.country if model.scope == "country" else (model.office.code if model.office else "")
        model.key = f"{model.scope}:{target}:{model.day.isoformat()}"


def register_admin_views(admin, category: str | None = None) -> None:
    """Add the appointment pages to the back office (``admin`` is the flask_admin.Admin)."""
    category = category or _l("Appointments")
    admin.add_view(AppointmentDayView(name=_l("Day at the office"), endpoint="appointments_day",
                                      url="appointments", category=category))
    admin.add_view(RescheduleRequestsView(name=_l("Reschedule requests"), endpoint="appointments_changes",
                                          url="appointments/changes", category=category))
    admin.add_view(ClosedDayView(ClosedDay, name=_l("Closed days"), endpoint="closed_days", url="closed-days",
                                 category=category))
