"""The registry: order, lookups, version keys, snapshots, the app hook and the `schemas check` commands."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask

from forms import registry as reg
from forms.__main__ import main as forms_main
from forms.spec import Service
from tests.forms.conftest import service_yaml, write_schemas

ROOT = Path(__file__).resolve().parents[2]


def _service(service_id: str, title_en: str, category: str = "travel", enabled: bool = True) -> str:
    """A small service YAML."""
    text = service_yaml("- {id: a, type: text, label: {fa: a, en: A}}\n", service_id=service_id)
    text = text.replace("title: {fa: نمونه, en: Sample}", f"title: {{fa: {title_en}, en: {title_en}}}")
    text = text.replace("category: travel", f"category: {category}")
    return text + ("" if enabled else "enabled: false\n")


@pytest.fixture()
def schema_dir(tmp_path: Path) -> Path:
    """Three services in two categories, one disabled."""
    return write_schemas(tmp_path, {
        "birth": _service("birth", "Birth registration", "civil"),
        "visa": _service("visa", "Visa", enabled=False),
        "passport": _service("passport", "Passport"),
    })


def test_services_in_category_then_title_order(schema_dir: Path) -> None:
    registry = reg.load_registry(schema_dir)
    assert list(registry.services) == ["passport", "visa", "birth"]
    assert [s.id for s in registry.enabled_services()] == ["passport", "birth"]
    assert [(c.id, [s.id for s in specs]) for c, specs in registry.catalog()] == [
        ("travel", ["passport"]), ("civil", ["birth"])]
    assert list(registry.categories) == ["travel", "civil"]
    assert registry.registration.id == "registration"
    assert registry.service("visa").enabled is False
    with pytest.raises(KeyError):
        registry.service("nope")


def test_version_key_is_content_hash(schema_dir: Path) -> None:
    first = reg.load_registry(schema_dir).service("passport").version_key
    assert re.fullmatch(r"[0-9a-f]{12}", first)
    path = schema_dir / "services" / "passport.yaml"
    path.write_text("# a comment changes nothing\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    assert reg.load_registry(schema_dir).service("passport").version_key == first
    path.write_text(path.read_text(encoding="utf-8").replace("en: A}", "en: B}"), encoding="utf-8")
    assert reg.load_registry(schema_dir).service("passport").version_key != first


def test_snapshot_round_trip_keeps_version_and_content(schema_dir: Path) -> None:
    registry = reg.load_registry(schema_dir)
    spec = registry.service("passport")
    data = registry.snapshot(spec)
    assert data["workflow"]["statuses"][0]["id"] == "submitted"
    rebuilt = reg.spec_from_snapshot("service", data)
    assert isinstance(rebuilt, Service)
    assert rebuilt.version_key == spec.version_key
    assert rebuilt.snapshot() == {key: value for key, value in data.items() if key != "$language"}
    assert data["$language"] == 1  # stored snapshots say which schema-language version wrote them (#13)
    assert registry.spec_from_snapshot("service", data) is spec
    assert reg.spec_from_snapshot("registration", registry.snapshot(registry.registration)).version_key == \
        registry.registration.version_key


def test_old_snapshot_renders_after_the_yaml_changes(schema_dir: Path) -> None:
    old = reg.load_registry(schema_dir).service("passport")
    data = old.snapshot()
    path = schema_dir / "services" / "passport.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("en: A}", "en: Changed}"), encoding="utf-8")
    registry = reg.load_registry(schema_dir)
    assert registry.service("passport").version_key != old.version_key
    again = registry.spec_from_snapshot("service", data)
    assert again.version_key == old.version_key
    assert again.steps[0].fields[0].label.en == "A"
    assert registry.spec_from_snapshot("service", data) is again
    assert reg.spec_from_snapshot("service", data) is again


def test_workflow_default_and_withdrawn(schema_dir: Path) -> None:
    workflow = reg.load_registry(schema_dir).service("passport").workflow
    assert workflow.initial == "submitted"
    assert [s.id for s in workflow.all_statuses][-1] == "withdrawn"
    assert workflow.status("withdrawn").final
    assert workflow.can_withdraw("submitted") and not workflow.can_withdraw("in_review")
    assert workflow.next_statuses("in_review") == ["needs_info", "approved", "rejected"]
    assert workflow.next_statuses("appointment") == ["attended", "no_show"]
    assert workflow.status("needs_info").amend and workflow.status("appointment").appointment


def _app(schema_dir: Path) -> Flask:
    """A bare app with the registry attached."""
    app = Flask("registry_tests")
    app.config["SCHEMA_DIR"] = str(schema_dir)
    reg.init_app(app)
    return app


def test_init_app_and_current_registry(schema_dir: Path) -> None:
    app = _app(schema_dir)
    with app.app_context():
        assert reg.current_registry() is app.extensions["mikhak_schemas"]
        assert reg.current_registry().service("birth").category == "civil"


def test_init_app_refuses_to_start_listing_every_error(tmp_path: Path) -> None:
    schema_dir = write_schemas(tmp_path, {
        "one": service_yaml("- {id: a, type: txt, label: {fa: a, en: A}}\n", service_id="one"),
        "two": service_yaml("- {id: a, type: text, label: A}\n", service_id="two"),
    })
    with pytest.raises(RuntimeError) as info:
        _app(schema_dir)
    assert str(info.value) == (
        "the schema files have 2 error(s):\n"
        "schemas/services/one.yaml:8:23: unknown field type 'txt'; did you mean 'text'?\n"
        "schemas/services/two.yaml:8:36: expected a text in both languages: {fa: …, en: …}")


def test_flask_schemas_check_ok(schema_dir: Path) -> None:
    result = _app(schema_dir).test_cli_runner().invoke(args=["schemas", "check"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "schemas/categories.yaml: ok (2 categories)"
    assert re.fullmatch(r"schemas/registration\.yaml: ok \(registration, 2 steps, 7 fields, version [0-9a-f]{12}\)",
                        lines[1])
    assert re.fullmatch(r"schemas/services/visa\.yaml: ok \(service visa, disabled, 1 step, 1 field, "
                        r"version [0-9a-f]{12}\)", lines[-1])
    assert len(lines) == 5


def test_flask_schemas_check_reports_errors_of_given_file(schema_dir: Path) -> None:
    app = _app(schema_dir)
    bad = schema_dir / "services" / "visa.yaml"
    bad.write_text(bad.read_text(encoding="utf-8").replace("type: text", "type: txt"), encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["schemas", "check", str(bad)])
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "schemas/services/visa.yaml: 1 error",
        "schemas/services/visa.yaml:8:23: unknown field type 'txt'; did you mean 'text'?",
    ]


def test_python_m_forms_check_one_file(schema_dir: Path) -> None:
    result = CliRunner().invoke(forms_main, ["check", str(schema_dir / "services" / "birth.yaml")])
    assert result.exit_code == 0, result.output
    assert re.fullmatch(r"schemas/services/birth\.yaml: ok \(service birth, 1 step, 1 field, "
                        r"version [0-9a-f]{12}\)\n", result.output)


def test_python_m_forms_check_unknown_file(schema_dir: Path, tmp_path: Path) -> None:
    stray = tmp_path / "stray.yaml"
    stray.write_text("a: 1\n", encoding="utf-8")
    result = CliRunner().invoke(forms_main, ["check", str(stray)])
    assert result.exit_code == 1
    assert "not a schema file" in result.output


def test_python_m_forms_runs_as_a_module(schema_dir: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "forms", "check", "--dir", str(schema_dir)], cwd=ROOT,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count(": ok (") == 5


def test_shipped_schemas_pass_the_checker() -> None:
    registry = reg.load_registry(ROOT / "schemas")
    assert registry.services, "no services shipped"
    assert all(spec.category in registry.categories for spec in registry.services.values())
