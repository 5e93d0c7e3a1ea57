"""Headers (security.md "Logging and errors" and "Uploads"): CSP on pages and on served documents, nosniff, HSTS."""

from __future__ import annotations

import pytest

from core.models import Applicant
from storage.serving import send_document
from tests.helpers import jpeg_bytes
from tests.storage.test_serving import store

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def directives(policy: str) -> dict[str, str]:
    return {part.strip().split(" ", 1)[0]: part.strip().partition(" ")[2] for part in policy.split(";") if part.strip()}


@pytest.mark.parametrize("path", ["/", "/sign-in", "/services", "/no-such-page", "/admin/sign-in"])
def test_every_page_has_the_csp_numbers_and_the_other_headers(client, path):
    response = client.get(path)
    policy = directives(response.headers["Content-Security-Policy"])
    for name in ("object-src", "base-uri", "frame-ancestors"):
        assert policy[name] == "'none'", (path, name)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "Strict-Transport-Security" not in response.headers  # development: no HTTPS to pin


def test_production_pins_https_for_a_year(test_config):
    from app import create_app
    test_config.update(MIKHAK_ENV="production", SECRET_KEY="x" * 40, MAIL_BACKEND="smtp")
    hsts = create_app(test_config).test_client().get("/").headers["Strict-Transport-Security"]
    assert int(hsts.split("max-age=")[1].split(";")[0]) >= 31536000


@pytest.fixture()
def applicant(app):
    with app.test_request_context("/"):
        yield Applicant.create(national_code="0499370899", email="a@example.com")


@pytest.mark.parametrize("content,name,attachment", [(jpeg_bytes(), "p.jpg", False), (PDF, "f.pdf", False),
                                                     (PDF, "f.pdf", True)])
def test_served_documents_forbid_plugins_base_and_framing_whatever_the_sandbox(applicant, content, name, attachment):
    """`sandbox` limits what the document may do, not who may frame it; base-uri has no default-src fallback."""
    response = send_document(store(applicant, content, name), as_attachment=attachment)
    policy = directives(response.headers["Content-Security-Policy"])
    assert policy["default-src"] == "'none'"
    for directive in ("object-src", "base-uri", "frame-ancestors"):
        assert policy[directive] == "'none'", directive
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Disposition"].startswith("attachment" if attachment else "inline")
