"""Running ``juniper-cascor`` as a subprocess, the way users run it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

_CLEARED_ENV = ("JUNIPER_CASCOR_URL", "JUNIPER_CASCOR_API_KEY", "JUNIPER_CASCOR_WS_ORIGIN")
_RUN_TIMEOUT = 60.0
# Help text and rich tables wrap at the terminal's width, which argparse and rich read from
# COLUMNS: a fixed width keeps what the tests read the same on any terminal.
_COLUMNS = "120"


@dataclass(frozen=True)
class CliResult:
    """What one run printed and returned."""

    code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        """Stdout parsed as one JSON document."""
        return json.loads(self.stdout)

    def assert_error(self, code: int, fragment: str) -> None:
        """The run failed with ``code`` and one ``juniper-cascor: error:`` line, no traceback."""
        assert self.code == code, self
        lines = self.stderr.strip().splitlines()
        assert len(lines) == 1, self.stderr
        assert lines[0].startswith("juniper-cascor: error: "), self.stderr
        assert fragment in lines[0], lines[0]
        assert "Traceback" not in self.stderr + self.stdout


Cli = Callable[..., CliResult]


@pytest.fixture
def cli() -> Cli:
    """``cli(*args, env={...})`` runs ``python -m juniper_cascor_client.cli *args``."""

    def run(*args: str, env: dict[str, str] | None = None) -> CliResult:
        environment = {k: v for k, v in os.environ.items() if k not in _CLEARED_ENV}
        environment["COLUMNS"] = _COLUMNS
        environment.update(env or {})
        completed = subprocess.run(
            [sys.executable, "-m", "juniper_cascor_client.cli", *args],
            capture_output=True,
            text=True,
            env=environment,
            timeout=_RUN_TIMEOUT,
            check=False,
        )
        return CliResult(completed.returncode, completed.stdout, completed.stderr)

    return run
