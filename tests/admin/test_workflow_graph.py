"""The workflow diagram: `schemas graph` prints Mermaid or DOT; the services page draws it."""

from __future__ import annotations

from tests.admin.conftest import page


def test_schemas_graph_prints_mermaid_and_dot(app):
    runner = app.test_cli_runner()
    mermaid = runner.invoke(args=["schemas", "graph", "power_of_attorney"])
    assert mermaid.exit_code == 0
    lines = mermaid.output.splitlines()
    assert lines[:2] == ["stateDiagram-v2", "    [*] --> submitted"]
    assert "    at_office --> signed : consul, filled registry_number, paid, viewed principal_ids, answers" in lines
    assert "    needs_info --> closed_no_answer : after 30 days" in lines
    assert "    ready_to_sign --> at_office : check-in" in lines
    dot = runner.invoke(args=["schemas", "graph", "passport", "--format", "dot"])
    assert dot.exit_code == 0 and dot.output.startswith("digraph workflow {")
    assert '"in_review" -> "approved" [label="consul; viewed photo"];' in dot.output
    unknown = runner.invoke(args=["schemas", "graph", "pasport"])
    assert unknown.exit_code != 0 and "no service 'pasport'" in unknown.output


def test_the_services_page_draws_each_workflow(app, world, staff_client):
    admin = staff_client("admin")
    assert "/admin/services/workflow/passport/" in page(admin.get("/admin/services/"))
    html = page(admin.get("/admin/services/workflow/power_of_attorney/"))
    assert "<svg" in html and "Signed and attested" in html
    assert "consul, filled registry_number, paid, viewed principal_ids, answers" in html
    assert admin.get("/admin/services/workflow/nothing/").status_code == 404
    assert staff_client("berlin_officer").get("/admin/services/workflow/passport/").status_code == 403
