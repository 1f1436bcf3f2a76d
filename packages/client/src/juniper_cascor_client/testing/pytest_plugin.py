"""The ``cascor_client`` fixture (registered as ``juniper_cascor``).

``cascor_server`` and ``cascor_ws_url`` come from the fake server's own plugin
(``juniper_cascor_fake_server.pytest_plugin``), installed with the ``[testing]`` extra; this one
adds a REST client bound to that server. Without the extra, this plugin defines the two server
fixtures itself, failing the tests that use them with one line naming the extra to install.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, NoReturn

import pytest

if TYPE_CHECKING:
    from juniper_cascor_client_rest import JuniperCascorClient
    from juniper_cascor_fake_server import FakeCascorServer

__all__ = ["MISSING_SERVER", "cascor_client"]

MISSING_SERVER = (
    "the cascor_server fixture comes with the [testing] extra, which is not installed: "
    "pip install 'juniper-cascor-client[testing]'"
)


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


def _fail_without_server() -> NoReturn:
    pytest.fail(MISSING_SERVER, pytrace=False)


def _fake_server_installed() -> bool:
    try:
        import juniper_cascor_fake_server  # noqa: F401  (cheap: its names load on first use)
    except ModuleNotFoundError:
        return False
    return True


if not _fake_server_installed():

    def pytest_configure(config: pytest.Config) -> None:
        """Register the ``cascor_server`` marker, as the fake server's plugin does."""
        config.addinivalue_line("markers", "cascor_server(**options): fake server options")

    @pytest.fixture(name="cascor_server")
    def _cascor_server_missing() -> NoReturn:
        """Stands for the fake server's fixture, which is not installed."""
        _fail_without_server()

    @pytest.fixture(name="cascor_ws_url")
    def _cascor_ws_url_missing() -> NoReturn:
        """Stands for the fake server's fixture, which is not installed."""
        _fail_without_server()
