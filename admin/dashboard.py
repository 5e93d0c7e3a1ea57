"""The back office's home page: requests per status, office and service, and overdue counts."""

from __future__ import annotations

from collections import defaultdict

import peewee as pw
from flask_admin import expose

from admin.base import StaffIndexView, current_staff, scope, service_endpoint
from admin.requests import office_name
from forms.registry import current_registry
from i18n import bilingual
from models import ServiceRequest
from ratelimit import now


def _counts(*columns: pw.Field, where: pw.Expression | None = None) -> list[tuple]:
    """(column values…, count) grouped by ``columns`` over the staff member's requests."""
    query = ServiceRequest.select(*columns, pw.fn.COUNT(ServiceRequest.id)).group_by(*columns)
    if where is not None:
        query = query.where(where)
    return list(scope(query, ServiceRequest).tuples())


class DashboardView(StaffIndexView):
    """Numbers that say where the work is."""

    @expose("/")
    def index(self):
        registry = current_registry()
        by_service_status = _counts(ServiceRequest.service_id, ServiceRequest.status, ServiceRequest.is_open)
        overdue = _counts(ServiceRequest.service_id, ServiceRequest.office,
                          where=(ServiceRequest.due_at < now()) & (ServiceRequest.is_open == True))  # noqa: E712
        per_office = _counts(ServiceRequest.office, ServiceRequest.is_open)

        statuses: dict[str, str] = {}
        services = []
        table: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        open_by_service: dict[str, int] = defaultdict(int)
        for service_id, status, is_open, count in by_service_status:
            table[service_id][status] += count
            open_by_service[service_id] += count if is_open else 0
        overdue_by_service: dict[str, int] = defaultdict(int)
        overdue_by_office: dict[int, int] = defaultdict(int)
        for service_id, office_id, count in overdue:
            overdue_by_service[service_id] += count
            overdue_by_office[office_id] += count
        for service_id in [*registry.services, *sorted(set(table) - set(registry.services))]:
            spec = registry.services.get(service_id)
            if spec is not None:
                for status in spec.workflow.all_statuses:
                    statuses.setdefault(status.id, bilingual(status.label))
            counts = table.get(service_id, {})
            for status_id in counts:
                statuses.setdefault(status_id, status_id)
            services.append({"id": service_id, "title": bilingual(spec.title) if spec else service_id,
                             "counts": counts, "total": sum(counts.values()),
                             "open": open_by_service.get(service_id, 0),
                             "overdue": overdue_by_service.get(service_id, 0),
                             "endpoint": service_endpoint(service_id) if spec else None})
        offices: dict[int, dict] = {}
        for office_id, is_open, count in per_office:
            entry = offices.setdefault(office_id, {"name": office_name(office_id), "total": 0, "open": 0,
                                                   "overdue": overdue_by_office.get(office_id, 0)})
            entry["total"] += count
            entry["open"] += count if is_open else 0
        status_totals = {sid: sum(s["counts"].get(sid, 0) for s in services) for sid in statuses}
        return self.render("admin/dashboard.html", services=services, statuses=statuses,
                           status_totals=status_totals, offices=sorted(offices.items(), key=lambda i: i[1]["name"]),
                           total_overdue=sum(overdue_by_service.values()), staff=current_staff())
