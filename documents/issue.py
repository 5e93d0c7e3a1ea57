"""Issuing, revoking and reissuing documents; the hook the workflow calls after every status change."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from flask_babel import gettext as _

from casework.workflow import TransitionRefused
from core import audit, ratelimit
from core.db import database
from core.models import IssuedDocument, IssuedDocumentFile, ServiceRequest, Staff
from documents import codes, keys
from documents.render import Issue, document_pdf, holder_name
from documents.sign import sign_pdf
from documents.spec import REVOCATION_REASONS
from forms.registry import current_registry
from mailer import queue_email
from mailer.compose import attachment


class NotAllowed(TransitionRefused):
    """The staff member's role may not issue, revoke or reissue this document."""


def current_service(request: ServiceRequest, spec: Any = None) -> Any:
    """The service whose `issues:` apply: the current YAML (templates in force when issuing), else ``spec``."""
    return current_registry().services.get(request.service_id) or spec


def declaration(service: Any, document_type: str) -> Any:
    """The `issues:` entry ``document_type`` of a service, or None."""
    return next((d for d in getattr(service, "issues", []) if d.id == document_type), None)


def _may(staff: Staff | None, roles: list[str]) -> bool:
    """Whether ``staff`` has one of ``roles``: an access level (an admin may do anything an officer may) or a
    casework role held at their office (workflow/roles.py)."""
    from workflow.roles import holds

    return staff is not None and (staff.role in roles or staff.is_admin or any(holds(staff, r) for r in roles))


def after_transition(request: ServiceRequest, spec: Any, to_status: str, *, actor_type: str,
                     actor_id: int | None) -> list[IssuedDocument]:
    """Issue the documents the service declares for ``to_status`` (called inside the status change's transaction)."""
    service = current_service(request, spec)
    declared = [d for d in getattr(service, "issues", []) if d.on_status == to_status]
    if not declared:
        return []
    staff = Staff.get_or_none(Staff.id == actor_id) if actor_type == "staff" and actor_id else None
    issued = []
    for entry in declared:
        if staff is not None and not _may(staff, entry.roles):
            raise NotAllowed(_("Your role may not issue “%(title)s”.", title=entry.title.get(_language())))
        issued.append(issue_document(request, service, entry, staff))
    return issued


def _language() -> str:
    from i18n import current_language

    return current_language()


def issue_document(request: ServiceRequest, service: Any, declared: Any, signer: Staff | None,
                   supersedes: IssuedDocument | None = None) -> IssuedDocument:
    """Render, sign and store one document for ``request``; tell the applicant it is ready."""
    issued_at = ratelimit.now().replace(microsecond=0)
    expires_at = issued_at + dt.timedelta(days=declared.valid_days) if declared.valid_days else None
    office = request.office
    for _attempt in range(5):
        code = codes.new_code()
        if not IssuedDocument.select().where(IssuedDocument.code == code).exists():
            break
    issue = Issue(request=request, spec=service, declared=declared, office=office, signer=signer, code=code,
                  issued_at=issued_at, expires_at=expires_at)
    try:
        _development_key(office)
        pdf, fingerprint = sign_pdf(document_pdf(issue), office.code, reason=declared.title.en,
                                    location=office.city_en or office.name_en)
    except keys.NoSigningKey as exc:
        raise TransitionRefused(_("The office has no signing key; the document cannot be issued. Ask an "
                                  "administrator to install the office's key.")) from exc
    with database.atomic():
        row = IssuedDocument.create(
            code=code, request=request, office=office, service_id=request.service_id, document_type=declared.id,
            title_fa=declared.title.fa, title_en=declared.title.en, holder_name_fa=holder_name(request, "fa"),
            holder_name_en=holder_name(request, "en"), signer=signer, signer_name=str(signer) if signer else "",
            issued_at=issued_at, expires_at=expires_at, sha256=hashlib.sha256(pdf).hexdigest(),
            key_fingerprint=fingerprint)
        IssuedDocumentFile.create(document=row, pdf=pdf)
        if supersedes is not None:
            IssuedDocument.update(superseded_by=row).where(IssuedDocument.id == supersedes.id).execute()
        audit.record("document.issue", actor=signer or "workflow", object_type="issued_document", object_id=row.id,
                     office_id=office.id, tracking_code=request.tracking_code, document_type=declared.id,
                     supersedes=supersedes.id if supersedes else None, key=fingerprint[:16])
        files = [attachment(f"{declared.id}-{code}.pdf", "application/pdf", pdf)] if declared.attach else None
        _tell(request, "document_ready", row, attachments=files, supersedes=supersedes)
    return row


