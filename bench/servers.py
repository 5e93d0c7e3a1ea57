"""Bench helpers: gunicorn servers on loopback and wrk runs, parsed."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))


def free_port() -> int:
    """Return a free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """A gunicorn master serving ``app_spec`` from ``chdir`` on 127.0.0.1 (stopped by its pid)."""

    def __init__(self, name: str, app_spec: str, chdir: Path, env: dict[str, str], workers: int = 2,
                 extra: tuple[str, ...] = ()) -> None:
        self.name, self.port = name, free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = tempfile.NamedTemporaryFile(prefix=f"bench-{name}-", suffix=".log", delete=False)  # noqa: SIM115
        command = [GUNICORN, "-w", str(workers), "-b", f"127.0.0.1:{self.port}", "--chdir", str(chdir),
                   "--log-level", "warning", *extra, app_spec]
        # cwd=chdir: gunicorn reads ./gunicorn.conf.py where it starts (Mikhak's sets preload_app).
        self.process = subprocess.Popen(command, env={**os.environ, **env}, stdout=self.log,
                                        stderr=subprocess.STDOUT, start_new_session=True, cwd=chdir)
        self.started = time.perf_counter()
        self.wait_ready()

    def wait_ready(self, timeout: float = 60) -> None:
        """Wait until /healthz answers."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited: {Path(self.log.name).read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=2):  # noqa: S310  # nosec B310 (http to the loopback server this bench started)
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"{self.name} did not start: {Path(self.log.name).read_text()[-3000:]}")

    def worker_pids(self) -> list[int]:
        """Return the pids of the master's worker processes."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]

    def stop(self) -> None:
        """Stop the master (and so its workers)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()


def rss_mib(pid: int) -> float:
    """Return a process's resident set size in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


@dataclass
class WrkResult:
    """What one wrk run measured."""

    requests_per_s: float
    p50_ms: float
    p99_ms: float
    requests: int
    bad: int  # non-2xx/3xx responses and connect/read/write errors
    timeouts: int  # requests still unanswered after wrk's --timeout


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def wrk(url: str, *, seconds: float, connections: int = 32, threads: int = 2, headers: dict | None = None,
        method: str = "GET", body: str = "") -> WrkResult:
    """Run wrk against ``url`` and parse its throughput, latency percentiles and errors."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(f'wrk.method = "{method}"\n')
        if body:
            script.write(f"wrk.body = [[{body}]]\n")
        for name, value in (headers or {}).items():
            script.write(f'wrk.headers["{name}"] = [[{value}]]\n')
    command = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds:g}s", "--latency",
               "--timeout", "10s", "-s", script.name, url]
    output = subprocess.run(command, capture_output=True, text=True, check=False)
    if output.returncode:
        raise RuntimeError(f"wrk failed: {output.stderr or output.stdout}")
    output = output.stdout
    os.unlink(script.name)
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    total = int(re.search(r"(\d+) requests in", output).group(1))
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", output, re.MULTILINE).group(1))
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", output, re.MULTILINE).group(1))
    bad = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", output))
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    bad += sum(int(n) for n in errors.groups()[:3]) if errors else 0
    return WrkResult(rate, p50, p99, total, bad, int(errors.group(4)) if errors else 0)
