"""Pytest fixtures for code that talks to juniper-cascor (plugin ``juniper_cascor_fake_server``).

- ``cascor_server``: a fresh ``FakeCascorServer`` per test (empty scenario, fastest training,
  a 0.5 s resume window, the ``/ws/control`` Origin allowlist turned off so clients that send
  no Origin connect). Configure it per test with the marker
  ``@pytest.mark.cascor_server(scenario="xor_converged", api_keys=["k"], ...)``, whose keywords
  are ``FakeCascorServer`` arguments; ``allowed_origins=DEFAULT_ALLOWED_ORIGINS`` restores the
  real server's allowlist.
- ``cascor_ws_url``: the server's WebSocket origin, ``ws://127.0.0.1:<port>``.

The ``juniper-cascor-client[testing]`` extra adds ``cascor_client``, a REST client bound to
``cascor_server``. The plugin loads in every pytest run of an environment that has the
package, so it imports the server (aiohttp, numpy) only when a fixture is used; when they are
missing, the test fails with one line naming what to install, not an import traceback.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from juniper_cascor_fake_server.server import FakeCascorServer

__all__ = ["FIXTURE_DEFAULTS", "INSTALL_HINT", "cascor_server", "cascor_ws_url"]

FIXTURE_DEFAULTS: dict[str, Any] = {"resume_window": 0.5, "allowed_origins": ()}
"""``FakeCascorServer`` options of the ``cascor_server`` fixture (a marker's keywords win)."""
INSTALL_HINT = "pip install 'juniper-cascor-client[testing]'"
"""What installs the fake server with its dependencies, as the fixtures' errors say."""


def pytest_configure(config: pytest.Config) -> None:
    """Register the ``cascor_server`` marker."""
    config.addinivalue_line(
        "markers", "cascor_server(**options): FakeCascorServer arguments for this test"
    )


def _server_class() -> type[FakeCascorServer]:
    """The server class, or a test failure naming the extra (not an import traceback)."""
    try:
        from juniper_cascor_fake_server.server import FakeCascorServer
    except ModuleNotFoundError as exc:
        missing = exc.name or "a module"
    else:
        return FakeCascorServer
    pytest.fail(
        f"the cascor_server fixture needs {missing!r}, which is not installed; "
        f"it comes with the [testing] extra: {INSTALL_HINT}",
        pytrace=False,
    )


@pytest.fixture
def cascor_server(request: pytest.FixtureRequest) -> Iterator[FakeCascorServer]:
    """A running fake cascor server, stopped after the test.

    Raises:
        pytest.fail.Exception: When the server's dependencies (aiohttp, numpy) are missing.
    """
    server_class = _server_class()
    marker = request.node.get_closest_marker("cascor_server")
    options = {**FIXTURE_DEFAULTS, **(marker.kwargs if marker else {})}
    with server_class(**options) as server:
        yield server


@pytest.fixture
def cascor_ws_url(cascor_server: FakeCascorServer) -> str:
    """The WebSocket origin of ``cascor_server``."""
    return cascor_server.ws_url
