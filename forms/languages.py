"""Host-country languages: texts may carry a third language (`de: …`) besides Persian and English, the
languages Mikhak serves. HOST_LANGUAGES (config or environment, e.g. `de,tr`) lists those allowed; the
checker reports a text in any other language as an error and a missing translation as a warning."""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

from forms.errors import SchemaError
from forms.loader import Document
from forms.specbase import is_language_code

SERVED = ("fa", "en")
_configured: tuple[str, ...] | None = None


def parse(value: str | Iterable[str]) -> tuple[str, ...]:
    """Language codes from 'de, tr' or a list, lower-cased, in order, without repeats or fa/en."""
    items = value.split(",") if isinstance(value, str) else list(value)
    codes = [str(item).strip().lower() for item in items]
    return tuple(dict.fromkeys(code for code in codes if code and code not in SERVED))


def configure(value: str | Iterable[str] | None) -> None:
    """Set the allowed host languages (the app does, from its HOST_LANGUAGES); None: from the environment."""
    global _configured
    _configured = None if value is None else parse(value)


def host_languages() -> tuple[str, ...]:
    """The host-country languages schema texts may carry."""
    return _configured if _configured is not None else parse(os.environ.get("HOST_LANGUAGES", ""))


def _texts(data: Any, path: tuple = ()) -> Iterable[tuple[tuple, dict]]:
    """Every bilingual text (a mapping with `fa` and `en`) in a file's data, with its path."""
    if isinstance(data, dict):
        if "fa" in data and "en" in data:
            yield path, data
            return
        for key, value in data.items():
            yield from _texts(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _texts(value, (*path, index))


def check_languages(doc: Document, allowed: Iterable[str] | None = None) -> list[SchemaError]:
    """Errors for texts in a language not allowed; a warning for each text lacking a language the file uses."""
    allowed = tuple(host_languages() if allowed is None else allowed)
    problems: list[SchemaError] = []
    texts = list(_texts(doc.data))
    used: list[str] = []
    for path, text in texts:
        for key in text:
            if not is_language_code(key):
                continue
            if key not in allowed:
                now = ", ".join(allowed) or "none"
                problems.append(doc.error((*path, key), f"the language {key!r} is not enabled for schema texts: "
                                                        f"add it to HOST_LANGUAGES (now: {now})", key=True))
            elif key not in used:
                used.append(key)
    for path, text in texts:
        for language in used:
            if language not in text:
                problems.append(doc.error(path, f"no {language!r} translation: other texts of this file have one "
                                                f"(add {language}: …)", warning=True))
    return problems
