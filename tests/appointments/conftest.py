"""Appointment fixtures: a frozen clock, offices with calendars, applicants, requests and staff."""

from __future__ import annotations

import datetime as dt
import secrets
from itertools import count

import pytest

from auth.sessions import token_hash
from casework import tracking
from core.db import database
from core.models import Applicant, Office, ServiceRequest, Staff, UserSession
from forms.registry import current_registry
from tests.helpers import Clock
from wizard.snapshots import ensure_snapshot

# Tuesday 1 December 2026, 08:00 UTC (09:00 in Berlin).
START = dt.datetime(2026, 12, 1, 8, 0)
WEEKDAYS = {day: [["09:00", "12:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}
_numbers = count(1)


@pytest.fixture()
def clock() -> Clock:
    return Clock(START)


@pytest.fixture()
def test_config(test_config: dict, clock: Clock) -> dict:
    test_config["CLOCK"] = clock
    return test_config


@pytest.fixture()
def ctx(app):
    """An application context with a test request context (templates use url_for)."""
    with app.test_request_context("/"):
        yield app
        if not database.is_closed():
            database.close()


def make_office(**values) -> Office:
    """Create an office (Berlin-like by default: weekdays 09:00–12:00, 30-minute slots, 2 seats)."""
    number = next(_numbers)
    data = dict(code=f"office-{number}", name_fa="بخش کنسولی سفارت جمهوری اسلامی ایران در برلین",
                name_en="Consular Section, Embassy of the I.R. of Iran, Berlin", country="DE",
                address_fa="برلین، پودبیلسکی‌آله ۶۷", address_en="Podbielskiallee 67, 14195 Berlin",
                timezone="Europe/Berlin", slot_minutes=30, slot_capacity=2, opening_hours=WEEKDAYS,
                phone="+49 30 843530", email="consular.berlin@mikhak.example")
    data.update(values)
    return Office.create(**data)


def national_code(number: int) -> str:
    """Return a valid national code built from ``number`` (nine digits, then the check digit)."""
    body = f"{number + 100_000:09d}"[-9:]
    remainder = sum(int(d) * (10 - i) for i, d in enumerate(body)) % 11
    return body + str(remainder if remainder < 2 else 11 - remainder)


def make_applicant(locale: str = "fa", **values) -> Applicant:
    number = next(_numbers)
    data = dict(national_code=national_code(number), email=f"applicant{number}@example.com", locale=locale,
                activated_at=START, profile={"first_name": "مریم", "last_name": "احمدی"})
    data.update(values)
    return Applicant.create(**data)


def make_request(office: Office, applicant: Applicant, service_id: str = "passport",
                 status: str = "approved", answers: dict | None = None) -> ServiceRequest:
    spec = current_registry().service(service_id)
    return ServiceRequest.create(
        tracking_code=tracking.new_code(), applicant=applicant, service_id=service_id,
        version_key=ensure_snapshot(spec, "service"), office=office, status=status, answers=answers or {},
        national_code=applicant.national_code, applicant_name=applicant.display_name())


def make_staff(office: Office | None, role: str = "officer") -> Staff:
    number = next(_numbers)
    return Staff.create(email=f"staff{number}@mikhak.example", name=f"Officer {number}", password_hash="x",
                        role=role, office=office, totp_confirmed=True)


def spec(service_id: str):
    return current_registry().service(service_id)


def sign_in_as(client, kind: str, record, clock: Clock) -> None:
    """Give ``client`` a live server-side session of ``record`` (as the sign-in pages would)."""
    token = secrets.token_urlsafe(16)
    UserSession.create(token_hash=token_hash(token), kind=kind, user_id=record.id, created_at=clock(),
                       last_seen_at=clock())
    with client.session_transaction() as session:
        session["_user_id"] = token
        session["_fresh"] = True
