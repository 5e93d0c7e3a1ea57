"""The back office's base views: staff-only access, roles, and office scoping on every path.

Every back-office page subclasses one of these, so the rules live in one place:

- ``StaffView`` (custom pages) and ``StaffModelView`` (model lists) let in only a signed-in staff
  member whose role is in ``roles``; visitors go to the staff sign-in, applicants get 403 (audited).
- ``StaffModelView`` scopes officers to their office in the list, details, edit, delete, bulk
  actions, export and ajax look-ups, including ``get_one`` and ``action_delete`` (which the peewee
  backend runs on the model directly). Another office's record answers 404 and is audited.
- ``create_roles``/``edit_roles``/``delete_roles``/``export_roles``/``details_roles`` say who may
  do what; a refused operation answers 403.
- Models are tied to an office by ``register_office_scope(Model, predicate)``; a view of a model
  without one cannot be opened by officers (it fails at start-up instead).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

import peewee as pw
from flask import abort, has_request_context, redirect, request, url_for
from flask_admin import AdminIndexView, BaseView, expose
from flask_admin.actions import action
from flask_admin.contrib.peewee import ModelView
from flask_admin.contrib.peewee.ajax import QueryAjaxModelLoader
from flask_admin.form import BaseForm
from flask_admin.model import typefmt
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import escape

from core import audit, db
from core.models import Applicant, AuditLog, Document, Office, RequestAnswerIndex, RequestEvent, ServiceRequest, Staff
from i18n import bilingual, format_date, format_datetime

ROLES = ("admin", "officer")
ADMIN_ONLY = ("admin",)
OfficePredicate = Callable[[int], pw.Expression]
_SCOPES: dict[type, OfficePredicate] = {}
NOTHING = pw.SQL("1 = 0")


class Localized(LazyString):
    """A label that shows a schema's {fa, en} text in the reader's language at render time."""

    def __init__(self, text: Any) -> None:
        super().__init__(bilingual, text)

    def __html__(self) -> str:
        return str(escape(str(self)))


def service_endpoint(service_id: str) -> str:
    """The Flask-Admin endpoint of a service's request list (``url_for(f"{…}.index_view")``)."""
    return f"admin_service_{service_id}"


def current_staff() -> Staff | None:
    """Return the signed-in staff member, or None for visitors and applicants."""
    if has_request_context() and current_user.is_authenticated and getattr(current_user, "kind", "") == "staff":
        return current_user.record
    return None


def register_office_scope(model: type[pw.Model], predicate: OfficePredicate) -> None:
    """Say how rows of ``model`` belong to an office: ``predicate(office_id)`` is a where-clause."""
    _SCOPES[model] = predicate


def has_office_scope(model: type[pw.Model]) -> bool:
    """Return whether officers can be scoped on ``model``."""
    return model in _SCOPES


def office_filter(model: type[pw.Model], staff: Staff | None) -> pw.Expression | None:
    """Return the where-clause limiting ``staff`` to their office's rows (None: no limit, admins)."""
    if staff is None:
        return NOTHING
    if staff.is_admin:
        return None
    if staff.office_id is None or model not in _SCOPES:
        return NOTHING
    return _SCOPES[model](staff.office_id)


def scope(query: pw.ModelSelect, model: type[pw.Model], staff: Staff | None = None) -> pw.ModelSelect:
    """Limit ``query`` over ``model`` to what the signed-in staff member may see."""
    clause = office_filter(model, staff if staff is not None else current_staff())
    return query if clause is None else query.where(clause)


def _requests_of(office_id: int) -> pw.ModelSelect:
    return ServiceRequest.select(ServiceRequest.id).where(ServiceRequest.office == office_id)


register_office_scope(ServiceRequest, lambda office_id: ServiceRequest.office == office_id)
register_office_scope(Office, lambda office_id: Office.id == office_id)
register_office_scope(Staff, lambda office_id: Staff.office == office_id)
register_office_scope(AuditLog, lambda office_id: AuditLog.office_id == office_id)
register_office_scope(Document, lambda office_id: Document.request.in_(_requests_of(office_id)))
register_office_scope(RequestEvent, lambda office_id: RequestEvent.request.in_(_requests_of(office_id)))
register_office_scope(RequestAnswerIndex, lambda office_id: RequestAnswerIndex.request.in_(_requests_of(office_id)))
register_office_scope(Applicant, lambda office_id: Applicant.id.in_(
    ServiceRequest.select(ServiceRequest.applicant).where(ServiceRequest.office == office_id)))


