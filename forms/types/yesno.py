"""`yesno`: yes or no, stored as a boolean."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from flask_babel import force_locale, gettext
from flask_babel import lazy_gettext as _l
from pydantic import StrictBool
from wtforms import RadioField
from wtforms.fields.choices import SelectChoice

from forms import validators as v
from forms.specbase import (
    InputBase,
    describe,
)
from forms.text import language_of
from forms.types import register
from forms.types.base import FieldType


class YesNoField(InputBase):
    """Yes or no."""

    type: Literal["yesno"]
    default: StrictBool | None = None


@register
class YesNoType(FieldType):
    """`yesno`: two radio buttons; stored as a boolean."""

    name = "yesno"
    spec_model = YesNoField
    layout = "choices"
    staff_filter = "yesno"
    field_class = RadioField

    def operand_problem(self, spec: Any, value: Any) -> str | None:
        """true or false."""
        return None if isinstance(value, bool) else f"a yesno field is true or false, not {describe(value)}"

    def kwargs(self, spec: Any) -> dict[str, Any]:
        """Yes and No."""
        return {"choices": [SelectChoice("yes", _l("Yes")), SelectChoice("no", _l("No"))], "validate_choice": False}

    def filters(self, spec: Any) -> list:
        """Values are not filtered."""
        return []

    def type_validators(self, spec: Any) -> list:
        """yes or no."""
        return [v.InChoices(("yes", "no"))]

    def to_json(self, spec: Any, data: Any) -> Any:
        """True or False."""
        if isinstance(data, bool):
            return data
        return {"yes": True, "no": False}.get(data)

    def from_json(self, spec: Any, value: Any) -> Any:
        """'yes' or 'no'."""
        return None if value is None else ("yes" if value else "no")

    def browser_value(self, spec: Any, operand: Any, today: dt.date) -> str | None:
        """true → 'yes', false → 'no' (the radio buttons' values)."""
        return ("yes" if operand else "no") if isinstance(operand, bool) else None

    def submitted(self, spec: Any, value: Any) -> str | list[str]:
        """'yes' or 'no'."""
        return "yes" if value else "no"

    def display(self, spec: Any, value: Any, locale: str) -> str:
        """Yes or No in ``locale``."""
        if value is None:
            return ""
        with force_locale(language_of(locale)):
            return gettext("Yes") if value else gettext("No")
