""""Before you start" on a service page: the files to upload, the originals to bring, the visit and the time."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from forms.validators import MIME_TYPES
from web.form_helpers import describe_upload


@dataclass(frozen=True)
class Upload:
    """A file the wizard will ask for."""

    label: str
    rules: Markup
    optional: bool  # not required, or asked only in some cases


@dataclass(frozen=True)
class Original:
    """An original document to bring to the office."""

    label: str
    optional: bool  # only for some requests: tied to an upload asked only in some cases, or with a `when`


@dataclass(frozen=True)
class Checklist:
    """What an applicant needs to have at hand and to know before starting a request."""

    uploads: list[Upload]
    originals: list[Original]
    other_documents: list[str]
    visit: str | None  # "staff" (the office gives a time), "applicant" (they choose one) or None
    working_days: int | None  # the service-level target, in working days
    varies_by_office: bool  # some offices have their own target
    calendar_days: int | None  # the older, informational processing time
    steps: int


def checklist(spec, language: str) -> Checklist:
    """The service's "before you start" list in ``language``."""
    uploads = [
        Upload(field.label.get(language), describe_upload([MIME_TYPES[k] for k in field.accept], field.max_size_mb,
                                                          field.max_files),
               optional=not field.required or field.show_if is not None or step.show_if is not None)
        for step, field in spec.iter_fields() if field.type == "file" and not field.staff_only
    ]
    uploaded = {field.id for _step, field in spec.iter_fields() if field.type == "file"}
    sometimes = {field.id for step, field in spec.iter_fields() if field.type == "file"
                 and (not field.required or field.show_if is not None or step.show_if is not None)}
    originals = [Original(doc.label.get(language), doc.when is not None or doc.field in sometimes)
                 for doc in spec.documents if doc.original]
    others = [doc.label.get(language) for doc in spec.documents
              if not doc.original and (doc.field is None or doc.field not in uploaded)]
    return Checklist(
        uploads=uploads, originals=originals, other_documents=others,
        visit=spec.appointment.mode if spec.appointment is not None else None,
        working_days=spec.target.working_days if spec.target is not None else None,
        varies_by_office=bool(spec.target is not None and spec.target.offices),
        calendar_days=spec.processing_days, steps=len(spec.steps),
    )
