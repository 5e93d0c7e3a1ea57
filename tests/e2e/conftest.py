"""End-to-end fixtures: the real app served by a subprocess, a real SMTP capture, headless Chromium."""

from __future__ import annotations

import email
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from email.message import Message
from email.policy import default as default_policy
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = ROOT / "docs" / "screenshots"
FAILURES = ROOT / "test-results"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test in this folder as an end-to-end test."""
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


def free_port() -> int:
    """Return a free TCP port on the loopback interface."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Inbox:
    """Messages received by the test's SMTP server."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=default_policy))
        return "250 OK"

    def wait_for(self, to: str, subject_part: str = "", timeout: float = 30) -> Message:
        """Return the newest message to ``to`` whose subject contains ``subject_part``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for message in reversed(self.messages):
                if to in message["To"] and subject_part in str(message["Subject"]):
                    return message
            time.sleep(0.1)
        raise AssertionError(f"no e-mail to {to} with {subject_part!r}; got {[m['Subject'] for m in self.messages]}")

    @staticmethod
    def text(message: Message) -> str:
        """Return the plain-text part of a message."""
        part = message.get_body(preferencelist=("plain",))
        return part.get_content() if part else ""


@pytest.fixture(scope="session")
def smtp_inbox():
    """A real SMTP server (aiosmtpd) on a free loopback port."""
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port(), server_hostname="smtp.test")
    controller.start()
    inbox.port = controller.port
    yield inbox
    controller.stop()


def e2e_database_url() -> str:
    """Return a fresh database for the served app: SQLite by default, a new PostgreSQL database in PG runs."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return ""
    import psycopg2

    base, _, name = url.rpartition("/")
    e2e_name = f"{name}_e2e"
    connection = psycopg2.connect(url)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{e2e_name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{e2e_name}"')
    connection.close()
    return f"{base}/{e2e_name}"


@pytest.fixture(scope="session")
def fake_stripe():
    """A local stand-in for Stripe (tests/payments/fake_stripe.py) that the served app pays through."""
    from tests.payments.fake_stripe import FakeStripe

    with FakeStripe() as server:
        yield server


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory, smtp_inbox: Inbox, fake_stripe):
    """Serve the app with `flask run` in a subprocess on a fresh database, as `make run` does."""
    from tests.payments.fake_stripe import API_KEY, WEBHOOK_SECRET

    instance = tmp_path_factory.mktemp("instance")
    port = free_port()
    env = {
        **os.environ,
        "MIKHAK_INSTANCE": str(instance),
        "MAIL_BACKEND": "smtp", "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(smtp_inbox.port),
        "MAIL_SEND_INLINE": "true", "PUBLIC_URL": f"http://127.0.0.1:{port}",
        "STRIPE_API_BASE": fake_stripe.base, "STRIPE_SECRET_KEY": API_KEY, "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "STRIPE_CHECKOUT_ORIGIN": fake_stripe.base,
        # Every browser here signs in from 127.0.0.1: the per-address code limit (10 an hour) would refuse the
        # session's later journeys. The limits themselves are tested in tests/auth.
        "RATELIMIT_EXEMPT_IPS": "127.0.0.1",
    }
    env["DATABASE_URL"] = e2e_database_url() or f"sqlite:///{instance / 'mikhak.db'}"
    flask = [sys.executable, "-m", "flask", "--app", "app"]
    for command in (["db", "upgrade"], ["demo", "load"]):
        subprocess.run([*flask, *command], cwd=ROOT, env=env, check=True, capture_output=True)
    log = open(instance / "server.log", "wb")  # noqa: SIM115 (closed at teardown)
    server = subprocess.Popen([*flask, "run", "--port", str(port)], cwd=ROOT, env=env, stdout=log,
                              stderr=subprocess.STDOUT)
    # A mail worker beside the server, as in production: it sends whatever inline sending left behind.
    worker_log = open(instance / "worker.log", "wb")  # noqa: SIM115 (closed at teardown)
    worker = subprocess.Popen([*flask, "mail", "work", "--interval", "1"], cwd=ROOT, env=env, stdout=worker_log,
                              stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    fake_stripe.webhook_url = f"{base}/payments/webhooks/stripe"
    deadline = time.monotonic() + 60  # a loaded CI machine may take a while to import everything
    while time.monotonic() < deadline and server.poll() is None:
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1)  # noqa: S310  # nosec B310 (http, loopback only)
            break
        except OSError:
            time.sleep(0.2)
    else:
        server.kill()
        worker.kill()
        log.flush()
        raise RuntimeError("the app did not start:\n" + (instance / "server.log").read_text())
    yield {"url": base, "instance": instance, "env": env}
    for process in (server, worker):
        process.terminate()
        process.wait(10)
    log.close()
    worker_log.close()


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium driven by Playwright."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make e2e`, which installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"])
        yield chromium
        chromium.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """Keep each phase's report on the test item, so fixtures can see whether the test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture()
def page_factory(browser, live_server, request):
    """Open pages in fresh browser contexts at a given viewport; screenshots of them when the test fails."""
    contexts, pages = [], []

    def open_page(viewport: dict | None = None):
        context = browser.new_context(viewport=viewport or DESKTOP, base_url=live_server["url"])
        contexts.append(context)
        pages.append(context.new_page())
        return pages[-1]

    yield open_page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        FAILURES.mkdir(exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
        for number, page in enumerate(pages):
            page.screenshot(path=str(FAILURES / f"{name}-{number}.png"), full_page=True)
        for kind in ("server", "worker"):
            log = (live_server["instance"] / f"{kind}.log").read_text(errors="replace")
            (FAILURES / f"{name}-{kind}.log").write_text(log)
            print(f"--- {kind} log (last lines) ---\n{log[-3000:]}")
    for context in contexts:
        context.close()


AXE = ROOT / "tests" / "e2e" / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def axe_violations(page) -> list[dict]:
    """Run axe-core (WCAG 2.x A and AA rules) on the page and return its violations."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `make e2e`, which installs it with npm")
    # Judge the page as a person sees it: after its style sheets and fonts are in (on a loaded CI machine a
    # check started during a redirect's navigation measured the back office's links against no style at all).
    page.wait_for_load_state("load")
    page.evaluate("document.fonts.ready.then(() => true)")
    page.evaluate(AXE.read_text())
    return page.evaluate(
        """(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})
                 .then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                                    nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))})))""",
        AXE_TAGS)


def assert_accessible(page) -> None:
    """Fail with axe-core's findings when the page has any WCAG A/AA violation."""
    violations = axe_violations(page)
    assert violations == [], f"{page.url}: {violations}"


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot under docs/screenshots/."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
