"""The itemized fee as shown to readers: lines, total and the decree, in the reader's locale and digits."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fees import money
from fees.compute import Assessment, starting_amount


def fee_view(assessment: Assessment, language: str, decisions: dict[str, bool] | None = None) -> dict[str, Any]:
    """Lines and total of an assessment; ``decisions`` maps a waiver id to staff's confirmation (True) or refusal."""
    decisions = decisions or {}
    cur = assessment.currency
    lines = []
    confirmed = {wid for wid, ok in decisions.items() if ok}
    for line in assessment.lines:
        state = ""
        if line.kind == "waiver" and line.confirm:
            state = {True: "confirmed", False: "refused"}.get(decisions.get(line.id), "claimed")
        lines.append({
            "id": line.id, "kind": line.kind, "label": line.label.get(language) or line.label.get("fa"),
            "quantity": line.quantity, "unit": money.display(line.unit_minor, cur, language),
            "amount": money.display(line.amount_minor, cur, language), "state": state,
        })
    decree = assessment.decree or {}
    return {
        "currency": cur, "lines": lines, "decree": decree.get(language) or decree.get("fa") or "",
        "schedule_from": dt.date.fromisoformat(assessment.schedule_from),
        "total": money.display(assessment.total_minor(confirmed), cur, language),
        "total_minor": assessment.total_minor(confirmed),
        "claimed": any(line["state"] == "claimed" for line in lines),
    }


def starting_fees(spec: Any, currencies: list[str], language: str, day: dt.date) -> list[str]:
    """"From" amounts of a service today, one per currency of the offices providing it."""
    found = []
    for currency in dict.fromkeys(currencies):
        amount = starting_amount(spec.fees, currency, day)
        if amount is not None:
            found.append(money.display(amount, currency, language))
    return found


def schedule_rows(spec: Any, currencies: list[str], language: str, day: dt.date) -> dict[str, Any] | None:
    """Today's schedule of a service as a table: each item and surcharge with its amount per currency."""
    schedule = spec.fees.schedule_on(day) if spec.fees else None
    if schedule is None:
        return None
    currencies = [c for c in dict.fromkeys(currencies) if c in schedule.currencies()]
    rows = []
    for entry in [*schedule.items, *schedule.surcharges]:
        amounts = ([money.display(entry.amount[c], c, language) for c in currencies] if entry.amount is not None
                   else [money.percent_display(entry.percent, language)] * len(currencies))
        per = getattr(entry, "per", None)
        rows.append({"label": entry.label.get(language), "amounts": amounts, "per": bool(per)})
    waivers = [w.label.get(language) for w in schedule.waivers if w.when is not None]
    return {"currencies": currencies, "rows": rows, "waivers": waivers, "from": schedule.from_,
            "decree": schedule.decree.get(language) if schedule.decree else ""}


def preview(spec: Any, answers: dict, profile: dict, office: Any, language: str, day: dt.date) -> dict | None:
    """The fee the answers would be charged at ``office`` if submitted on ``day``; a problem text if none can be."""
    from fees.compute import FeeUnavailable, assess

    try:
        found = assess(spec.fees, answers, profile, office.currency, day)
    except FeeUnavailable:
        return {"unavailable": True}
    return fee_view(found, language) if found else None