def office_of(obj: Any) -> int | None:
    """Return the office a record belongs to, for the audit log."""
    if isinstance(obj, Office):
        return obj.id
    if isinstance(obj, Document | RequestEvent) and obj.request_id:
        return ServiceRequest.select(ServiceRequest.office).where(ServiceRequest.id == obj.request_id).scalar()
    return getattr(obj, "office_id", None)


def record(action: str, obj: Any = None, **details: Any) -> None:
    """Audit one staff action on ``obj`` (its type, id and office are filled in)."""
    if obj is not None:
        details.setdefault("object_type", type(obj).__name__.lower())
        details.setdefault("object_id", getattr(obj, "id", ""))
        details.setdefault("office_id", office_of(obj))
    audit.record(action, **details)


def deny(status: int, reason: str, **details: Any) -> None:
    """Audit a refused access and answer ``status`` (404 hides whether the record exists)."""
    audit.record("access.denied", object_type="path", object_id=request.path[:64], reason=reason,
                 method=request.method, **details)
    abort(status)


class StaffAccess:
    """Access control shared by every back-office view."""

    roles: tuple[str, ...] = ROLES

    def is_accessible(self) -> bool:
        staff = current_staff()
        return staff is not None and staff.active and staff.role in self.roles

    def is_visible(self) -> bool:
        return self.is_accessible()

    def inaccessible_callback(self, name: str, **kwargs: Any):
        if not current_user.is_authenticated:
            target = request.full_path.rstrip("?") if request.method == "GET" else None
            return redirect(url_for("staff_auth.sign_in", next=target))
        if current_staff() is None:
            deny(403, "wrong_session_kind", had=getattr(current_user, "kind", ""))
        deny(403, "role", role=current_staff().role, view=type(self).__name__)
        return None

    @staticmethod
    def has_role(*roles: str) -> bool:
        staff = current_staff()
        return staff is not None and staff.role in roles


class StaffView(StaffAccess, BaseView):
    """A custom back-office page (``@expose`` methods), for the roles in ``roles``."""


class StaffIndexView(StaffAccess, AdminIndexView):
    """The back office's home page, for every staff role."""


def _date(view: Any, value: dt.date, name: str) -> str:
    return format_date(value)


def _datetime(view: Any, value: dt.datetime, name: str) -> str:
    return format_datetime(value, label=True)  # audit log, accounts: no one office, so said to be UTC


def _bool(view: Any, value: bool, name: str) -> str:
    from flask_babel import gettext as _

    return _("Yes") if value else _("No")


TYPE_FORMATTERS = {**typefmt.BASE_FORMATTERS, dt.datetime: _datetime, dt.date: _date, bool: _bool}
EXPORT_FORMATTERS = {**typefmt.EXPORT_FORMATTERS, dt.datetime: lambda v, value, n: value.isoformat(sep=" ")}


class ScopedAjaxLoader(QueryAjaxModelLoader):
    """An ajax look-up that returns only records of the staff member's office."""

    def get_one(self, pk: Any) -> Any:
        return scope(self.model.select(), self.model).where(getattr(self.model, self.pk) == pk).first()

    def get_list(self, term: str, offset: int = 0, limit: int = 10) -> list[Any]:
        query = scope(self.model.select(), self.model)
        term = (term or "").strip()
        if term:
            clause = None
            for field in self._cached_fields:
                condition = field ** f"%{term}%"
                clause = condition if clause is None else clause | condition
            query = query.where(clause)
        return list(query.offset(max(offset or 0, 0)).limit(min(max(limit, 1), 50)))


class UnusedForm(BaseForm):
    """The form of an action no role may take in a view (never shown: the view refuses the action)."""


def _role_property(attribute: str) -> property:
    def getter(self: StaffModelView) -> bool:
        if not has_request_context():  # building the view: Flask-Admin prepares what some role may use
            return bool(getattr(self, attribute))
        staff = current_staff()
        return staff is not None and staff.role in getattr(self, attribute)

    return property(getter)


