"""Serving documents: type, disposition with Persian names, nosniff, no caching, CSP, integrity."""

from __future__ import annotations

from urllib.parse import unquote

import pytest

from core.models import Document, StoredBlob
from storage import BlobCorrupted, BlobNotFound, LocalStorage, accept_upload, get_storage, send_document
from storage.serving import CSP, content_disposition

from .samples import PDF, jpeg, upload


def store(applicant, data: bytes, filename: str) -> Document:
    """Store a file through intake."""
    return accept_upload(upload(data, filename), accept=["jpeg", "png", "pdf"], max_bytes=1024 * 1024,
                         applicant=applicant, field_id="scan")


@pytest.mark.parametrize("upload_backend", ["local", "database"])
def test_inline_image_headers(applicant, upload_backend: str) -> None:
    document = store(applicant, jpeg(), "photo.jpg")
    response = send_document(document, as_attachment=False)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "image/jpeg"
    assert response.headers["Content-Disposition"] == "inline; filename=\"photo.jpg\"; filename*=UTF-8''photo.jpg"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.headers["Content-Security-Policy"] == (
        "default-src 'none'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; sandbox")
    assert response.headers["Cross-Origin-Resource-Policy"] == "same-origin"
    assert response.get_data() == get_storage().open(document.storage_key)


def test_persian_name_attachment(applicant) -> None:
    document = store(applicant, PDF, "گذرنامهٔ سارا.pdf")
    response = send_document(document, as_attachment=True)
    assert response.headers["Content-Type"] == "application/pdf"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="document.pdf"; filename*=UTF-8\'\'')
    assert disposition.isascii()
    assert unquote(disposition.split("UTF-8''", 1)[1]) == "گذرنامهٔ سارا.pdf"
    assert response.headers["Content-Security-Policy"] == CSP
    assert response.get_data() == PDF


def test_inline_pdf_is_not_sandboxed_so_browsers_can_show_it(applicant) -> None:
    response = send_document(store(applicant, PDF, "form.pdf"), as_attachment=False)
    assert response.headers["Content-Security-Policy"] == (
        "default-src 'none'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'")
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(("name", "fallback"), [
    ('a"b\\c;.pdf', 'filename="a_b_c.pdf"'),
    ("résumé.pdf", 'filename="resume.pdf"'),
    ("", 'filename="document"'),
])
def test_content_disposition_fallback_is_safe_ascii(name: str, fallback: str) -> None:
    header = content_disposition(name, as_attachment=True)
    assert fallback in header
    assert unquote(header.split("UTF-8''", 1)[1]) == (name or "document")


@pytest.mark.fresh_app  # adds a route
def test_headers_survive_the_app_wide_hooks(app, client, applicant) -> None:
    document = store(applicant, jpeg(), "photo.jpg")
    app.add_url_rule("/test-document", "test_document", lambda: send_document(document, as_attachment=False))
    response = client.get("/test-document")
    assert response.headers["Content-Security-Policy"] == CSP
    assert response.headers["Content-Type"] == "image/jpeg"
    assert response.headers["Cache-Control"] == "private, no-store"


def test_unexpected_content_type_is_downloaded_as_octet_stream(applicant) -> None:
    document = store(applicant, PDF, "form.pdf")
    document.content_type = "text/html"
    response = send_document(document, as_attachment=False)
    assert response.headers["Content-Type"] == "application/octet-stream"
    assert response.headers["Content-Disposition"].startswith("attachment;")


@pytest.mark.parametrize("upload_backend", ["local", "database"])
def test_changed_or_missing_bytes_are_detected(applicant, upload_backend: str) -> None:
    document = store(applicant, PDF, "form.pdf")
    storage = get_storage()
    if isinstance(storage, LocalStorage):
        storage.path(document.storage_key).write_bytes(PDF.replace(b"Catalog", b"Catalox"))
    else:
        StoredBlob.update(data=PDF.replace(b"Catalog", b"Catalox")).where(
            StoredBlob.key == document.storage_key).execute()
    with pytest.raises(BlobCorrupted):
        send_document(document, as_attachment=True)
    storage.delete(document.storage_key)
    with pytest.raises(BlobNotFound):
        send_document(document, as_attachment=True)
