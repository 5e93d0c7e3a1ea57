"""Sign-in fixtures: a controllable clock, and helpers that act as a person with a browser and a mailbox."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from core.models import MailMessage
from tests.helpers import Clock

START = dt.datetime(2026, 3, 10, 8, 0, 0)
VALID_CODES = ["0499370899", "0790419904", "0084575948", "0963695398", "0684159414", "0067749828",
               "0650451252", "1583250689", "4032152314", "0076229645", "4400276201", "2540201288"]
CODE_IN_MAIL = re.compile(r"(?<![0-9])([0-9]{6})(?![0-9])")


def national_code(number: int) -> str:
    """Return a valid national code built from ``number`` (its first nine digits, then the check digit)."""
    body = f"{number:09d}"[-9:]
    remainder = sum(int(d) * (10 - i) for i, d in enumerate(body)) % 11
    check = remainder if remainder < 2 else 11 - remainder
    return body + str(check)


@pytest.fixture()
def clock() -> Clock:
    return Clock(START)


@pytest.fixture()
def test_config(test_config: dict, clock: Clock) -> dict:
    """The shared test configuration, with the app reading time from ``clock``."""
    test_config["CLOCK"] = clock
    return test_config


def mails_to(app, address: str) -> list[MailMessage]:
    """Return the messages queued for ``address``, oldest first."""
    with app.app_context():
        return list(MailMessage.select().where(MailMessage.to == address).order_by(MailMessage.id))


def code_from_mail(app, address: str) -> str:
    """Read the one-time password from the newest email to ``address``, as its reader would."""
    messages = mails_to(app, address)
    assert messages, f"no email was queued for {address}"
    found = CODE_IN_MAIL.findall(messages[-1].body_text)
    assert len(found) == 1, messages[-1].body_text
    return found[0]


def ask_code(client, code: str, email: str, ip: str = "192.0.2.10", **extra):
    """Submit the sign-in form from ``ip``."""
    return client.post("/sign-in", data={"national_code": code, "email": email, **extra},
                       environ_base={"REMOTE_ADDR": ip})


def enter_code(client, code: str, ip: str = "192.0.2.10"):
    """Submit the code form from ``ip``."""
    return client.post("/sign-in/code", data={"code": code}, environ_base={"REMOTE_ADDR": ip})


def sign_in(app, client, code: str = VALID_CODES[0], email: str = "sara@example.com", ip: str = "192.0.2.10"):
    """Go through the whole sign-in with the code read from the email; return the final response."""
    response = ask_code(client, code, email, ip)
    assert response.status_code == 303, response.get_data(as_text=True)
    return enter_code(client, code_from_mail(app, email), ip)


def page(response) -> str:
    return response.get_data(as_text=True)
