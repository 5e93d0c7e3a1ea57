"""The checker on `issues:`: unknown references, syntax errors and statuses as file:line:col."""

from __future__ import annotations

from pathlib import Path

from forms.registry import load_registry
from tests.forms.conftest import errors_of, service_yaml, write_schemas

F = "schemas/services/sample.yaml"
FIELDS = """
- {id: name, type: text, label: {fa: نام, en: Name}}
- {id: number, type: text, label: {fa: شماره, en: Number}, staff_only: true}
"""


def _issues(template_fa: str, template_en: str = "Hello {{ answers.name }}", on_status: str = "completed") -> str:
    return f"""
issues:
  - id: letter
    title: {{fa: نامه, en: Letter}}
    on_status: {on_status}
    template:
      fa: |
{template_fa}
      en: "{template_en}"
"""


def test_a_valid_declaration_loads(tmp_path: Path) -> None:
    text = service_yaml(FIELDS, _issues("        {{ answers.name }} {{ staff.number }} {{ office.name }}"))
    registry = load_registry(write_schemas(tmp_path, {"sample": text}))
    declared = registry.services["sample"].issues[0]
    assert (declared.id, declared.on_status, declared.languages) == ("letter", "completed", ["fa", "en"])


def test_unknown_references_are_reported_where_they_are_written(tmp_path: Path) -> None:
    template_fa = ("        سلام {{ answers.name }}\n"
                   "        {{ answers.nmae }} و {{ staff.name }}\n"
                   "        {% for x in answers.name %}{{ x.anything }}{% endfor %} {{ secret }}")
    text = service_yaml(FIELDS, _issues(template_fa, "Dear {{ applicant.nam }}", on_status="done"))
    assert errors_of(write_schemas(tmp_path, {"sample": text})) == [
        f"{F}:13:16: 'on_status' 'done' is not a status of this service's workflow (appointment, approved, "
        "attended, completed, in_review, needs_info, no_show, rejected, submitted)",
        f"{F}:17:12: answers.nmae: 'nmae' is not an applicant's field of this service",
        f"{F}:17:33: staff.name: 'name' is not a staff-only field of this service",
        f"{F}:18:68: unknown name 'secret' in the template (known: answers, applicant, document, office, request, "
        "signer, staff)",
        f"{F}:19:20: applicant.nam: 'nam' is not known for 'applicant'",
    ]


def test_a_template_syntax_error_is_located(tmp_path: Path) -> None:
    text = service_yaml(FIELDS, _issues("        line one\n        {{ answers.name "))
    errors = errors_of(write_schemas(tmp_path, {"sample": text}))
    assert len(errors) == 1 and errors[0].startswith(f"{F}:17:") and "template syntax error" in errors[0]


def test_unknown_keys_and_roles_are_schema_errors(tmp_path: Path) -> None:
    text = service_yaml(FIELDS, _issues("        x") + "    signer: consul\n")
    errors = errors_of(write_schemas(tmp_path, {"sample": text}))
    assert len(errors) == 1 and errors[0].startswith(f"{F}:18:5:") and "signer" in errors[0]


def test_the_shipped_services_issue_documents(app) -> None:
    from forms.registry import current_registry

    with app.app_context():
        services = current_registry().services
        assert [d.on_status for d in services["power_of_attorney"].issues] == ["delivered"]
        assert [d.on_status for d in services["no_criminal_record"].issues] == ["completed"]
        assert services["no_criminal_record"].issues[0].valid_days == 180
