"""Back-office fixtures: a frozen clock, offices, staff with known passwords and TOTP secrets, requests."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools

import pyotp
import pytest

from admin import credentials
from casework.indexing import reindex
from casework.workflow import is_open_status, record_event
from core.models import Applicant, Document, Office, ServiceRequest, Staff
from forms.registry import current_registry
from storage import get_storage
from tests.helpers import Clock

START = dt.datetime(2026, 3, 10, 8, 0, 0)
PASSWORD = "correct horse battery staple"
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
NATIONAL_CODES = ["0499370899", "0790419904", "0084575948", "0963695398"]
_codes = itertools.count(1)


@pytest.fixture()
def clock() -> Clock:
    return Clock(START)


@pytest.fixture()
def test_config(test_config: dict, clock: Clock) -> dict:
    test_config["CLOCK"] = clock
    return test_config


@pytest.fixture()
def client(app):
    """A test client reading the back office in English (the tests assert English texts)."""
    english = app.test_client()
    english.get("/lang/en")
    return english


def totp_now(clock: Clock, secret: str = SECRET, steps: int = 0) -> str:
    """The code an authenticator app shows at the clock's time (``steps`` × 30 s later)."""
    moment = clock().replace(tzinfo=dt.UTC).timestamp() + steps * 30
    return pyotp.TOTP(secret).at(int(moment))


@pytest.fixture()
def world(app):
    """Two offices, an admin, an officer in each office, and an applicant."""
    with app.app_context():
        berlin = Office.create(code="de-berlin", name_fa="برلین", name_en="Berlin", country="DE")
        london = Office.create(code="gb-london", name_fa="لندن", name_en="London", country="GB")
        password_hash = credentials.hash_password(PASSWORD)

        def staff(email: str, role: str, office: Office | None, work_roles: tuple = ("officer",)) -> Staff:
            return Staff.create(email=email, name=email.split("@")[0].title(), role=role, office=office,
                                work_roles=list(work_roles), password_hash=password_hash, totp_secret=SECRET,
                                totp_confirmed=True)

        admin = staff("admin@mikhak.example", "admin", None)
        berlin_officer = staff("berlin@mikhak.example", "officer", berlin)
        london_officer = staff("london@mikhak.example", "officer", london)
        berlin_consul = staff("consul@mikhak.example", "officer", berlin, ("officer", "consul"))
        applicant = Applicant.create(national_code=NATIONAL_CODES[0], email="sara@example.com",
                                     activated_at=START, profile={"first_name": "سارا", "last_name": "رضایی",
                                                                  "residence_country": "DE"})
        return {"berlin": berlin.id, "london": london.id, "admin": admin.id, "berlin_officer": berlin_officer.id,
                "london_officer": london_officer.id, "berlin_consul": berlin_consul.id, "applicant": applicant.id}


def make_request(app, office_id: int, applicant_id: int, service_id: str = "passport", answers: dict | None = None,
                 status: str | None = None, submitted: dt.datetime = START, due_days: int | None = 45,
                 staff_answers: dict | None = None) -> int:
    """Create a submitted request (answers indexed, first timeline event) and return its id."""
    with app.app_context():
        spec = current_registry().services[service_id]
        from wizard.snapshots import ensure_snapshot

        applicant = Applicant.get_by_id(applicant_id)
        status = status or spec.workflow.initial
        is_open = is_open_status(spec, status)
        row = ServiceRequest.create(
            tracking_code=f"TST{next(_codes):06d}", applicant=applicant, service_id=service_id,
            version_key=ensure_snapshot(spec, "service"), office=office_id,
            status=status, is_open=is_open, closed_at=None if is_open else submitted,
            answers=answers if answers is not None else {"request_type": "renewal", "surname": "رضایی"},
            staff_answers=staff_answers or {}, national_code=applicant.national_code,
            applicant_name=applicant.display_name(), submitted_at=submitted, updated_at=submitted,
            due_at=submitted + dt.timedelta(days=due_days) if due_days else None)
        record_event(row, to_status=row.status, actor_type="applicant", actor_id=applicant.id)
        reindex(row, spec)
        return row.id


def make_document(app, request_id: int, field_id: str = "photo", data: bytes = b"%PDF-1.4 test\n%%EOF\n") -> int:
    """Store a small PDF and attach it to a request."""
    with app.app_context():
        row = ServiceRequest.get_by_id(request_id)
        key = get_storage().save(data)
        doc = Document.create(applicant=row.applicant_id, request=row, field_id=field_id, storage_key=key,
                              original_name="passport.pdf", content_type="application/pdf", size=len(data),
                              sha256=hashlib.sha256(data).hexdigest())
        return doc.id


def sign_in_staff(client, clock: Clock, email: str, password: str = PASSWORD, steps: int = 0):
    """Sign in through the password and TOTP pages; return the final response."""
    response = client.post("/admin/sign-in", data={"email": email, "password": password})
    assert response.status_code == 303, response.get_data(as_text=True)[-2000:]
    return client.post("/admin/sign-in/code", data={"code": totp_now(clock, steps=steps)})


@pytest.fixture()
def staff_client(app, clock, world):
    """A function returning a test client signed in as the given staff key of ``world``."""

    def signed_in(key: str):
        client = app.test_client()
        client.get("/lang/en")
        with app.app_context():
            email = Staff.get_by_id(world[key]).email
        response = sign_in_staff(client, clock, email)
        assert response.status_code == 303, response.get_data(as_text=True)[-2000:]
        clock.advance(seconds=30)  # the next sign-in needs a fresh time step
        return client

    return signed_in


def page(response) -> str:
    return response.get_data(as_text=True)
