"""The staff back office: Flask-Admin views generated from the service schemas, staff sign-in, `staff` CLI.

Public API (see ``admin.base`` for the view classes):
    admin.init_app(app)          builds everything inside create_app (after forms.registry.init_app)
    admin.get_admin(app)         the app's ``flask_admin.Admin``, to add more views:
        get_admin(app).add_view(MyView(Model, name=_l("…"), endpoint="…", category=admin.ADMINISTRATION))
"""

from __future__ import annotations

from flask import Blueprint, Flask
from flask_admin import Admin
from flask_admin.theme import Bootstrap4Theme
from flask_babel import lazy_gettext as _l

from admin.applicants import ApplicantView
from admin.base import Localized, service_endpoint
from admin.cli import staff_cli
from admin.dashboard import DashboardView
from admin.management import AuditLogView, OfficeView, StaffAccountView
from admin.requests import RequestListView, service_view_kwargs
from admin.services_view import ServicesView
from admin.signin import bp as sign_in_bp
from core.models import Applicant, AuditLog, Office, Staff

EXTENSION = "mikhak_admin"
ADMINISTRATION = _l("Administration")

assets = Blueprint("backoffice", __name__, static_folder="static", static_url_path="/admin/_assets")


def get_admin(app: Flask) -> Admin:
    """Return the app's back office."""
    return app.extensions[EXTENSION]


def _service_views(admin: Admin, registry) -> None:
    """One list per service, grouped in a menu per category; the "All requests" queue first."""
    admin.add_view(RequestListView(lambda: list(_registry().services), queue=True, name=_l("All requests"),
                                   endpoint="admin_queue", url="queue"))
    for spec in registry.services.values():
        category = registry.categories.get(spec.category)
        admin.add_view(RequestListView(
            lambda sid=spec.id: [sid], name=Localized(spec.title), endpoint=service_endpoint(spec.id),
            url=f"requests/{spec.id}", category=Localized(category.title) if category else None,
            **service_view_kwargs(spec)))


def _registry():
    from forms.registry import current_registry

    return current_registry()


def init_app(app: Flask) -> None:
    """Build the back office for this app: sign-in pages, generated views, assets and the CLI."""
    from forms.registry import EXTENSION as SCHEMAS

    app.register_blueprint(sign_in_bp)
    app.register_blueprint(assets)
    app.cli.add_command(staff_cli)
    admin = Admin(
        app, name=_l("Mikhak back office"), url="/admin",
        index_view=DashboardView(name=_l("Dashboard"), url="/admin", endpoint="admin"),
        theme=Bootstrap4Theme(base_template="admin/mikhak_base.html", fluid=True),
    )
    with app.app_context():
        _service_views(admin, app.extensions[SCHEMAS])
        from appointments.admin_views import register_admin_views

        register_admin_views(admin)
        from payments.admin_views import register_admin_views as register_payment_views

        register_payment_views(admin)
        admin.add_view(ServicesView(name=_l("Services"), endpoint="admin_services", url="services",
                                    category=ADMINISTRATION))
        admin.add_view(OfficeView(Office, name=_l("Offices"), endpoint="admin_offices", url="offices",
                                  category=ADMINISTRATION))
        admin.add_view(ApplicantView(Applicant, name=_l("Applicants"), endpoint="admin_applicants", url="applicants",
                                     category=ADMINISTRATION))
        admin.add_view(StaffAccountView(Staff, name=_l("Staff"), endpoint="admin_staff", url="staff",
                                        category=ADMINISTRATION))
        admin.add_view(AuditLogView(AuditLog, name=_l("Audit log"), endpoint="admin_audit", url="audit",
                                    category=ADMINISTRATION))
    app.extensions[EXTENSION] = admin
