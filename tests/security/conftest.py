"""Hostile-suite fixtures: the app served on loopback by a real WSGI server, a real haproxy in front."""

from __future__ import annotations

import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server


def built(test_config: dict):
    """Build an app from ``test_config`` (and the environment) on a clean, upgraded database."""
    from app import create_app
    from core import migrations
    from core.db import database
    from tests.conftest import USE_PG, _reset_postgres

    application = create_app(test_config)
    with application.app_context():
        _reset_postgres() if USE_PG else migrations.upgrade()
        database.close()
    return application


def free_port() -> int:
    """Return a free TCP port on the loopback interface."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout: float = 10) -> None:
    """Wait until something accepts connections on 127.0.0.1:``port``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise AssertionError(f"nothing listens on 127.0.0.1:{port}")


def serve(app) -> Iterator[int]:
    """Serve ``app`` with Werkzeug's threaded server on a free loopback port; yield the port."""
    server = make_server("127.0.0.1", free_port(), app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_port
    finally:
        server.shutdown()
        thread.join(5)


HAPROXY_CONFIG = """\
global
    maxconn 200
defaults
    mode http
    timeout connect 5s
    timeout client 30s
    timeout server 30s
    option forwardfor
frontend web
    bind 127.0.0.1:{front}
    http-request set-header X-Forwarded-Proto https
    default_backend app
backend app
    server app1 127.0.0.1:{back}
"""


def haproxy(tmp_path: Path, back: int) -> Iterator[int]:
    """Run Debian's haproxy on a free loopback port in front of 127.0.0.1:``back``; yield its port."""
    binary = shutil.which("haproxy") or "/usr/sbin/haproxy"
    if not Path(binary).exists():
        pytest.fail("haproxy is not installed (make's system stamp installs it: apt-get install haproxy)")
    front = free_port()
    config = tmp_path / "haproxy.cfg"
    config.write_text(HAPROXY_CONFIG.format(front=front, back=back))
    check = subprocess.run([binary, "-c", "-q", "-f", str(config)], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    process = subprocess.Popen([binary, "-db", "-f", str(config)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_port(front)
        yield front
    finally:
        process.terminate()
        process.wait(10)
