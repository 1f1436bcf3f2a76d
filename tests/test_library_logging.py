"""Every library package has a ``NullHandler``: without logging configured, nothing on stderr.

Python sends a record that finds no handler to its last-resort handler, which prints WARNING
and above on stderr. An application that never configured logging must not see lines from our
packages there (a lost connection logged a WARNING).
"""

from __future__ import annotations

import subprocess
import sys

import pytest

PACKAGES = [
    "juniper_cascor_client_core",
    "juniper_cascor_client_rest",
    "juniper_cascor_client_streams",
    "juniper_cascor_client",
    "juniper_cascor_fake_server",
    "juniper_cascor_numpy_worker",
]


def _stderr_of(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-I", "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    return done.stderr


@pytest.mark.parametrize("package", PACKAGES)
def test_a_warning_of_the_package_prints_nothing(package: str) -> None:
    code = (
        f"import logging, {package}\n"
        f"logging.getLogger('{package}.connection').warning('lost the connection')\n"
    )
    assert _stderr_of(code) == ""


def test_the_probe_sees_the_last_resort_handler() -> None:
    # The positive control: a logger without a handler does print, so an empty stderr above
    # means the package's NullHandler took the record.
    code = "import logging\nlogging.getLogger('elsewhere').warning('lost the connection')\n"
    assert "lost the connection" in _stderr_of(code)


def test_configured_logging_still_receives_the_records() -> None:
    code = (
        "import logging, juniper_cascor_client_streams\n"
        "logging.basicConfig(level=logging.INFO, format='%(name)s %(message)s')\n"
        "logging.getLogger('juniper_cascor_client_streams.x').warning('lost the connection')\n"
    )
    assert "juniper_cascor_client_streams.x lost the connection" in _stderr_of(code)
