"""Host-country languages: a third language in texts when HOST_LANGUAGES allows it; a missing translation is
a warning, a language not allowed an error, both as file:line:col."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from forms import languages
from forms.registry import load_files, load_registry
from tests.forms.conftest import errors_of, service_yaml, write_schemas

F = "schemas/services/sample.yaml"
ROOT = Path(__file__).resolve().parents[2]
FIELDS = """
    - {id: city, type: text, label: {fa: شهر, en: City, de: Stadt}}
    - {id: street, type: text, label: {fa: خیابان, en: Street}}
"""


@pytest.fixture()
def german() -> Iterator[None]:
    """HOST_LANGUAGES=de for the test."""
    languages.configure(["de"])
    yield
    languages.configure(None)


def problems(schema_dir: Path) -> list[str]:
    """Errors and warnings of the sample service."""
    result = next(r for r in load_files(schema_dir) if r.name == F)
    return [str(p) for p in sorted([*result.errors, *result.warnings])]


def test_a_missing_translation_is_a_warning_and_the_text_is_served_in_the_language(tmp_path, german):
    schema_dir = write_schemas(tmp_path, {"sample": service_yaml(FIELDS)})
    assert problems(schema_dir) == [
        f"{F}:2:8: warning: no 'de' translation: other texts of this file have one (add de: …)",
        f"{F}:6:12: warning: no 'de' translation: other texts of this file have one (add de: …)",
        f"{F}:9:41: warning: no 'de' translation: other texts of this file have one (add de: …)",
    ]
    spec = load_registry(schema_dir).service("sample")
    city = spec.fields_by_id["city"].label
    assert (city.get("de"), city.get("en"), city.get("fa"), city.get("tr")) == ("Stadt", "City", "شهر", "City")
    assert spec.fields_by_id["street"].label.get("de") == "Street"  # untranslated: English
    assert spec.snapshot()["steps"][0]["fields"][0]["label"] == {"fa": "شهر", "en": "City", "de": "Stadt"}


def test_a_language_not_allowed_is_an_error(tmp_path):
    schema_dir = write_schemas(tmp_path, {"sample": service_yaml(FIELDS)})
    assert errors_of(schema_dir) == [
        f"{F}:8:59: the language 'de' is not enabled for schema texts: add it to HOST_LANGUAGES (now: none)"]


def test_a_stray_key_in_a_text_is_still_unknown(tmp_path, german):
    schema_dir = write_schemas(tmp_path, {"sample": service_yaml(
        "- {id: city, type: text, label: {fa: شهر, en: City, xx: Y}}\n")})
    assert errors_of(schema_dir) == [
        f"{F}:8:59: unknown key 'xx' (allowed here: fa, en, or a language code like de)"]


def test_the_checker_reads_host_languages_from_the_environment(tmp_path):
    schema_dir = write_schemas(tmp_path, {"sample": service_yaml(FIELDS)})
    env = {**os.environ, "HOST_LANGUAGES": "de"}
    result = subprocess.run([sys.executable, "-m", "forms", "check", str(schema_dir)], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{F}:9:41: warning: no 'de' translation: other texts of this file have one (add de: …)" in \
        result.stdout.splitlines()


def test_the_app_takes_host_languages_from_its_config(tmp_path):
    from flask import Flask

    from forms import registry

    app = Flask("host_languages")
    app.config.update(SCHEMA_DIR=str(write_schemas(tmp_path, {"sample": service_yaml(FIELDS)})),
                      HOST_LANGUAGES=["de"])
    try:
        registry.init_app(app)
        warnings = [str(w) for w in app.extensions["mikhak_schemas"].warnings]
    finally:
        languages.configure(None)
    assert f"{F}:9:41: warning: no 'de' translation: other texts of this file have one (add de: …)" in warnings
