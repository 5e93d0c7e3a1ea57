"""Test helpers: sign in through the real one-time-password flow, complete registration, make files."""

from __future__ import annotations

import datetime as dt
import io
import re

from PIL import Image

from core.models import MailMessage

NATIONAL_CODE = "0499370899"
OTHER_NATIONAL_CODE = "0790419904"


def last_mail(app, to: str) -> MailMessage:
    """Return the newest queued e-mail to ``to``."""
    with app.app_context():
        return MailMessage.select().where(MailMessage.to == to).order_by(MailMessage.id.desc()).first()


def sign_in(client, app, national_code: str = NATIONAL_CODE, email: str = "applicant@example.com"):
    """Sign in as an applicant, reading the code from the e-mail as a person would."""
    client.post("/sign-in", data={"national_code": national_code, "email": email})
    body = last_mail(app, email).body_text
    code = re.search(r"\b(\d{6})\b", body).group(1)
    return client.post("/sign-in/code", data={"code": code})


def date_parts(name: str, iso: str, calendar: str = "gregorian") -> dict:
    """Form data of a date field typed as day, month and year."""
    year, month, day = iso.split("-")
    return {f"{name}-day": day, f"{name}-month": str(int(month)), f"{name}-year": year, f"{name}-calendar": calendar}


REGISTRATION_STEPS = {
    "identity": {
        "first_name": "مریم", "last_name": "احمدی", "first_name_latin": "Maryam", "last_name_latin": "Ahmadi",
        "father_name": "علی", **date_parts("birth_date", "1990-05-17"), "birth_country": "IR",
        "birth_place": "تهران", "gender": "female", "marital_status": "single", "birth_certificate_number": "1234",
    },
    "residence": {"residence_country": "DE", "city": "Berlin", "address": "Unter den Linden 1, Berlin",
                  "postal_code": "10117"},
    "residency": {"residency_status": "student", "permit_number": "DE-123456",
                  **date_parts("permit_expiry", "2030-01-01"), **date_parts("abroad_since", "2015-09-01")},
    "contact": {"phone": "+4915123456789", "email": "applicant@example.com"},
}


def register(client, steps: dict | None = None) -> None:
    """Complete the registration wizard and confirm it."""
    for step_id, data in (steps or REGISTRATION_STEPS).items():
        response = client.post(f"/register/step/{step_id}", data={**data, "action": "next"})
        assert response.status_code == 302, (step_id, response.get_data(as_text=True)[-3000:])
    response = client.post("/register/review")
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]


def jpeg_bytes(size: tuple[int, int] = (60, 80), color: str = "white") -> bytes:
    """Return a small real JPEG image."""
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "JPEG")
    return buffer.getvalue()


PDF_BYTES = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
             b"trailer<</Root 1 0 R>>\n%%EOF\n")


def upload(data: bytes, name: str):
    """A (stream, filename) pair for the test client's multipart posts."""
    return (io.BytesIO(data), name)


class Clock:
    """A frozen UTC clock the app reads through the CLOCK setting; tests set or move it."""

    def __init__(self, start: dt.datetime) -> None:
        self.current = start

    def __call__(self) -> dt.datetime:
        return self.current

    def set(self, moment: dt.datetime) -> None:
        self.current = moment

    def advance(self, **delta: float) -> dt.datetime:
        self.current += dt.timedelta(**delta)
        return self.current


def passport_requests(statuses: dict[str, dict], national_code: str = "0499370899") -> dict[str, int]:
    """Create one passport request per status (extra columns per status) in a Berlin office; ids by status.

    Call inside an app context on an empty database.
    """
    from core.models import Applicant, Office, ServiceRequest
    from forms.registry import current_registry
    from wizard.snapshots import ensure_snapshot

    version = ensure_snapshot(current_registry().services["passport"], "service")
    office = Office.create(code="de-berlin", name_fa="برلین", name_en="Berlin", country="DE")
    applicant = Applicant.create(national_code=national_code, email="a@example.com")
    return {status: ServiceRequest.create(tracking_code=f"T{i}", applicant=applicant, service_id="passport",
                                          version_key=version, office=office, status=status,
                                          national_code=national_code, **extra).id
            for i, (status, extra) in enumerate(statuses.items())}
