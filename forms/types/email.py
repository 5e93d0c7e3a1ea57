"""`email`: an e-mail address, normalized by email-validator."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import StrictStr
from wtforms.widgets import EmailInput

from forms import validators as v
from forms.specbase import (
    InputBase,
)
from forms.types import register
from forms.types.base import FieldType


class EmailField(InputBase):
    """An email address."""

    type: Literal["email"]
    default: StrictStr | None = None


@register
class EmailType(FieldType):
    """`email`: normalized by email-validator."""

    name = "email"
    spec_model = EmailField
    direction = "ltr"
    searchable = True

    def kwargs(self, spec: Any) -> dict[str, Any]:
        """Email input."""
        return {"widget": EmailInput()}

    def type_validators(self, spec: Any) -> list:
        """Syntax."""
        return [v.Email()]
