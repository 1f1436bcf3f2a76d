"""Footprint of ``juniper-cascor-numpy-worker``: installed size, import time and idle RSS.

Each figure is printed beside a baseline measured in the same run:

- **installed size**: a fresh venv holding the worker's wheel, built here with protocol-worker's,
  and what they require (numpy, websockets), against a fresh venv holding numpy alone. The
  worker must stay under 80 MB and must not install pydantic or torch.
- **import time**: a fresh interpreter importing the worker's command module, against one
  importing numpy (the median of several runs each).
- **idle RSS**: the worker command connected and registered to a fake server and idle, against
  an interpreter that imported numpy and websockets and sleeps.

Run: ``uv run python tools/bench/bench_numpy_worker_footprint.py`` (it needs ``uv`` on PATH or
as ``python -m uv``, and the package registry for numpy and websockets).
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SIZE_BUDGET_MB = 80.0
IMPORT_RUNS = 7
FORBIDDEN = ("pydantic", "pydantic_core", "torch")


def _uv() -> list[str]:
    found = shutil.which("uv")
    return [found] if found else [sys.executable, "-m", "uv"]


def _run(*command: str, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(command, capture_output=True, text=True, check=True, timeout=600, env=env)
    return done.stdout


def _tree_size(path: Path) -> int:
    return sum(entry.stat().st_size for entry in path.rglob("*") if entry.is_file())


def _venv_with(folder: Path, *requirements: str) -> tuple[Path, float]:
    """Create a venv in ``folder`` holding ``requirements``; its python and site-packages MB."""
    _run(*_uv(), "venv", "--quiet", "--python", sys.executable, str(folder))
    python = folder / "bin" / "python"
    _run(*_uv(), "pip", "install", "--quiet", "--python", str(python), *requirements)
    site = Path(
        _run(str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))").strip()
    )
    return python, _tree_size(site) / 1e6


def installed_size(scratch: Path) -> tuple[float, float, list[str]]:
    """MB of the worker's venv, MB of a numpy-only venv, and forbidden packages found."""
    wheels = scratch / "wheels"
    for package in ("protocol-worker", "numpy-worker"):
        _run(
            *_uv(),
            "build",
            "--quiet",
            "--wheel",
            "--out-dir",
            str(wheels),
            str(ROOT / "packages" / package),
        )
    worker_python, worker_mb = _venv_with(
        scratch / "worker", *(str(wheel) for wheel in sorted(wheels.glob("*.whl")))
    )
    _, numpy_mb = _venv_with(scratch / "numpy", "numpy")
    listed = json.loads(
        _run(*_uv(), "pip", "list", "--python", str(worker_python), "--format", "json")
    )
    names = {entry["name"].lower().replace("-", "_") for entry in listed}
    return worker_mb, numpy_mb, sorted(names & set(FORBIDDEN))


def _import_ms(statement: str) -> float:
    probe = f"import time; t = time.perf_counter(); {statement}; print(time.perf_counter() - t)"
    times = [float(_run(sys.executable, "-c", probe)) * 1e3 for _ in range(IMPORT_RUNS)]
    return statistics.median(times)


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for {pid}")


def _workers_registered(http_url: str) -> int:
    with urllib.request.urlopen(f"{http_url}/v1/workers", timeout=5) as answer:
        data = json.load(answer)["data"]
    workers = data.get("workers", data) if isinstance(data, dict) else data
    return len(workers)


def idle_rss() -> tuple[float, float]:
    """RSS in MB of the idle, registered worker command and of the numpy+websockets baseline."""
    from juniper_cascor_fake_server import FakeCascorServer

    command = shutil.which("juniper-cascor-numpy-worker")
    if command is None:
        raise SystemExit("juniper-cascor-numpy-worker is not installed")
    baseline = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import numpy, websockets, time; print('ready', flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    with FakeCascorServer(scenario="idle") as server:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        worker = subprocess.Popen(
            [command, "--server-url", server.ws_url, "--heartbeat-interval", "1"], env=env
        )
        try:
            deadline = time.monotonic() + 30
            while _workers_registered(server.http_url) < 1:
                if time.monotonic() > deadline:
                    raise SystemExit("the worker did not register within 30 s")
                time.sleep(0.2)
            time.sleep(2.0)  # idle through a couple of heartbeats
            worker_mb = _rss_mb(worker.pid)
        finally:
            worker.terminate()
            worker.wait(timeout=30)
    assert baseline.stdout is not None
    baseline.stdout.readline()
    baseline_mb = _rss_mb(baseline.pid)
    baseline.kill()
    baseline.wait(timeout=30)
    return worker_mb, baseline_mb


def main() -> None:
    """Measure and print the three figures, their baselines and the size budget."""
    with tempfile.TemporaryDirectory() as folder:
        worker_mb, numpy_mb, forbidden = installed_size(Path(folder))
    print(f"installed size, worker venv (wheels + numpy + websockets): {worker_mb:7.1f} MB")
    print(f"installed size, numpy alone:                              {numpy_mb:7.1f} MB")
    print(
        f"ratio {worker_mb / numpy_mb:.2f}; budget < {SIZE_BUDGET_MB:.0f} MB: "
        f"{'PASS' if worker_mb < SIZE_BUDGET_MB and not forbidden else 'FAIL'}"
        + (f" (installs {', '.join(forbidden)})" if forbidden else " (no pydantic, no torch)")
    )
    numpy_ms = _import_ms("import numpy")
    worker_ms = _import_ms("import juniper_cascor_numpy_worker.cli")
    print(f"import time, worker command module: {worker_ms:6.1f} ms")
    print(
        f"import time, numpy alone:           {numpy_ms:6.1f} ms   ratio {worker_ms / numpy_ms:.2f}"
    )
    worker_rss, baseline_rss = idle_rss()
    print(f"idle RSS, worker registered:        {worker_rss:6.1f} MB")
    print(
        f"idle RSS, numpy + websockets:       {baseline_rss:6.1f} MB   "
        f"ratio {worker_rss / baseline_rss:.2f}"
    )


if __name__ == "__main__":
    main()
