"""Running documentation code: a fake service as ``juniper-cascor serve-fake`` starts it, and a
fresh interpreter pointed at it through ``JUNIPER_CASCOR_URL``."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from juniper_cascor_fake_server.cli import add_server_arguments, server_from_arguments

if TYPE_CHECKING:
    from juniper_cascor_fake_server import FakeCascorServer

REPO_ROOT = Path(__file__).resolve().parent.parent

RUN_TIMEOUT = 180.0
"""Seconds a documented script may take (a correctness bound: they take a few seconds)."""

StartService = Callable[..., "FakeCascorServer"]
RunPython = Callable[..., "Run"]


@dataclass(frozen=True)
class Run:
    """A finished interpreter: its exit code and text output (``str()`` shows all three)."""

    returncode: int
    stdout: str
    stderr: str

    def __str__(self) -> str:
        return f"exit code {self.returncode}\n--- stdout\n{self.stdout}\n--- stderr\n{self.stderr}"


@pytest.fixture
def start_service() -> Iterator[StartService]:
    """Start fake services configured by ``serve-fake`` flags (on a free port); stopped after
    the test.

    ``start_service()`` is what ``uv run juniper-cascor serve-fake`` serves: the ``idle``
    scenario, 50 ms epochs and the real server's ``/ws/control`` Origin allowlist.
    """
    with ExitStack() as stack:

        def start(*flags: str) -> FakeCascorServer:
            parser = argparse.ArgumentParser()
            add_server_arguments(parser)
            server = server_from_arguments(parser.parse_args(["--port", "0", *flags]))
            return stack.enter_context(server)

        yield start


def documentation_environment(url: str | None) -> dict[str, str]:
    """This environment without any ``JUNIPER_CASCOR_*`` setting, and the service at ``url``."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("JUNIPER_")}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    if url is not None:
        env["JUNIPER_CASCOR_URL"] = url
    return env


@pytest.fixture
def run_python() -> RunPython:
    """Run ``python ARGS...`` in a fresh interpreter, pointed at ``service`` when one is given.

    Called as ``run_python(*args, cwd=..., service=...)``. The interpreter is this one (the
    workspace's environment).
    """

    def run(
        *args: str | Path, cwd: Path = REPO_ROOT, service: FakeCascorServer | None = None
    ) -> Run:
        command: Sequence[str | Path] = [sys.executable, *args]
        done = subprocess.run(
            command,
            cwd=cwd,
            env=documentation_environment(None if service is None else service.http_url),
            capture_output=True,
            text=True,
            timeout=RUN_TIMEOUT,
            check=False,
        )
        return Run(done.returncode, done.stdout, done.stderr)

    return run
