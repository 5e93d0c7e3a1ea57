"""The services page draws each workflow (Graphviz SVG) with its moves as a table, in Persian and English."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import DESKTOP, assert_accessible, screenshot
from tests.e2e.journeys import staff_sign_in


@pytest.mark.parametrize("language", ["fa", "en"])
def test_an_admin_sees_the_workflow_of_a_service(page_factory, live_server, language):
    staff = page_factory(DESKTOP)
    staff_sign_in(staff, live_server, language, "admin@mikhak.example", "mikhak-demo-admin")
    staff.goto("/admin/services/")
    staff.locator("a[href$='/admin/services/workflow/power_of_attorney/']").click()
    assert staff.locator(".workflow-diagram svg").is_visible()
    signed = "امضا و تصدیق شد" if language == "fa" else "Signed and attested"
    assert staff.locator(".workflow-diagram svg text", has_text=signed).count() >= 1
    # Persian readers see the field's and the role's Persian names; English ones the ids they write in YAML.
    field, role = ("شمارهٔ ثبت در دفتر وکالت‌نامه‌ها", "کنسول") if language == "fa" else ("registry_number", "consul")
    row = staff.locator(".workflow-moves tr", has_text=field)
    assert role in row.first.inner_text()
    assert_accessible(staff)
    screenshot(staff, f"admin-workflow-{language}")
