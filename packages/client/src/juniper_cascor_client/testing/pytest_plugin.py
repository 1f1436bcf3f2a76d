"""The ``cascor_client`` fixture (registered as ``juniper_cascor``).

``cascor_server`` and ``cascor_ws_url`` come from the fake server's own plugin
(``juniper_cascor_fake_server.pytest_plugin``), installed with the ``[testing]`` extra; this one
adds a REST client bound to that server.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from juniper_cascor_client_rest import JuniperCascorClient
    from juniper_cascor_fake_server import FakeCascorServer

__all__ = ["cascor_client"]


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
