"""The ``juniper-cascor-protocol`` distribution: its version and what it requires."""

from __future__ import annotations

import importlib.metadata
import re
import subprocess
import sys

import juniper_cascor_protocol
import juniper_cascor_protocol_compat


def test_version_is_above_the_0_2_0_it_replaces_and_below_0_3() -> None:
    # Above upstream 0.2.0, so installers prefer it; below 0.3, so consumers pinned to <0.3
    # (juniper-canopy 0.9 requires juniper-cascor-protocol>=0.1.0,<0.3.0) accept it.
    version = juniper_cascor_protocol_compat.__version__
    assert version == importlib.metadata.version("juniper-cascor-protocol")
    parts = tuple(int(part) for part in version.split(".")[:3])
    assert (0, 2, 0) < parts < (0, 3, 0)


def test_top_level_version_is_this_distributions_when_installed() -> None:
    assert juniper_cascor_protocol.__version__ == juniper_cascor_protocol_compat.__version__
    worker_version = importlib.metadata.version("juniper-cascor-protocol-worker")
    assert juniper_cascor_protocol.__version__ != worker_version


def test_requires_both_protocol_distributions() -> None:
    requires = importlib.metadata.requires("juniper-cascor-protocol") or []
    names = {re.split(r"[<>=!~;\[ ]", requirement)[0] for requirement in requires}
    assert names == {"juniper-cascor-protocol-worker", "juniper-cascor-protocol-envelope"}


def test_importing_it_loads_no_protocol_module() -> None:
    code = (
        "import sys, juniper_cascor_protocol_compat\n"
        "print(sorted(m for m in sys.modules if m.startswith('juniper')))"
    )
    result = subprocess.run(
        [sys.executable, "-I", "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    loaded = result.stdout.strip()
    assert loaded == "['juniper_cascor_protocol_compat', 'juniper_cascor_protocol_compat._version']"
