"""The service catalog: services grouped by category, searchable in both languages, and each service's page."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, render_template, request

from applicant.before_start import checklist
from core.models import Office
from fees.display import schedule_rows, starting_fees
from forms.registry import current_registry
from i18n import current_language
from i18n.persian import normalize_text

bp = Blueprint("services", __name__)


def _matches(spec, query: str) -> bool:
    """Return whether a service's titles or description contain every word of the query."""
    haystack = " ".join(filter(None, [
        spec.title.fa, spec.title.en, spec.description.fa if spec.description else "",
        spec.description.en if spec.description else "", spec.id,
    ])).casefold()
    return all(word in haystack for word in query.casefold().split())


def eligible_offices(spec) -> list[Office]:
    """Return the active offices that provide a service."""
    offices = Office.select().where(Office.active).order_by(Office.country, Office.code)
    return [office for office in offices if spec.offered_at(office.code)]


@bp.get("/services")
def catalog():
    """List enabled services by category, filtered by the search words."""
    query = normalize_text(request.args.get("q", ""))[:100]
    groups = [(category, [s for s in specs if not query or _matches(s, query)])
              for category, specs in current_registry().catalog()]
    groups = [(category, specs) for category, specs in groups if specs]
    return render_template("applicant/catalog.html", groups=groups, query=query)


@bp.get("/services/<service_id>")
def service_page(service_id: str):
    """Show a service: description, "before you start" (files, originals, fee, visit, time) and its offices."""
    spec = current_registry().services.get(service_id)
    if spec is None or not spec.enabled:
        abort(404)
    offices = eligible_offices(spec)
    currencies = [office.currency for office in offices]
    language, today = current_language(), dt.date.today()
    return render_template("applicant/service.html", spec=spec, offices=offices, before=checklist(spec, language),
                           fee_from=starting_fees(spec, currencies, language, today),
                           fee_table=schedule_rows(spec, currencies, language, today))
