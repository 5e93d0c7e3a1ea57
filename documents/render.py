"""An issued document's content (its template filled in each language) and its PDF (WeasyPrint).

Same printing rules as the appointment notice (appointments/pdf.py): Vazirmatn from static/fonts, right to
left in Persian, and a URL fetcher that loads nothing but the fonts and data: URIs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from flask import current_app, render_template
from flask_babel import force_locale
from markupsafe import Markup

from appointments.pdf import FONTS, _fetcher, _font_dir, qr_data_uri
from casework import tracking
from core.models import Office, ServiceRequest, Staff
from documents import codes, template
from forms.fields import display_value
from forms.text import render_markdown
from i18n import jalali
from i18n.persian import to_persian_digits

PROFILE_KEYS = ("first_name", "last_name", "father_name", "birth_date", "birth_place", "passport_number")


@dataclass(frozen=True)
class Issue:
    """What one issuance prints: the request, the declaration, who signs, the code and the dates."""

    request: ServiceRequest
    spec: Any  # the service
    declared: Any  # documents.spec.IssuedDocumentSpec
    office: Office
    signer: Staff | None
    code: str
    issued_at: dt.datetime
    expires_at: dt.datetime | None


def verification_url(code: str) -> str:
    """The public URL that verifies ``code`` (what the QR code holds)."""
    return f"{current_app.config['PUBLIC_URL'].rstrip('/')}/verify/{codes.display(code)}"


def format_date(value: dt.datetime | dt.date | None, language: str) -> str:
    """A date as printed: Jalali with Persian digits in Persian, day month year in English."""
    return jalali.format_date(value, "fa" if language == "fa" else "en") if value else ""


def holder_name(request: ServiceRequest, language: str) -> str:
    """The holder's name as printed in ``language`` (Latin letters in English when the profile has them)."""
    if language == "en":
        return request.applicant.display_name("en")
    return request.applicant_name or request.applicant.display_name("fa")


def _answers(spec: Any, stored: dict, language: str, staff_only: bool) -> dict[str, Any]:
    """The answers of the template's fields as readers of ``language`` see them ('' when not given)."""
    found: dict[str, Any] = {}
    for _step, field in spec.iter_fields():
        if not field.stores or field.type == "file" or field.staff_only != staff_only:
            continue
        value = stored.get(field.id)
        if field.type == "group":
            found[field.id] = [{inner.id: display_value(inner, item.get(inner.id), language)
                                if item.get(inner.id) not in (None, "", []) else "" for inner in field.fields}
                               for item in value or []]
        else:
            found[field.id] = display_value(field, value, language) if value not in (None, "", []) else ""
    return found


def _profile(request: ServiceRequest, language: str) -> dict[str, str]:
    """The applicant as the template sees them."""
    registration_fields = _registration_fields()
    profile = request.applicant.profile or {}
    found = {key: display_value(registration_fields[key], profile[key], language)
             if key in registration_fields and profile.get(key) not in (None, "") else "" for key in PROFILE_KEYS}
    if language == "en" and profile.get("first_name_latin"):
        found["first_name"] = profile.get("first_name_latin", "")
        found["last_name"] = profile.get("last_name_latin", "")
    national = request.national_code
    return {**found, "name": holder_name(request, language),
            "national_code": to_persian_digits(national) if language == "fa" else national}


def _registration_fields() -> Any:
    from forms.registry import current_registry

    return current_registry().registration.fields_by_id


def context(issue: Issue, language: str) -> dict[str, Any]:
    """Everything a template may read, in ``language``."""
    office = issue.office
    persian = language == "fa"
    request = issue.request
    return {
        "answers": _answers(issue.spec, request.answers or {}, language, staff_only=False),
        "staff": _answers(issue.spec, {**(request.answers or {}), **(request.staff_answers or {})}, language,
                          staff_only=True),
        "applicant": _profile(request, language),
        "office": {"name": office.name_fa if persian else office.name_en,
                   "city": office.city_fa if persian else office.city_en,
                   "address": office.address_fa if persian else office.address_en,
                   "phone": office.phone, "email": office.email},
        "signer": {"name": issue.signer.name or issue.signer.email if issue.signer else "",
                   "email": issue.signer.email if issue.signer else ""},
        "document": {"title": issue.declared.title.get(language), "code": codes.display(issue.code),
                     "issued_on": format_date(issue.issued_at, language),
                     "expires_on": format_date(issue.expires_at, language), "url": verification_url(issue.code)},
        "request": {"tracking_code": tracking.format_code(request.tracking_code),
                    "submitted_on": format_date(request.submitted_at, language)},
    }


def body_html(issue: Issue, language: str) -> Any:
    """The template of ``language`` filled in and rendered from Markdown (sanitized)."""
    return render_markdown(template.render(issue.declared.template.get(language), context(issue, language)))


def document_html(issue: Issue) -> str:
    """The printable HTML of the document: one section per language of the declaration."""
    fonts = {key: (_font_dir() / name).resolve().as_uri() for key, name in FONTS.items()}
    qr = qr_data_uri(verification_url(issue.code))
    verify_base = f"{current_app.config['PUBLIC_URL'].rstrip('/')}/verify"
    sections = []
    for language in issue.declared.languages:
        with force_locale(language):
            html = render_template("documents/_section.html", language=language, qr=qr, verify_base=verify_base,
                                   context=context(issue, language), body=body_html(issue, language))
            sections.append(Markup(html))  # noqa: S704  # nosec B704 # output of an autoescaped .html template
    return render_template("documents/document_pdf.html", sections=sections, fonts=fonts,
                           language=issue.declared.languages[0], code=codes.display(issue.code),
                           title=issue.declared.title.en)


def document_pdf(issue: Issue) -> bytes:
    """The document as (unsigned) PDF bytes."""
    from weasyprint import HTML

    return HTML(string=document_html(issue), base_url=str(_font_dir()), url_fetcher=_fetcher()).write_pdf()
