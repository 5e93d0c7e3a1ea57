"""`choice`: one option out of several (radio buttons or a select)."""

from __future__ import annotations

from typing import Any, Literal

from flask_babel import lazy_gettext as _l
from pydantic import StrictStr, model_validator
from pydantic_core import PydanticCustomError
from wtforms import RadioField, SelectField
from wtforms.fields.choices import SelectChoice

from forms import validators as v
from forms.specbase import (
    ChoiceBase,
    describe,
)
from forms.text import LocalText
from forms.types import register
from forms.types.base import FieldType


class ChoiceField(ChoiceBase):
    """One option out of several."""

    type: Literal["choice"]
    default: StrictStr | None = None
    widget: Literal["radio", "select"] | None = None

    @property
    def effective_widget(self) -> str:
        """Radio for up to five options unless the schema says otherwise."""
        return self.widget or ("radio" if len(self.options) <= 5 else "select")

    @model_validator(mode="after")
    def _consistent(self) -> ChoiceField:
        """Check the default is an option."""
        if self.default is not None and self.default not in self.values:
            raise PydanticCustomError("default", "'default' {got} is not one of the options",
                                      {"got": describe(self.default), "at": "default"})
        return self


def _choices(spec: Any) -> list[SelectChoice]:
    """Options as WTForms choices with lazy labels."""
    return [SelectChoice(option.value, LocalText(option.label)) for option in spec.options]


@register
class ChoiceType(FieldType):
    """`choice`: radio buttons (≤ 5 options) or a select."""

    name = "choice"
    spec_model = ChoiceField
    staff_filter = "options"

    def cross_check(self, spec: Any, checker: Any, path: tuple, scope: Any) -> None:
        """Option values are unique."""
        seen: dict[str, tuple] = {}
        for k, option in enumerate(spec.options):
            checker.unique(seen, option.value, (*path, "options", k, "value"), "option value")

    def operand_problem(self, spec: Any, value: Any) -> str | None:
        """An option value."""
        if value not in spec.values:
            return f"{describe(value)} is not an option (options: {', '.join(spec.values)})"
        return None

    def layout_of(self, field: Any) -> str:
        """Radio buttons are laid out as choices, a select as a text input."""
        return "choices" if isinstance(field, RadioField) else "text"

    def class_for(self, spec: Any) -> type:
        """Radio or select."""
        return RadioField if spec.effective_widget == "radio" else SelectField

    def kwargs(self, spec: Any) -> dict[str, Any]:
        """Options (a blank first option in a select)."""
        choices = _choices(spec)
        if spec.effective_widget == "select":
            choices.insert(0, SelectChoice("", _l("Choose…")))
        return {"choices": choices, "validate_choice": False}

    def filters(self, spec: Any) -> list:
        """Option values are not filtered."""
        return []

    def type_validators(self, spec: Any) -> list:
        """One of the options."""
        return [v.InChoices(spec.values)]

    def display(self, spec: Any, value: Any, locale: str) -> str:
        """The option's label."""
        label = spec.option_label(value) if value is not None else None
        return label.get(locale) if label is not None else ("" if value is None else str(value))
