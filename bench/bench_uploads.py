"""Upload intake cost: wall time and peak memory of accept_upload() per kind of file.

Run: `.venv/bin/python bench/bench_uploads.py [--no-write]` (each case runs in a fresh process, so that peak RSS
belongs to that case alone; the input is written to disk first and read before measuring). The table is printed
and appended to bench/RESULTS.md (with the date, machine and load average) unless --no-write.

Earlier results on the development container (2 vCPUs, Python 3.11, Pillow 13, SQLite, local backend; see
bench/RESULTS.md for dated runs):

| case | input | stored | time | peak RSS over baseline |
|---|---|---|---|---|
| photo 12 MP JPEG | 5.2 MiB | 5.1 MiB | 0.42 s | 59 MiB |
| photo 40 MP JPEG | 16.1 MiB | 16.1 MiB | 1.26 s | 188 MiB |
| scan 40 MP PNG (RGB) | 0.1 MiB | 0.1 MiB | 1.84 s | 154 MiB |
| PDF 5 MiB | 5.0 MiB | 5.0 MiB | 0.07 s | 10 MiB |
| 50 MP PNG bomb (refused) | 0.0 MiB | — | 0.01 s | 1 MiB |

A 40-megapixel image costs ~0.2 GiB while it is re-encoded (the decoded pixels, worked on in
place, plus the encoder's buffers; a rotated photo needs one more copy, +120 MiB, for a moment).
Size gunicorn workers for that, or lower MAX_PIXELS in storage/intake.py. A refused bomb costs
nothing: its pixel count is checked on the header, before decoding. Applying in place halved the
40 MP figures (340 and 306 MiB before).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import PIL
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
MIB = 1024 * 1024
CASES = {
    "photo 12 MP JPEG": ("photo12.jpg", ["jpeg"]),
    "photo 40 MP JPEG": ("photo40.jpg", ["jpeg"]),
    "scan 40 MP PNG (RGB)": ("scan40.png", ["png"]),
    "PDF 5 MiB": ("doc.pdf", ["pdf"]),
    "50 MP PNG bomb (refused)": ("bomb.png", ["png"]),
}


def _photo(size: tuple[int, int]) -> Image.Image:
    """Return a photo-like image: a colour gradient with sensor-like noise."""
    noise = Image.effect_noise(size, 40).convert("RGB")
    gradient = Image.linear_gradient("L").resize(size).convert("RGB")
    return Image.blend(gradient, noise, 0.35)


def make_inputs(directory: Path) -> None:
    """Write every case's input file."""
    _photo((4000, 3000)).save(directory / "photo12.jpg", "JPEG", quality=92)
    _photo((7300, 5475)).save(directory / "photo40.jpg", "JPEG", quality=90)
    Image.linear_gradient("L").resize((7300, 5475)).convert("RGB").save(directory / "scan40.png", "PNG")
    filler = os.urandom(5 * MIB - 200)
    (directory / "doc.pdf").write_bytes(b"%PDF-1.7\n%" + filler + b"\ntrailer\n<<>>\n%%EOF\n")
    sys.path.insert(0, str(ROOT / "tests" / "storage"))
    from samples import huge_png

    (directory / "bomb.png").write_bytes(huge_png(10_000, 5_000))


def run_case(name: str, directory: Path) -> dict:
    """Measure one case in this process and return its numbers."""
    from werkzeug.datastructures import FileStorage

    from app import create_app
    from core.db import database
    from core.migrations import upgrade
    from core.models import Applicant
    from storage import UploadRejected, accept_upload

    filename, kinds = CASES[name]
    data = (directory / filename).read_bytes()
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{directory / (filename + '.db')}",
                      "UPLOAD_DIR": str(directory / "uploads"), "UPLOAD_QUOTA_PER_REQUEST_MB": 1000,
                      "UPLOAD_QUOTA_PER_APPLICANT_MB": 1000})
    with app.test_request_context("/"):
        upgrade()
        applicant = Applicant.create(national_code="0499370899", email="bench@example.org")
        baseline = _peak_rss()
        started = time.perf_counter()
        try:
            stored = accept_upload(FileStorage(io.BytesIO(data), filename), accept=kinds, max_bytes=20 * MIB,
                                   applicant=applicant, field_id="scan").size
        except UploadRejected:
            stored = None
        elapsed = time.perf_counter() - started
        peak = _peak_rss()
        database.close()
    return {"input": len(data), "stored": stored, "time": elapsed, "rss": peak - baseline}


def _peak_rss() -> int:
    """Return this process's peak RSS in bytes (Linux VmHWM: unlike ru_maxrss, not inherited on exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError("VmHWM is not available (Linux only)")


HEADING = "## Uploads: accept_upload() time and peak memory"


def main() -> None:
    """Run every case in its own process, print a Markdown table and append it to bench/RESULTS.md."""
    if len(sys.argv) == 4 and sys.argv[1] == "--case":
        print(json.dumps(run_case(sys.argv[2], Path(sys.argv[3]))))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-write", action="store_true", help="do not append to bench/RESULTS.md")
    args = parser.parse_args()
    rows = ["| case | input | stored | time | peak RSS over baseline | load avg |", "|---|---|---|---|---|---|"]
    print("\n".join(rows), flush=True)
    loads = []
    with tempfile.TemporaryDirectory() as temporary:
        directory = Path(temporary)
        make_inputs(directory)
        for name in CASES:
            loads.append(os.getloadavg()[0])
            output = subprocess.run([sys.executable, __file__, "--case", name, str(directory)], check=True,
                                    capture_output=True, text=True, cwd=ROOT).stdout
            result = json.loads(output.strip().splitlines()[-1])
            stored = f"{result['stored'] / MIB:.1f} MiB" if result["stored"] is not None else "—"
            rows.append(f"| {name} | {result['input'] / MIB:.1f} MiB | {stored} | {result['time']:.2f} s | "
                        f"{result['rss'] / MIB:.0f} MiB | {loads[-1]:.1f} |")
            print(rows[-1], flush=True)
    if not args.no_write:
        record(rows, loads)


def record(rows: list[str], loads: list[float]) -> None:
    """Append this run's table to bench/RESULTS.md under its own heading."""
    path = ROOT / "bench" / "RESULTS.md"
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n"
    if HEADING not in text:
        text = (text.rstrip("\n") + f"\n\n{HEADING}\n\n"
                "Reproduce: `.venv/bin/python bench/bench_uploads.py` (appends a table here). One fresh process per "
                "case; time is accept_upload() alone (inspect, re-encode, store) on SQLite with the local backend; "
                "peak RSS is VmHWM over the process's baseline just before the call. A single run per case (no "
                "repeats), so times are noisier than the memory figures.\n")
    block = (f"\n### {dt.date.today().isoformat()} · Python {platform.python_version()} · Pillow {PIL.__version__} · "
             f"{os.cpu_count()} cores · load average {min(loads):.1f}–{max(loads):.1f}\n\n" + "\n".join(rows) + "\n")
    start = text.index(HEADING)
    end = text.find("\n## ", start + len(HEADING))
    end = len(text) if end == -1 else end
    text = text[:end].rstrip("\n") + "\n" + block + text[end:]
    path.write_text(text, encoding="utf-8")

if __name__ == "__main__":
    main()
