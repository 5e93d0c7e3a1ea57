"""`declaration`: "I declare …" — one check box that must be ticked; the accepted text is stored with the answer."""

from __future__ import annotations

from typing import Any, Literal

from flask_babel import force_locale, gettext
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField
from wtforms.validators import StopValidation

from forms.specbase import InputBase
from forms.text import language_of
from forms.types import register
from forms.types.base import FieldType


class DeclarationField(InputBase):
    """A declaration the applicant makes: its `label` is the declaration text, in both languages."""

    type: Literal["declaration"]


class Declared:
    """Refuse an unticked declaration (there is no "No")."""

    def __init__(self) -> None:
        self.field_flags = {"required": True}

    def __call__(self, form: Any, field: Any) -> None:
        if not field.data:
            field.errors[:] = []
            raise StopValidation(_l("Tick the box to make this declaration."))


@register
class DeclarationType(FieldType):
    """`declaration`: a check box labelled with the text; stored as the text accepted, {fa, en}."""

    name = "declaration"
    spec_model = DeclarationField
    field_class = BooleanField
    layout = "boolean"
    in_groups = False
    testable = False

    def validators(self, spec: Any) -> list:
        """Always required, ticked."""
        return [Declared()]

    def filters(self, spec: Any) -> list:
        """A check box is not filtered."""
        return []

    def to_json(self, spec: Any, data: Any) -> Any:
        """The text declared, in both languages (None when not ticked)."""
        return {"fa": spec.label.fa, "en": spec.label.en} if data is True else None

    def from_json(self, spec: Any, value: Any) -> Any:
        """Ticked when a text was declared."""
        return bool(value) or None

    def display(self, spec: Any, value: Any, locale: str) -> str:
        """"Declared", and the text declared when it is not the label shown beside it."""
        if not value:
            return ""
        language = language_of(locale)
        with force_locale(language):
            declared = gettext("Declared")
        text = value.get(language, "") if isinstance(value, dict) else ""
        return declared if not text or text == spec.label.get(language) else f"{declared}: {text}"

    def cross_check(self, spec: Any, checker: Any, path: tuple, scope: Any) -> None:
        """A declaration is made by the applicant, always."""
        if spec.staff_only:
            checker.add((*path, "staff_only"), "a declaration is made by the applicant; it cannot be staff_only")
        if "required" in spec.model_fields_set and not spec.required:
            checker.add((*path, "required"), "a declaration must always be ticked; remove 'required: false'")

    def submitted(self, spec: Any, value: Any) -> str | list[str]:
        """The check box's value."""
        return "y"
