"""Each distribution imports only what its dependency rules allow.

import-linter checks our own imports statically; these tests import each package in a fresh
interpreter and look at ``sys.modules``, which also catches what third-party packages pull in.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest


def loaded_modules(import_path: str) -> set[str]:
    """Load ``import_path`` and every public name in a fresh interpreter; return the modules.

    Touching each name of ``__all__`` also loads what a package imports lazily.
    """
    code = (
        "import importlib, json, sys\n"
        f"module = importlib.import_module({import_path!r})\n"
        "for name in getattr(module, '__all__', ()):\n"
        "    getattr(module, name)\n"
        "print(json.dumps(sorted({name.split('.')[0] for name in sys.modules})))\n"
    )
    result = subprocess.run(
        [sys.executable, "-I", "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    return set(json.loads(result.stdout))


@pytest.mark.parametrize(
    ("import_path", "forbidden"),
    [
        ("juniper_cascor_protocol", {"pydantic", "pydantic_core", "websockets", "requests"}),
        ("juniper_cascor_protocol.worker", {"pydantic", "pydantic_core", "websockets", "requests"}),
        (
            "juniper_cascor_protocol_compat",
            {"juniper_cascor_protocol", "numpy", "pydantic", "websockets", "requests"},
        ),
        ("juniper_cascor_protocol.envelope", {"numpy", "websockets", "requests"}),
        ("juniper_cascor_client_rest", {"websockets", "pydantic", "pydantic_core", "numpy"}),
        ("juniper_cascor_client_streams", {"requests", "urllib3", "numpy"}),
        (
            "juniper_cascor_fake_server",
            {
                "juniper_cascor_client",
                "juniper_cascor_client_core",
                "juniper_cascor_client_rest",
                "juniper_cascor_client_streams",
                "requests",
                # websockets may load: its test worker is juniper_cascor_numpy_worker's.
            },
        ),
        (
            "juniper_cascor_numpy_worker",
            {
                "juniper_cascor_client",
                "juniper_cascor_client_core",
                "juniper_cascor_client_rest",
                "juniper_cascor_client_streams",
                "juniper_cascor_fake_server",
                "pydantic",
                "pydantic_core",
                "torch",
                "aiohttp",
                "requests",
            },
        ),
    ],
)
def test_heavy_modules_are_absent(import_path: str, forbidden: set[str]) -> None:
    loaded = loaded_modules(import_path)
    assert import_path.split(".")[0] in loaded
    assert not loaded & forbidden, f"{import_path} loaded {sorted(loaded & forbidden)}"


def test_worker_protocol_loads_numpy() -> None:
    # The positive control: the probe does see third-party imports.
    assert "numpy" in loaded_modules("juniper_cascor_protocol.worker")


def test_client_core_is_standard_library_only() -> None:
    loaded = loaded_modules("juniper_cascor_client_core")
    allowed = set(sys.stdlib_module_names) | set(sys.builtin_module_names)
    foreign = {name for name in loaded - allowed if name != "juniper_cascor_client_core"}
    # Interpreter-internal names that are not listed as standard modules.
    foreign -= {"__main__", "_distutils_hack", "sitecustomize", "usercustomize"}
    assert not foreign, f"client-core loaded non-stdlib modules: {sorted(foreign)}"
