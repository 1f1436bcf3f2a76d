"""A fresh interpreter importing the worker (its package, its command and its main module)
loads none of what the worker must not need."""

from __future__ import annotations

import json
import subprocess
import sys

FORBIDDEN = (
    "pydantic",
    "torch",
    "aiohttp",
    "requests",
    "juniper_cascor_client",
    "juniper_cascor_client_core",
    "juniper_cascor_client_rest",
    "juniper_cascor_client_streams",
    "juniper_cascor_fake_server",
    "juniper_cascor_protocol.envelope",
)
PROBE = """
import json, sys
import juniper_cascor_numpy_worker as package
import juniper_cascor_numpy_worker.__main__
from juniper_cascor_numpy_worker import NumpyWorker, WorkerThread, train_candidate
import juniper_cascor_numpy_worker.cli
names = sorted(sys.modules)
print(json.dumps({"modules": names, "all": package.__all__}))
"""


def _modules() -> dict[str, list[str]]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=60, check=True
    )
    loaded: dict[str, list[str]] = json.loads(done.stdout)
    return loaded


def test_importing_the_worker_loads_nothing_forbidden() -> None:
    loaded = _modules()
    modules = set(loaded["modules"])
    assert "websockets" in modules  # the probe did load the worker
    assert "juniper_cascor_numpy_worker.worker" in modules
    for name in FORBIDDEN:
        offenders = sorted(m for m in modules if m == name or m.startswith(name + "."))
        assert offenders == [], f"{name} was imported"


def test_every_public_name_resolves() -> None:
    import juniper_cascor_numpy_worker as package

    for name in package.__all__:
        assert getattr(package, name) is not None
    assert sorted(dir(package)) == dir(package)
    assert set(package.__all__) <= set(dir(package))


def test_the_command_module_alone_does_not_load_websockets() -> None:
    probe = "import sys, juniper_cascor_numpy_worker.cli; print('websockets' in sys.modules)"
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == "False"
