"""Storage fixtures: the backend under test, a request context, an applicant and a draft."""

from __future__ import annotations

import pytest
from flask import session

from core.models import Applicant, Document, Draft, Office, ServiceRequest, StoredBlob
from storage import LocalStorage, get_storage


@pytest.fixture()
def upload_backend() -> str:
    """The storage backend under test; tests parametrize it to run on both."""
    return "local"


@pytest.fixture()
def test_config(test_config: dict, upload_backend: str) -> dict:
    """The shared test configuration with the chosen upload backend."""
    return {**test_config, "UPLOAD_BACKEND": upload_backend}


@pytest.fixture()
def ctx(app):
    """A request context in English (the default language is Persian)."""
    with app.test_request_context("/"):
        session["lang"] = "en"
        yield app


@pytest.fixture()
def applicant(ctx) -> Applicant:
    """A registered applicant."""
    return Applicant.create(national_code="0499370899", email="sara@example.org")


@pytest.fixture()
def draft(applicant: Applicant) -> Draft:
    """A service draft of the applicant."""
    return Draft.create(applicant=applicant, kind="service", schema_id="passport", version_key="v1")


@pytest.fixture()
def office(ctx) -> Office:
    """A consular office."""
    return Office.create(code="IR-LON", name_fa="لندن", name_en="London", country="GB")


def submit(applicant: Applicant, office: Office, code: str = "23456789ABCD") -> ServiceRequest:
    """Create a submitted request of the applicant."""
    return ServiceRequest.create(tracking_code=code, applicant=applicant, service_id="passport", version_key="v1",
                                 office=office, status="submitted", national_code=applicant.national_code)


def stored_blob_count() -> int:
    """Return how many blobs the current backend holds."""
    storage = get_storage()
    if isinstance(storage, LocalStorage):
        return sum(1 for path in storage.root.rglob("*") if path.is_file())
    return StoredBlob.select().count()


def document_count() -> int:
    """Return how many Document rows exist."""
    return Document.select().count()
