"""Template helpers that render any WTForms form (schema-generated or hand-written) the same way."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from flask import Flask
from flask_babel import gettext
from markupsafe import Markup, escape
from wtforms import fields as wf

import forms.html
from forms.types import field_type
from forms.wtf import DatePartsField, GroupField, NoticeField, UploadField
from i18n import localized_digits

_KIND_BY_CLASS: tuple[tuple[type, str], ...] = (
    (NoticeField, "notice"),
    (DatePartsField, "date"),
    (GroupField, "group"),
    (UploadField, "file"),
    (wf.HiddenField, "hidden"),
    (wf.RadioField, "choices"),
    (wf.SelectMultipleField, "checks"),
    (wf.BooleanField, "boolean"),
    (wf.FieldList, "group"),
    (wf.MultipleFileField, "file"),
    (wf.FileField, "file"),
)


def field_kind(field: wf.Field) -> str:
    """Return how a field is laid out: text, choices, checks, boolean, date, group, file, notice, hidden.

    Schema fields are laid out as their type says; hand-written forms by their WTForms classes."""
    declared = getattr(field, "mikhak_kind", None)
    if declared:
        return declared
    schema_type = (field.render_kw or {}).get("data-type")
    if schema_type:  # a schema field: its type says (forms/types/), an unknown type is an error
        return field_type(schema_type).layout_of(field)
    for cls, kind in _KIND_BY_CLASS:
        if isinstance(field, cls):
            if kind == "checks" and not _renders_checkboxes(field):
                return "text"
            return kind
    return "text"


def _renders_checkboxes(field: wf.Field) -> bool:
    """Return whether a multiple-select field is shown as a list of check boxes."""
    return getattr(field.widget, "prefix_label", None) is not None or "ListWidget" in type(field.widget).__name__


def flat_errors(errors: Iterable | dict) -> list[str]:
    """Flatten WTForms errors (lists, or dicts of lists for nested forms) into messages."""
    if isinstance(errors, dict):
        return [message for value in errors.values() for message in flat_errors(value)]
    messages: list[str] = []
    for item in errors or []:
        if isinstance(item, (list, tuple, dict)):
            messages.extend(flat_errors(item))
        elif item:
            messages.append(str(item))
    return messages


def first_input_id(field: wf.Field) -> str:
    """Return the id of the first focusable input of a field, for error-summary links."""
    kind = field_kind(field)
    if kind in ("choices", "checks"):
        return f"{field.id}-0"
    if kind == "date":
        return getattr(field, "first_input_id", f"{field.id}-day")
    if kind == "group":
        return field.id
    return field.id


def field_attributes(field: wf.Field, hidden: frozenset[str] = frozenset(),
                     shown_if: Mapping[str, str] | None = None) -> Markup:
    """Return the wrapper's attributes: its show_if for the browser, and `hidden` when hidden right now.

    ``shown_if`` (from ``browser_conditions``) holds the conditions translated into the form's submitted values.
    """
    condition = (shown_if or {}).get(field.name)
    attributes = Markup('data-show-if="{}"').format(condition) if condition else Markup("")
    return attributes + Markup(" hidden") if field.name in hidden else attributes


def hidden_field_names(form) -> frozenset[str]:
    """Return the names of a schema form's fields hidden by show_if for its current answers."""
    finder = getattr(form, "hidden_fields", None)
    return frozenset(finder()) if finder else frozenset()


def browser_conditions(form) -> dict[str, str]:
    """Return a schema form's show_if conditions for the browser, by input name ({} for other forms)."""
    finder = getattr(form, "browser_conditions", None)
    return finder() if finder else {}


def browser_rules(form) -> list:
    """Return a schema step form's eligibility rules as (message, rule for the browser) ([] for other forms)."""
    finder = getattr(form, "browser_rules", None)
    return finder() if finder else []


def group_item_label(field: wf.FieldList, number: int) -> str:
    """Return the heading of one item of a repeatable group ("Child 2")."""
    label = getattr(field, "item_label", None) or field.label.text
    return f"{label} {localized_digits(number)}"


def upload_rules(field: wf.Field) -> Markup:
    """Say a schema file field's accepted types, size limit and number of files, before the applicant chooses."""
    attrs = field.render_kw or {}
    if not attrs.get("accept"):
        return Markup("")
    return describe_upload(str(attrs["accept"]).split(","), attrs.get("data-max-size-mb"),
                           int(attrs.get("data-max-files") or 1))


def describe_upload(mime_types: list[str], max_size_mb: float | None, max_files: int) -> Markup:
    """"File types: PDF, JPEG. Each file at most 5 MB. One file." in the reader's language and digits."""
    names = {"image/jpeg": "JPEG", "image/png": "PNG", "application/pdf": "PDF"}
    types = ", ".join(names.get(mime, mime) for mime in mime_types if mime)
    parts = [escape(gettext("File types: %(types)s.")) % {"types": Markup("<bdi dir=\"ltr\">%s</bdi>") % types}]
    if max_size_mb:
        parts.append(gettext("Each file at most %(size)s MB.", size=localized_digits(f"{float(max_size_mb):g}")))
    parts.append(gettext("Up to %(count)s files.", count=localized_digits(max_files)) if max_files > 1
                 else gettext("One file."))
    return Markup(" ").join(parts)


def init_app(app: Flask) -> None:
    """Register the helpers as template globals (and WTForms' widgets on the faster html_params)."""
    forms.html.install()
    app.jinja_env.globals.update(
        field_kind=field_kind, flat_errors=flat_errors, first_input_id=first_input_id,
        field_attributes=field_attributes, browser_conditions=browser_conditions, browser_rules=browser_rules,
        group_item_label=group_item_label, hidden_field_names=hidden_field_names, upload_rules=upload_rules,
        describe_upload=describe_upload,
    )
