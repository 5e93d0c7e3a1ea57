"""The field-type registry: one module per type in this package, each owning everything about its type.

A module defines the type's spec model (its YAML keys) and a `FieldType` subclass decorated with `@register`
(WTForms field and widget, storage, display, staff search and filters, condition checks, browser encoding).
Modules are found by name, so adding a type is adding a module; containers (`group`) load last, once the
types they may hold are known. Looking up an unknown type raises `UnknownFieldType`.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from types import MappingProxyType
from typing import TYPE_CHECKING, Annotated, Any, TypeVar, Union

from pydantic import Field

if TYPE_CHECKING:
    from forms.types.base import FieldType

CONTAINERS = ("group",)  # types holding other fields: loaded after every other type
_TYPES: dict[str, FieldType] = {}
FIELD_TYPES: MappingProxyType[str, FieldType] = MappingProxyType(_TYPES)
T = TypeVar("T", bound=type)


class UnknownFieldType(KeyError):
    """A field type no module of forms/types/ defines."""


def register(cls: T) -> T:
    """Class decorator: add a FieldType subclass (one instance) to the registry under its `name`."""
    name = cls.name
    literal = cls.spec_model.model_fields["type"].annotation.__args__[0]
    if literal != name:
        raise TypeError(f"{cls.__name__}.spec_model is for type {literal!r}, not {name!r}")
    if name in _TYPES:
        raise TypeError(f"field type {name!r} is registered twice")
    _TYPES[name] = cls()
    return cls


def field_type(name: str) -> FieldType:
    """The FieldType called ``name``; UnknownFieldType (a KeyError) for an unknown type."""
    try:
        return _TYPES[name]
    except KeyError:
        raise UnknownFieldType(f"unknown field type {name!r}") from None


def names(where: Callable[[FieldType], bool] = lambda kind: True) -> frozenset[str]:
    """The names of the registered types for which ``where`` holds."""
    return frozenset(name for name, kind in _TYPES.items() if where(kind))


def spec_union(inner: bool = False) -> Any:
    """The discriminated union of the spec models (``inner``: only the types allowed inside a group)."""
    models = tuple(kind.spec_model for kind in _TYPES.values() if kind.in_groups or not inner)
    return Annotated[Union[models], Field(discriminator="type")]  # noqa: UP007 (a runtime tuple of models)


def _discover() -> None:
    """Import every type module of this package, containers last."""
    found = [info.name for info in pkgutil.iter_modules(__path__) if info.name not in ("base",)
             and not info.name.startswith("_")]
    for module in sorted(found, key=lambda name: (name in CONTAINERS, name)):
        importlib.import_module(f"{__name__}.{module}")


def display_value(spec: Any, value: Any, locale: str) -> str:
    """The answer as shown to readers of ``locale``; left-to-right kinds (phones, codes) stay in order in HTML."""
    from forms.text import LtrText

    kind = field_type(spec.type)
    shown = kind.display(spec, value, locale)
    return LtrText(shown) if kind.direction == "ltr" and shown else shown


_discover()