def _development_key(office: Any) -> None:
    """Outside production, give an office without a key a development one (as `make run` does)."""
    from flask import current_app

    if current_app.config.get("MIKHAK_ENV") == "production":
        return
    try:
        keys.office_key(office.code)
    except keys.NoSigningKey:
        current_app.logger.warning("no signing key for office %s: making a development key", office.code)
        keys.ensure_dev_keys(keys.key_dir(), [(office.code, office.name_en)])


def _tell(request: ServiceRequest, template: str, row: IssuedDocument, attachments: list | None = None,
          **extra: Any) -> None:
    """Queue an e-mail about ``row`` to the applicant, in their language."""
    applicant = request.applicant
    queue_email(applicant.email, template, applicant.locale or "fa", attachments=attachments,
                name=applicant.display_name(),
                tracking_code=request.tracking_code, title={"fa": row.title_fa, "en": row.title_en},
                code=codes.display(row.code), **extra)


class CannotChange(Exception):
    """A revocation or reissue that the document's state does not allow."""


def revoke(row: IssuedDocument, staff: Staff, reason: str, note: str = "") -> None:
    """Revoke a valid document (role-checked, audited, the applicant told)."""
    declared = declaration(current_service(row.request), row.document_type)
    if not _may(staff, declared.revoke_roles if declared else ["admin"]):
        raise NotAllowed(_("Your role may not revoke this document."))
    if reason not in REVOCATION_REASONS:
        raise CannotChange(_("Choose the reason for the revocation."))
    with database.atomic():
        changed = (IssuedDocument.update(revoked_at=ratelimit.now(), revoked_by=staff, revocation_reason=reason,
                                         revocation_note=note[:2000])
                   .where((IssuedDocument.id == row.id) & IssuedDocument.revoked_at.is_null()
                          & IssuedDocument.superseded_by.is_null()).execute())
        if not changed:
            raise CannotChange(_("This document was already revoked or replaced."))
        audit.record("document.revoke", actor=staff, object_type="issued_document", object_id=row.id,
                     office_id=row.office_id, tracking_code=row.request.tracking_code, reason_code=reason)
        _tell(row.request, "document_revoked", row, reason=reason)


def reissue(row: IssuedDocument, staff: Staff) -> IssuedDocument:
    """Issue a corrected document from the request's current answers; the old one verifies as superseded."""
    service = current_service(row.request)
    declared = declaration(service, row.document_type)
    if declared is None:
        raise CannotChange(_("The service no longer issues this document."))
    if not _may(staff, declared.revoke_roles):
        raise NotAllowed(_("Your role may not reissue this document."))
    with database.atomic():
        fresh = IssuedDocument.select().where(IssuedDocument.id == row.id).for_update().get() \
            if not _sqlite() else IssuedDocument.get_by_id(row.id)
        if fresh.superseded_by_id is not None:
            raise CannotChange(_("This document was already replaced."))
        return issue_document(row.request, service, declared, staff, supersedes=fresh)


def _sqlite() -> bool:
    from core import db

    return db.is_sqlite()


def for_request(request: ServiceRequest) -> list[IssuedDocument]:
    """The documents issued for a request, newest first."""
    return list(IssuedDocument.select().where(IssuedDocument.request == request.id)
                .order_by(IssuedDocument.issued_at.desc(), IssuedDocument.id.desc()))


