"""`notice`: a markdown text between fields; no input, nothing stored."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from forms.specbase import (
    FieldBase,
    Text,
)
from forms.text import LocalMarkdown, lazy
from forms.types import register
from forms.types.base import FieldType
from forms.wtf import NoticeField as NoticeInput


class NoticeField(FieldBase):
    """A text shown between fields; stores nothing."""

    type: Literal["notice"]
    text: Text
    style: Literal["info", "warning"] = "info"

    stores: ClassVar[bool] = False


@register
class NoticeType(FieldType):
    """`notice`: markdown text; no input, nothing stored."""

    name = "notice"
    spec_model = NoticeField
    layout = "notice"
    testable = False
    field_class = NoticeInput

    def unbound(self, spec: Any) -> Any:
        """A NoticeField."""
        return NoticeInput(label="", description=lazy(spec.help) or "", text=LocalMarkdown(spec.text),
                           style=spec.style, render_kw=FieldType.render_kw(self, spec))

    def to_json(self, spec: Any, data: Any) -> Any:
        """Nothing is stored."""
        return None

    def display(self, spec: Any, value: Any, locale: str) -> str:
        """Nothing to show."""
        return ""
