"""The side table of answers a service declares filterable or searchable, for indexed staff lists."""

from __future__ import annotations

from core.models import RequestAnswerIndex, ServiceRequest
from i18n.persian import normalize_text


def index_values(value: object) -> list[str]:
    """Return the indexed text values of one answer (lists give one row per item)."""
    items = value if isinstance(value, list) else [value]
    values = []
    for item in items:
        if item is None or item == "" or isinstance(item, dict):
            continue
        text = "true" if item is True else "false" if item is False else str(item)
        values.append((normalize_text(text) or "").casefold()[:200])
    return values


def reindex(request: ServiceRequest, spec) -> None:
    """Rewrite the indexed answers of a request from its current answers."""
    RequestAnswerIndex.delete().where(RequestAnswerIndex.request == request).execute()
    keys = dict.fromkeys([*spec.staff.filters, *spec.staff.search])
    answers = {**(request.answers or {}), **(request.staff_answers or {})}
    rows = [dict(request=request, service_id=request.service_id, key=key, value=value)
            for key in keys for value in index_values(answers.get(key))]
    if rows:
        RequestAnswerIndex.insert_many(rows).execute()
