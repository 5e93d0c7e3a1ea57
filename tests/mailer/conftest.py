"""Mail fixtures: a real SMTP server (aiosmtpd) on 127.0.0.1, an app that sends to it, test templates."""

from __future__ import annotations

import asyncio
import socket
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from jinja2 import ChoiceLoader, DictLoader

# Feature e-mails live with their features; these stand-ins use only the shared layout and msgids
# the catalog already has, so the Persian rendering is real.
TEMPLATES = {
    "email/test_notice.subject.txt": '{{ _("Mikhak") }}: {{ title }}\n',
    "email/test_notice.txt": (
        '{% extends "email/layout.txt" %}{% block content %}{{ greeting }}\n{{ _("Sign in") }}: {{ code }}'
        "{% endblock %}"
    ),
    "email/test_notice.html": (
        '{% extends "email/layout.html" %}{% block content %}<p>{{ greeting }}</p>'
        "<p>{{ _('Sign in') }}: <strong>{{ code }}</strong></p>{% endblock %}"
    ),
    "email/text_only.subject.txt": "{{ title }}",
    "email/text_only.txt": "{{ body }}",
}


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on (for now)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Recorder:
    """An aiosmtpd handler that keeps every message and refuses recipients at refused.example."""

    def __init__(self, delay: float = 0.0) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.ehlo: list[str] = []
        self.delay = delay

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.ehlo.append(hostname)
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.endswith("@refused.example"):
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        self.messages.append(BytesParser(policy=policy.default).parsebytes(envelope.original_content))
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"


class SmtpServer:
    """A real SMTP server on a fixed port that a test can start, stop and start again."""

    def __init__(self, port: int, **options) -> None:
        self.port = port
        self.options = options
        self.recorder = Recorder()
        self.controller: Controller | None = None

    @property
    def messages(self) -> list[EmailMessage]:
        return self.recorder.messages

    def start(self) -> SmtpServer:
        self.controller = Controller(self.recorder, hostname="127.0.0.1", port=self.port, server_hostname="smtp.test",
                                     **self.options)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


def accept_only(username: str, password: str):
    """Return an aiosmtpd authenticator accepting one LOGIN/PLAIN user."""

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == username \
            and auth_data.password.decode() == password
        return AuthResult(success=ok, handled=False)

    return authenticator


@pytest.fixture()
def smtp_port() -> int:
    return free_port()


@pytest.fixture()
def smtp_server(smtp_port):
    """A started SMTP server on ``smtp_port``; stopped after the test."""
    server = SmtpServer(smtp_port).start()
    yield server
    server.stop()


@pytest.fixture()
def smtp_down(smtp_port):
    """The same port with nothing listening; the test may ``start()`` it later."""
    server = SmtpServer(smtp_port)
    yield server
    server.stop()


@pytest.fixture()
def test_config(test_config, smtp_port):
    """Send by SMTP to 127.0.0.1:smtp_port; no inline sending unless a test turns it on."""
    test_config.update(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_port, MAIL_TIMEOUT=5,
                       MAIL_SEND_INLINE=False, MAIL_FROM="Mikhak <no-reply@mikhak.example>")
    return test_config


@pytest.fixture()
def app(app):
    """The app, able to render the stand-in templates above."""
    app.jinja_env.loader = ChoiceLoader([DictLoader(TEMPLATES), app.jinja_env.loader])
    return app


@pytest.fixture()
def ctx(app):
    """An application context for calling the outbox API directly."""
    with app.app_context():
        yield app
