"""Fixtures of the integration suite: the target server, clients bound to it, and figures.

``target`` is the server the test talks to: a fresh ``FakeCascorServer`` per test, or the real
service named by ``JUNIPER_CASCOR_TEST_URL``. Tests that inject faults (or need the fake
server's configuration) take ``fake_server``, which skips them against a real service. Configure
the fake server of a test with ``@pytest.mark.fake_server(**options)`` (``FakeCascorServer``
keywords). ``report_figure`` records a measured figure, printed at the end of the run.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

# The support package lives next to this file; the suite is not an installed package.
sys.path.insert(0, str(Path(__file__).parent))

from cascor_suite.target import FAKE_SERVER_SPEED, FAULTS_NEED_FAKE, Target
from juniper_cascor_client import (
    JuniperCascorClient,
    JuniperCascorClientError,
    JuniperCascorConflictError,
)
from juniper_cascor_client.testing import FakeCascorServer

_FIGURES = pytest.StashKey[dict[str, str]]()


def pytest_configure(config: pytest.Config) -> None:
    """Register the ``fake_server`` marker and the figures table."""
    config.addinivalue_line(
        "markers", "fake_server(**options): FakeCascorServer options for this test"
    )
    config.stash[_FIGURES] = {}


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, config: pytest.Config
) -> None:
    """Print the figures the tests measured."""
    figures = config.stash.get(_FIGURES, {})
    if figures:
        terminalreporter.section("cascor integration figures")
        for name, value in figures.items():
            terminalreporter.write_line(f"{name}: {value}")


@pytest.fixture
def report_figure(request: pytest.FixtureRequest) -> Callable[[str, str], None]:
    """Record a measured figure (also as a JUnit property)."""
    figures = request.config.stash[_FIGURES]

    def record(name: str, value: str) -> None:
        figures[name] = value
        request.node.user_properties.append((name, value))

    return record


@pytest.fixture
def fake_server(request: pytest.FixtureRequest) -> Iterator[FakeCascorServer]:
    """A running fake server for this test (skipped when a real target is configured)."""
    if Target.from_environment() is not None:
        pytest.skip(FAULTS_NEED_FAKE)
    marker = request.node.get_closest_marker("fake_server")
    options = {**FAKE_SERVER_SPEED, **(marker.kwargs if marker else {})}
    with FakeCascorServer(**options) as server:
        yield server


@pytest.fixture
def target(request: pytest.FixtureRequest) -> Iterator[Target]:
    """The server under test: the real one named by the environment, else a fake one."""
    real = Target.from_environment()
    if real is None:
        server: FakeCascorServer = request.getfixturevalue("fake_server")
        keys = server.config.api_keys
        yield Target(server.http_url, keys[0] if keys else None, server)
        return
    yield real
    _leave_idle(real)


def _leave_idle(target: Target) -> None:
    """Leave a real server idle for the next test: stopped, then reset.

    The reset also leaves ``INVESTIGATING``, ``RESUME_READY`` and ``REPLAYING`` (after a
    snapshot restore), where the real server refuses to create a network or start training.
    """
    with target.client() as client:
        for step in (client.stop_training, client.reset_training):
            try:
                step()
            except JuniperCascorConflictError:
                pass
            except JuniperCascorClientError as exc:
                pytest.fail(f"could not leave {target.http_url} idle: {exc}")


@pytest.fixture
def client(target: Target) -> Iterator[JuniperCascorClient]:
    """A REST client of the target."""
    with target.client() as rest:
        yield rest
