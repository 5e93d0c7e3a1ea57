"""Fixtures for the schema engine: a tiny Flask app with Babel, and schema directories written from inline YAML."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask, request
from flask_babel import Babel

from forms.errors import SchemaErrors
from forms.registry import Registry, load_registry

CATEGORIES = """\
- id: travel
  title: {fa: سفر, en: Travel}
- id: civil
  title: {fa: ثبت احوال, en: Civil registration}
"""

REGISTRATION = """\
id: registration
title: {fa: ثبت‌نام, en: Registration}
steps:
  - id: identity
    title: {fa: هویت, en: Identity}
    fields:
      - {id: first_name, type: text, label: {fa: نام, en: First name}, required: true}
      - {id: last_name, type: text, label: {fa: نام خانوادگی, en: Surname}, required: true}
      - {id: birth_date, type: date, label: {fa: تاریخ تولد, en: Birth date}, required: true}
      - id: gender
        type: choice
        label: {fa: جنسیت, en: Sex}
        options:
          - {value: male, label: {fa: مرد, en: Male}}
          - {value: female, label: {fa: زن, en: Female}}
  - id: contact
    title: {fa: تماس, en: Contact}
    fields:
      - {id: residence_country, type: country, label: {fa: کشور, en: Country}, required: true}
      - {id: email, type: email, label: {fa: ایمیل, en: Email}, required: true}
      - {id: phone, type: phone, label: {fa: تلفن, en: Phone}, required: true}
"""


def dedent(text: str) -> str:
    """Inline YAML without the test's indentation."""
    return textwrap.dedent(text).lstrip("\n")


def write_schemas(root: Path, services: dict[str, str] | None = None, registration: str = REGISTRATION,
                  categories: str = CATEGORIES) -> Path:
    """Write a schema directory (root/schemas) and return it."""
    schema_dir = root / "schemas"
    (schema_dir / "services").mkdir(parents=True, exist_ok=True)
    (schema_dir / "categories.yaml").write_text(dedent(categories), encoding="utf-8")
    (schema_dir / "registration.yaml").write_text(dedent(registration), encoding="utf-8")
    for name, text in (services or {}).items():
        (schema_dir / "services" / f"{name}.yaml").write_text(dedent(text), encoding="utf-8")
    return schema_dir


def service_yaml(fields: str | list[tuple[str, str]], extra: str = "", service_id: str = "sample") -> str:
    """A service with one step `main` around a field list, or with several (step id, fields) steps."""
    steps = [("main", fields)] if isinstance(fields, str) else fields
    text = f"id: {service_id}\ntitle: {{fa: نمونه, en: Sample}}\ncategory: travel\nsteps:\n"
    for step_id, step_fields in steps:
        title = "{fa: اصلی, en: Main}" if step_id == "main" else f"{{fa: {step_id}, en: {step_id}}}"
        body = textwrap.indent(dedent(step_fields), " " * 6)
        text += f"  - id: {step_id}\n    title: {title}\n    fields:\n{body}"
    return text + dedent(extra)


def load_service(tmp_path: Path, fields: str, extra: str = "") -> Registry:
    """Load a registry holding one sample service."""
    return load_registry(write_schemas(tmp_path, {"sample": service_yaml(fields, extra)}))


def errors_of(schema_dir: Path) -> list[str]:
    """Every error line loading ``schema_dir`` reports."""
    with pytest.raises(SchemaErrors) as info:
        load_registry(schema_dir)
    return [str(error) for error in info.value.errors]


@pytest.fixture()
def forms_app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    """A bare Flask app with Babel and no catalogs (messages stay in English, digits follow the locale);
    the locale comes from ?lang= (default fa); CSRF off."""
    app = Flask("forms_tests")
    app.config.update(SECRET_KEY="test", WTF_CSRF_ENABLED=False, TESTING=True, BABEL_DEFAULT_LOCALE="fa",
                      BABEL_TRANSLATION_DIRECTORIES=str(tmp_path_factory.mktemp("no_catalogs")))
    Babel(app, locale_selector=lambda: request.args.get("lang", "fa") if request else "fa")
    return app


@pytest.fixture()
def fa(forms_app: Flask) -> Iterator[Flask]:
    """A Persian request context."""
    with forms_app.test_request_context("/?lang=fa"):
        yield forms_app


@pytest.fixture()
def en(forms_app: Flask) -> Iterator[Flask]:
    """An English request context."""
    with forms_app.test_request_context("/?lang=en"):
        yield forms_app
