"""Field types by name (kept for the modules importing it): the registry lives in forms/types/, one module a type."""

from __future__ import annotations

from forms.types import FIELD_TYPES, UnknownFieldType, display_value, field_type
from forms.types.base import FieldType
from forms.types.group import ItemForm, item_form_class

__all__ = ["FIELD_TYPES", "FieldType", "ItemForm", "UnknownFieldType", "display_value", "field_type",
           "item_form_class"]
