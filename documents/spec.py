"""The `issues:` key of a service: the documents it issues, each with a bilingual template.

Kept apart from forms/spec.py (which imports it for the one `issues:` key), so that it depends on nothing
of the form engine.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictStr, StringConstraints, model_validator

Slug = Annotated[StrictStr, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]
NonEmpty = Annotated[StrictStr, StringConstraints(strip_whitespace=True, min_length=1)]
ROLES = ("officer", "admin")
REVOCATION_REASONS = ("error", "replaced", "fraud", "withdrawn", "court_order", "other")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Bilingual(_Model):
    """A text (or a template) in Persian and English."""

    fa: NonEmpty
    en: NonEmpty

    def get(self, locale: object = None) -> str:
        """The Persian text, or the English one for any other language."""
        return self.fa if str(locale or "fa").startswith("fa") else self.en


# Access levels and the casework roles of workflow/roles.py (kept literal so that the checker lists them).
StaffRole = Literal["officer", "admin", "consul", "cashier", "reception"]


class IssuedDocumentSpec(_Model):
    """One document a service issues when its workflow reaches ``on_status``.

    ``template`` is Jinja (sandboxed) producing Markdown, in each language; it may read ``answers``,
    ``staff`` (the staff-only fields), ``applicant``, ``office``, ``signer``, ``document`` and ``request``.
    ``roles``: who may issue (by moving the request to ``on_status``), revoke and reissue it: an access level
    (``officer``, ``admin``) or a casework role of workflow/roles.py (``consul``, ``cashier``, ``reception``).
    """

    id: Slug
    title: Bilingual
    on_status: Slug
    template: Bilingual
    languages: Annotated[list[Literal["fa", "en"]], Field(min_length=1, max_length=2)] = ["fa", "en"]
    valid_days: Annotated[int, Field(gt=0, le=36500)] | None = None
    roles: Annotated[list[StaffRole], Field(min_length=1)] = ["officer", "admin"]
    revoke_roles: Annotated[list[StaffRole], Field(min_length=1)] = ["admin"]
    attach: StrictBool = False  # the signed PDF attached to the "ready" e-mail (else: downloaded when signed in)

    @model_validator(mode="after")
    def _unique_languages(self) -> IssuedDocumentSpec:
        if len(set(self.languages)) != len(self.languages):
            raise ValueError("'languages' lists a language twice")
        return self
