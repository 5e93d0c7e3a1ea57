"""HTML attributes without a `Markup.format` per attribute: WTForms' `html_params`, same output, ~5× faster.

WTForms builds every attribute with ``Markup('{k}="{v}"').format(...)``, which runs Python's
``string.Formatter`` (escaping through ``format_field``) once per attribute: the largest single cost of
rendering a generated step (about 140 calls a page). ``install()`` puts this version in WTForms'
widgets, labels and ``wtforms.widgets.html_params``; tests/forms/test_html_params.py checks that it
gives exactly WTForms' output for any arguments.
"""

from __future__ import annotations

from typing import Any

import wtforms.widgets
from markupsafe import Markup, escape
from wtforms.widgets import core

WTFORMS_HTML_PARAMS = core.html_params


def html_params(**kwargs: Any) -> Markup:
    """Return ``key="value"`` pairs sorted by key (``True`` bare, ``False`` left out), values escaped."""
    params = []
    for key, value in sorted(kwargs.items()):
        key = core.clean_key(key)
        if value is True:
            params.append(str(escape(key)))
        elif value is not False:
            params.append(f'{escape(key)}="{str(escape(value)).replace(chr(34), "&quot;")}"')
    return Markup(" ".join(params))  # noqa: S704  # nosec B704 # every key and value escaped above


def install() -> None:
    """Make WTForms' widgets and labels use this ``html_params`` (idempotent)."""
    core.html_params = html_params
    wtforms.widgets.html_params = html_params
    for widget in vars(core).values():
        if isinstance(widget, type) and isinstance(vars(widget).get("html_params"), staticmethod):
            widget.html_params = staticmethod(html_params)
