"""The development inbox, and inline sending after a request's work commits."""

from __future__ import annotations

import http.client
import threading
import time

import pytest
from werkzeug.serving import make_server

from app import create_app
from core.db import database
from core.models import MailMessage
from mailer import queue_email, queue_raw

pytestmark = pytest.mark.fresh_app  # these tests add routes to the app

def test_inbox_lists_newest_first_and_shows_a_message(ctx, client):
    older = queue_raw("older@example.com", "older subject", "older text")
    newer = queue_email("ali@example.com", "test_notice", "fa", title="کد ورود", greeting="سلام <b>علی</b>",
                        code="424242")
    page = client.get("/dev/inbox").get_data(as_text=True)
    assert page.index("میخک: کد ورود") < page.index("older subject")
    assert "ali@example.com" in page and "در انتظار ارسال" in page
    assert f'href="/dev/inbox/{older.id}"' in page

    response = client.get(f"/dev/inbox/{newer.id}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "ورود به سامانه: 424242" in page
    assert "سلام &lt;b&gt;علی&lt;/b&gt;" in page, "the text part is shown escaped"
    assert '<iframe class="panel" sandbox="" srcdoc="&lt;!doctype html&gt;' in page
    assert "<strong>" not in page, "the HTML part only ever appears escaped inside srcdoc"
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


def test_inbox_in_english(ctx, client):
    queue_raw("ali@example.com", "subject", "text")
    client.get("/lang/en")
    page = client.get("/dev/inbox").get_data(as_text=True)
    assert "Dev inbox" in page and "Pending" in page


def test_inbox_empty_and_unknown_message(client):
    assert "هنوز هیچ نامه‌ای" in client.get("/dev/inbox").get_data(as_text=True)
    assert client.get("/dev/inbox/999").status_code == 404


def test_inbox_does_not_exist_in_production(test_config):
    test_config.update(MIKHAK_ENV="production", SECRET_KEY="x" * 40, MAIL_BACKEND="smtp")
    client = create_app(test_config).test_client()
    assert client.get("/dev/inbox").status_code == 404
    assert client.get("/dev/inbox/1").status_code == 404


@pytest.mark.parametrize("environment", ["production", "staging", "test"])
def test_inbox_answers_404_whenever_the_environment_is_not_development(app, client, environment):
    app.config["MIKHAK_ENV"] = environment
    assert client.get("/dev/inbox").status_code == 404


@pytest.fixture()
def action_app(app):
    """The app with a route that queues an e-mail inside its transaction, and one whose work rolls back."""
    app.config["MAIL_SEND_INLINE"] = True

    @app.post("/test/act")
    def act():
        with database.atomic():
            queue_email("ali@example.com", "test_notice", "fa", title="کد ورود", greeting="سلام", code="424242")
        return "done"

    @app.post("/test/fail")
    def fail():
        try:
            with database.atomic():
                queue_raw("ali@example.com", "never", "never")
                raise RuntimeError("the action failed")
        except RuntimeError:
            return "not done", 409

    return app


def test_inline_sending_delivers_once_the_response_is_sent(action_app, smtp_server):
    response = action_app.test_client().post("/test/act")
    assert response.status_code == 200 and response.get_data(as_text=True) == "done"
    assert smtp_server.messages == [], "nothing is sent while the response is still being written"
    response.close()  # what the WSGI server does once the response is sent
    assert [m["Subject"] for m in smtp_server.messages] == ["میخک: کد ورود"]
    with action_app.app_context():
        assert MailMessage.get().status == "sent"


def test_inline_sending_with_smtp_down_keeps_the_action_successful(action_app, smtp_down):
    response = action_app.test_client().post("/test/act")
    assert response.status_code == 200 and response.get_data(as_text=True) == "done"
    response.close()
    with action_app.app_context():
        row = MailMessage.get()
        assert (row.status, row.attempts) == ("pending", 1)
        assert "unavailable" in row.last_error


def test_inline_sending_survives_a_broken_backend(action_app, smtp_server, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    action_app.config["MAIL_FILE_DIR"] = str(blocker / "mail")
    for backend in ("file", "no-such-backend"):
        action_app.config["MAIL_BACKEND"] = backend
        response = action_app.test_client().post("/test/act")
        response.close()
        assert response.status_code == 200
    with action_app.app_context():
        assert MailMessage.select().where(MailMessage.status == "pending").count() == 2
        assert [m.attempts for m in MailMessage.select().order_by(MailMessage.id)] == [1, 0]


def test_inline_sending_sends_nothing_when_the_action_rolled_back(action_app, smtp_server):
    response = action_app.test_client().post("/test/fail")
    response.close()
    assert response.status_code == 409
    assert smtp_server.messages == []
    with action_app.app_context():
        assert MailMessage.select().count() == 0


def test_without_inline_sending_the_message_waits_for_the_worker(action_app, smtp_server):
    action_app.config["MAIL_SEND_INLINE"] = False
    response = action_app.test_client().post("/test/act")
    response.close()
    assert response.status_code == 200
    assert smtp_server.messages == []
    with action_app.app_context():
        assert MailMessage.get().status == "pending"


def test_inline_sending_through_a_real_http_server(action_app, smtp_server):
    server = make_server("127.0.0.1", 0, action_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        connection.request("POST", "/test/act")
        response = connection.getresponse()
        assert response.status == 200 and response.read() == b"done"
        connection.close()
        deadline = time.monotonic() + 10
        while not smtp_server.messages and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        server.shutdown()
        thread.join(10)
        server.server_close()
    assert [m["Subject"] for m in smtp_server.messages] == ["میخک: کد ورود"]


def test_inbox_answers_only_on_this_machine(ctx, client):
    queue_raw("ali@example.com", "subject", "text")
    assert client.get("/dev/inbox", environ_base={"REMOTE_ADDR": "::1"}).status_code == 200
    for address in ("203.0.113.7", "192.168.1.20", ""):
        assert client.get("/dev/inbox", environ_base={"REMOTE_ADDR": address}).status_code == 404
