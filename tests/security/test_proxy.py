"""Behind a real reverse proxy (haproxy on loopback): PROXY_FIX from the environment gives each client its address."""

from __future__ import annotations

import http.client
import logging
import urllib.parse

import pytest

from app import create_app
from core import config
from core.models import AuditLog, RateEvent
from tests.auth.conftest import VALID_CODES
from tests.security.conftest import built, haproxy, serve


def post_from(source: str, port: int, path: str, data: dict) -> http.client.HTTPResponse:
    """POST a form to 127.0.0.1:``port`` from the loopback address ``source`` (127.0.0.x)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20, source_address=(source, 0))
    connection.request("POST", path, body=urllib.parse.urlencode(data),
                       headers={"Content-Type": "application/x-www-form-urlencoded"})
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


@pytest.fixture()
def proxied(monkeypatch, test_config, tmp_path):
    """The app built with PROXY_FIX=1 taken from the environment, served behind haproxy; yields (app, port)."""
    monkeypatch.setenv("PROXY_FIX", "1")
    application = built(test_config)
    for back in serve(application):
        for front in haproxy(tmp_path, back):
            yield application, front


def test_proxy_fix_is_read_from_the_environment(monkeypatch, test_config):
    monkeypatch.setenv("PROXY_FIX", "1")
    assert create_app(test_config).config["PROXY_FIX"] == 1
    monkeypatch.setenv("PROXY_FIX", "2")
    assert create_app(test_config).config["PROXY_FIX"] == 2
    monkeypatch.delenv("PROXY_FIX")
    assert create_app(test_config).config["PROXY_FIX"] == 0


def test_behind_haproxy_each_applicant_has_their_own_address_in_limits_and_audit(proxied):
    app, port = proxied
    sources = [f"127.0.0.{n}" for n in range(2, 14)]  # 12 applicants, more than the 10 sends per address
    for source, national_code in zip(sources, VALID_CODES, strict=True):
        response = post_from(source, port, "/sign-in", {"national_code": national_code,
                                                        "email": f"{national_code}@example.com"})
        assert response.status == 303, (source, response.status)
        assert response.getheader("Location").endswith("/sign-in/code")
    with app.app_context():
        keys = {row.key for row in RateEvent.select() if row.key.startswith("otp-send:ip:")}
        assert keys == {f"otp-send:ip:{source}" for source in sources}
        sent = AuditLog.select().where(AuditLog.action == "otp.sent")
        assert sorted(row.ip for row in sent) == sorted(sources)


def test_without_proxy_fix_the_proxy_address_is_what_the_app_sees(test_config, tmp_path):
    """The reason to set PROXY_FIX: without it, haproxy's 127.0.0.1 is every applicant's address."""
    application = built(test_config)
    for back in serve(application):
        for front in haproxy(tmp_path, back):
            assert post_from("127.0.0.2", front, "/sign-in", {"national_code": VALID_CODES[0],
                                                              "email": "a@example.com"}).status == 303
    with application.app_context():
        assert [row.ip for row in AuditLog.select().where(AuditLog.action == "otp.sent")] == ["127.0.0.1"]


def test_a_misspelt_or_unknown_setting_is_a_start_up_warning(monkeypatch, test_config, caplog):
    monkeypatch.setenv("PROXYFIX", "1")
    monkeypatch.setenv("MAIL_SERVR", "smtp.example")
    monkeypatch.setenv("MIKHAK_ENVIRONMENT", "production")
    monkeypatch.setenv("SESSION_MANAGER", "local/host:@/tmp/.ICE-unix/1")  # an ordinary desktop variable
    with caplog.at_level(logging.WARNING, logger="mikhak.config"):
        create_app(test_config)
    warnings = [r.getMessage() for r in caplog.records if r.name == "mikhak.config"]
    assert any("PROXYFIX" in w and "PROXY_FIX" in w for w in warnings), warnings
    assert any("MAIL_SERVR" in w and "MAIL_SERVER" in w for w in warnings), warnings
    assert any("MIKHAK_ENVIRONMENT" in w for w in warnings), warnings
    assert not any("SESSION_MANAGER" in w for w in warnings), warnings
    assert not any("MIKHAK_INSTANCE" in w for w in warnings)


def test_known_settings_give_no_warning():
    environ = {name: "x" for name in config.defaults("instance")} | {"MIKHAK_INSTANCE": "instance", "PATH": "/usr/bin"}
    assert config.unknown_variables(config.defaults("instance"), environ) == []


def test_a_setting_that_is_not_a_number_stops_start_up_with_its_name():
    with pytest.raises(RuntimeError, match="PROXY_FIX"):
        config.from_environment(config.defaults("instance"), {"PROXY_FIX": "yes please"})
