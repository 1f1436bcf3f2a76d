"""Import cost of ``juniper_cascor_protocol.worker`` beyond numpy's own import.

Each run is a fresh interpreter that imports numpy, then the package, timing both; the
figures are medians over the runs, printed with numpy's import time from the same runs as
the baseline. The package loads its submodules on first use, so three figures are shown:
the bare import, the codec only (``BinaryFrame`` and ``WorkerMessageType``) and every public
name (``import *``, what a worker ends up loading). The 10 ms budget is held against the bare
import and against every public name. The package is byte-compiled first, as an installed wheel
is, so the figures do not include compiling source (``PYTHONDONTWRITEBYTECODE`` would otherwise
make every run compile it again).
Run: ``.venv/bin/python tools/bench/bench_worker_import.py``.
"""

from __future__ import annotations

import compileall
import importlib.util
import statistics
import subprocess
import sys
from pathlib import Path

BUDGET_MS = 10.0
RUNS = 15
PACKAGE = "juniper_cascor_protocol.worker"
CASES = {
    "bare import": f"import {PACKAGE}",
    "codec only": f"from {PACKAGE} import BinaryFrame, WorkerMessageType",
    "every public name": f"from {PACKAGE} import *",
}
PROBE = """
import time
start = time.perf_counter()
import numpy
middle = time.perf_counter()
{statement}
end = time.perf_counter()
print(middle - start, end - middle)
"""


def _one_run(statement: str) -> tuple[float, float]:
    """Import numpy then run ``statement`` in a fresh interpreter; return both times in ms."""
    probe = PROBE.format(statement=statement)
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    numpy_seconds, package_seconds = map(float, result.stdout.split())
    return numpy_seconds * 1e3, package_seconds * 1e3


def main() -> None:
    """Measure and print each case, its ratio to numpy's import and the budget line."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or spec.origin is None:
        raise SystemExit(f"{PACKAGE} is not installed")
    compileall.compile_dir(Path(spec.origin).parent, quiet=1)
    _one_run(CASES["every public name"])  # warm the file system caches
    medians: dict[str, float] = {}
    numpy_times: list[float] = []
    for label, statement in CASES.items():
        runs = [_one_run(statement) for _ in range(RUNS)]
        numpy_times.extend(run[0] for run in runs)
        medians[label] = statistics.median(run[1] for run in runs)
    numpy_ms = statistics.median(numpy_times)
    print(f"import numpy (baseline): {numpy_ms:8.2f} ms (median of {len(numpy_times)} runs)")
    for label, package_ms in medians.items():
        ratio = package_ms / numpy_ms
        print(f"{label:>18}: {package_ms:8.2f} ms beyond numpy = {ratio:.3f}x numpy's import")
    for label in ("bare import", "every public name"):
        cost = medians[label]
        verdict = "PASS" if cost <= BUDGET_MS else "OVER"
        print(f"{verdict} {label} beyond numpy: {cost:.2f} ms (budget <= {BUDGET_MS:g} ms)")


if __name__ == "__main__":
    main()