class StaffModelView(StaffAccess, ModelView):
    """A peewee model list for staff, office-scoped on every path (see the module docstring).

    Subclasses set ``roles`` (who may open it), ``*_roles`` (who may create, edit, delete, export,
    see details) and may override ``base_query()`` to narrow the rows further. Writes are audited
    as ``admin.create``/``admin.update``/``admin.delete`` with the changed field names.
    """

    create_roles: tuple[str, ...] = ()
    edit_roles: tuple[str, ...] = ()
    delete_roles: tuple[str, ...] = ()
    export_roles: tuple[str, ...] = ()
    details_roles: tuple[str, ...] = ROLES

    can_create = _role_property("create_roles")
    can_edit = _role_property("edit_roles")
    can_delete = _role_property("delete_roles")
    can_export = _role_property("export_roles")
    can_view_details = _role_property("details_roles")

    page_size = 25
    can_set_page_size = True
    page_size_options = (25, 50, 100)
    export_types = ["csv", "xlsx"]
    export_max_rows = 10_000
    column_type_formatters = TYPE_FORMATTERS
    column_type_formatters_export = EXPORT_FORMATTERS
    list_template = "admin/mikhak/list.html"

    def __init__(self, model: type[pw.Model] | None = None, *args: Any, **kwargs: Any) -> None:
        model = model or self.model
        if "officer" in self.roles and not has_office_scope(model):
            raise TypeError(f"{type(self).__name__}: officers may open it but {model.__name__} has no office "
                            "scope; call admin.base.register_office_scope first")
        super().__init__(model, *args, **kwargs)

    # -- forms ----------------------------------------------------------------------------
    def get_create_form(self) -> type:
        """The create form, scaffolded only when some role may create here (start-up: one per service list)."""
        return super().get_create_form() if self.create_roles else UnusedForm

    def get_edit_form(self) -> type:
        """The edit form, scaffolded only when some role may edit here."""
        return super().get_edit_form() if self.edit_roles else UnusedForm

    # -- queries --------------------------------------------------------------------------
    def base_query(self) -> pw.ModelSelect:
        """The rows this view lists before office scoping (override to narrow)."""
        return self.model.select()

    def get_query(self) -> pw.ModelSelect:
        return scope(self.base_query(), self.model)

    def pk_field(self) -> pw.Field:
        return getattr(self.model, self._primary_key)

    def clean_ids(self, ids: Iterable[Any]) -> list[int]:
        """Parse record ids from a request; anything that is not a positive integer answers 404."""
        cleaned = []
        for raw in ids:
            try:
                value = int(str(raw))
            except ValueError:
                deny(404, "bad_id")
            if value <= 0:
                deny(404, "bad_id")
            cleaned.append(value)
        return cleaned

    def get_one(self, id: Any) -> Any:
        """The record ``id`` if this staff member may see it in this view; 404 (audited) otherwise."""
        (pk,) = self.clean_ids([id])
        found = self.get_query().where(self.pk_field() == pk).first()
        if found is None:
            exists = self.model.select().where(self.pk_field() == pk).exists()
            deny(404, "out_of_scope" if exists else "not_found", object=f"{self.model.__name__}:{pk}")
        return found

    def scoped_records(self, ids: Iterable[Any]) -> list[Any]:
        """The records ``ids``, all of them visible to this staff member, or 404 (audited)."""
        wanted = set(self.clean_ids(ids))
        rows = list(self.get_query().where(self.pk_field().in_(list(wanted) or [0])))
        if {row.id for row in rows} != wanted:
            deny(404, "out_of_scope", object=f"{self.model.__name__}:{sorted(wanted - {row.id for row in rows})}")
        return rows

    def get_list(self, page, sort_column, sort_desc, search, filters, execute=True, page_size=None):
        """The scoped, searched, filtered, sorted page; counted only when ``count_rows`` allows."""
        query = self.get_query()
        if search and self._search_supported:
            query = self.apply_search(query, search)
        for index, _name, value in filters or []:
            flt = self._filters[index]
            query = flt.apply(query, flt.clean(value))
        count = self.count_rows(query)
        if sort_column is not None and sort_column in self._sortable_columns:  # ?sort= of any column index
            field = self._sortable_columns[sort_column]
            if isinstance(field, str):  # Flask-Admin keeps the names of columns listed by name
                field = getattr(self.model, field)
            query = query.order_by(field.desc() if sort_desc else field.asc())
        else:
            query = self.default_order(query)
        page_size = self.page_size if page_size is None else page_size
        if page_size:
            query = query.limit(page_size)
            page = max(page or 0, 0)  # a typed ?page=-1 is the first page (a negative OFFSET is an error on PostgreSQL)
            if page:
                query = query.offset(page * page_size)
        return count, (list(query) if execute else query)

    def apply_search(self, query: pw.ModelSelect, search: str) -> pw.ModelSelect:
        """Every word must match one of the searchable columns (case-insensitive contains)."""
        for word in search.split():
            clause = None
            for field in self._search_fields:
                condition = field ** f"%{word}%"
                clause = condition if clause is None else clause | condition
            if clause is not None:
                query = query.where(clause)
        return query

    def count_rows(self, query: pw.ModelSelect) -> int | None:
        """The total for the pager; None (a simple pager) when ``simple_list_pager`` is set."""
        return None if self.simple_list_pager else query.count()

    def default_order(self, query: pw.ModelSelect) -> pw.ModelSelect:
        order = self._get_default_order() or [(self._primary_key, True)]
        clauses = []
        for name, desc in order:
            field = getattr(self.model, name) if isinstance(name, str) else name
            clauses.append(field.desc() if desc else field.asc())
        return query.order_by(*clauses)

    def _get_filter_groups(self):
        """Filter options are computed per request (they depend on the staff member and language)."""
        groups = super()._get_filter_groups()
        for items in (groups or {}).values():
            for item in items:
                options = self._filters[item["index"]].get_options(self)
                item["options"] = [(key, str(label)) for key, label in options] if options else None
        return groups

    def _create_ajax_loader(self, name: str, options: dict[str, Any]) -> ScopedAjaxLoader:
        remote = getattr(self.model, name).rel_model
        if self.has_role("officer") and not has_office_scope(remote):
            raise TypeError(f"ajax look-up {name} of {type(self).__name__}: {remote.__name__} has no office scope")
        return ScopedAjaxLoader(name, remote, **options)

    # -- guarded operations ----------------------------------------------------------------
    def _refuse_unless(self, allowed: bool, operation: str) -> None:
        if not allowed:
            deny(403, "operation", operation=operation, view=type(self).__name__)

    @expose("/new/", methods=("GET", "POST"))
    def create_view(self):
        self._refuse_unless(self.can_create, "create")
        return super().create_view()

    @expose("/edit/", methods=("GET", "POST"))
    def edit_view(self):
        self._refuse_unless(self.can_edit, "edit")
        return super().edit_view()

    @expose("/details/")
    def details_view(self):
        self._refuse_unless(self.can_view_details, "details")
        return super().details_view()

    @expose("/delete/", methods=("POST",))
    def delete_view(self):
        self._refuse_unless(self.can_delete, "delete")
        return super().delete_view()

    @expose("/export/<export_type>/")
    def export(self, export_type: str):
        self._refuse_unless(self.can_export, "export")
        from admin.export import export_response

        return export_response(self, export_type)

    @expose("/ajax/update/", methods=("POST",))
    def ajax_update(self):
        self._refuse_unless(self.can_edit, "edit")
        return super().ajax_update()

    def handle_action(self, return_view: str | None = None):
        """Bulk actions run only on records this staff member may see: any other id answers 404."""
        form = self.action_form()
        if self.validate_form(form):
            self.scoped_records(request.form.getlist("rowid"))
        return super().handle_action(return_view)

    def is_action_allowed(self, name: str) -> bool:
        if name == "delete":
            return self.can_delete
        return super().is_action_allowed(name)

    @action("delete", _l("Delete"), _l("Are you sure you want to delete the selected records?"))
    def action_delete(self, ids: Any) -> None:
        self._refuse_unless(self.can_delete, "delete")
        from flask import flash
        from flask_babel import ngettext

        count = 0
        for row in self.scoped_records(ids):
            if self.delete_model(row):
                count += 1
        flash(ngettext("%(num)d record was deleted.", "%(num)d records were deleted.", count), "success")

    # -- auditing ------------------------------------------------------------------------------
    def on_model_change(self, form: Any, model: Any, is_created: bool) -> None:
        """Keep officers' records in their own office, whatever the form said."""
        staff = current_staff()
        if staff is not None and not staff.is_admin and "office" in self.model._meta.fields:
            model.office = staff.office_id

    def after_model_change(self, form: Any, model: Any, is_created: bool) -> None:
        changed = sorted(name for name, field in form._fields.items()
                         if name != "csrf_token" and field.data != field.object_data)
        record("admin.create" if is_created else "admin.update", model, fields=changed, view=type(self).__name__)

    def delete_model(self, model: Any) -> bool:
        """Delete one record, never its dependants: rows that still refer to it make it fail."""
        from flask import flash
        from flask_babel import gettext as _

        office_id, object_id = office_of(model), model.id
        try:
            with db.database.atomic():
                self.on_model_delete(model)
                model.delete_instance()
                audit.record("admin.delete", object_type=type(model).__name__.lower(), object_id=object_id,
                             office_id=office_id, view=type(self).__name__)
        except pw.IntegrityError:
            flash(_("This record is still in use (for example by requests or staff) and cannot be deleted."),
                  "error")
            return False
        self.after_model_delete(model)
        return True
