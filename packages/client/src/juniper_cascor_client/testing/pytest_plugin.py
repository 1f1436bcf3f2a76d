"""Pytest fixtures for code that talks to juniper-cascor (registered as ``juniper_cascor``).

- ``cascor_server``: a fresh ``FakeCascorServer`` per test (empty scenario, fastest training,
  a 0.5 s resume window). Configure it per test with the marker
  ``@pytest.mark.cascor_server(scenario="xor_converged", api_keys=["k"], ...)``, whose keywords
  are ``FakeCascorServer`` arguments.
- ``cascor_client``: a ``JuniperCascorClient`` bound to that server (using its first API key).
- ``cascor_ws_url``: the server's WebSocket origin, ``ws://127.0.0.1:<port>``.

The plugin loads in every pytest run of an environment that has the package, so it imports
the server (aiohttp, numpy) only when a fixture is used.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from juniper_cascor_client.testing.server import FakeCascorServer
    from juniper_cascor_client_rest import JuniperCascorClient

__all__ = ["cascor_client", "cascor_server", "cascor_ws_url"]

_FIXTURE_DEFAULTS: dict[str, Any] = {"resume_window": 0.5}


def pytest_configure(config: pytest.Config) -> None:
    """Register the ``cascor_server`` marker."""
    config.addinivalue_line(
        "markers", "cascor_server(**options): FakeCascorServer arguments for this test"
    )


@pytest.fixture
def cascor_server(request: pytest.FixtureRequest) -> Iterator[FakeCascorServer]:
    """A running fake cascor server, stopped after the test."""
    from juniper_cascor_client.testing.server import FakeCascorServer

    marker = request.node.get_closest_marker("cascor_server")
    options = {**_FIXTURE_DEFAULTS, **(marker.kwargs if marker else {})}
    with FakeCascorServer(**options) as server:
        yield server


@pytest.fixture
def cascor_client(cascor_server: FakeCascorServer) -> Iterator[JuniperCascorClient]:
    """A REST client for ``cascor_server``, closed after the test."""
    from juniper_cascor_client_rest import JuniperCascorClient

    keys = cascor_server.config.api_keys
    client = JuniperCascorClient(cascor_server.http_url, api_key=keys[0] if keys else None)
    try:
        yield client
    finally:
        client.close()


@pytest.fixture
def cascor_ws_url(cascor_server: FakeCascorServer) -> str:
    """The WebSocket origin of ``cascor_server``."""
    return cascor_server.ws_url
