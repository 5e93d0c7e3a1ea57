"""`file`: uploaded documents, checked by size and content, stored as document ids."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from flask_babel import force_locale, ngettext
from pydantic import AfterValidator, Field, StrictInt

from forms import validators as v
from forms.specbase import (
    FILE_KINDS,
    InputBase,
    Number,
    _within,
)
from forms.text import language_of
from forms.types import register
from forms.types.base import FieldType, localize_digits
from forms.wtf import (
    UploadField,
)


class FileField(InputBase):
    """Uploaded documents (no default)."""

    type: Literal["file"]
    accept: Annotated[list[Literal["jpeg", "png", "pdf"]], Field(min_length=1)] = list(FILE_KINDS)
    max_size_mb: Annotated[Number, AfterValidator(lambda v: _within(v, 0, 20, "max_size_mb"))] = 5
    max_files: Annotated[StrictInt, Field(ge=1, le=10)] = 1


@register
class FileType(FieldType):
    """`file`: uploads checked by size and content; stored as document ids."""

    name = "file"
    spec_model = FileField
    layout = "file"
    in_groups = False
    testable = False
    holds_documents = True
    field_class = UploadField

    def kwargs(self, spec: Any) -> dict[str, Any]:
        """One or several files."""
        return {"multiple": spec.max_files > 1}

    def filters(self, spec: Any) -> list:
        """Uploads are not filtered."""
        return []

    def render_kw(self, spec: Any) -> dict[str, Any]:
        """Accepted content types and limits for the browser."""
        return {**super().render_kw(spec), "accept": ",".join(v.MIME_TYPES[k] for k in spec.accept),
                "data-max-files": spec.max_files, "data-max-size-mb": spec.max_size_mb}

    def type_validators(self, spec: Any) -> list:
        """Count, size and type."""
        return [v.FileCheck(spec.accept, spec.max_size_mb, spec.max_files)]

    def to_json(self, spec: Any, data: Any) -> Any:
        """Document ids (uploads are stored by the caller first, see converter.form_to_answers)."""
        ids = [item for item in data or [] if isinstance(item, str)]
        return ids or None

    def from_json(self, spec: Any, value: Any) -> Any:
        """Document ids."""
        return list(value or [])

    def display(self, spec: Any, value: Any, locale: str) -> str:
        """How many files."""
        count = len(value or [])
        with force_locale(language_of(locale)):
            return localize_digits(ngettext("%(num)d file", "%(num)d files", count), locale)
