"""The upstream test-kit names, built on the fake server so they cannot drift from the clients.

``FakeCascorClient`` is a real :class:`~juniper_cascor_client_rest.JuniperCascorClient` bound to
an in-process :class:`FakeCascorServer` preloaded with a scenario; ``FakeCascorTrainingStream``
is a real :class:`~juniper_cascor_client_streams.CascorTrainingStream` bound the same way.
Both start their own server unless given one (``server=``), and stop it when they close::

    with FakeCascorClient(scenario="xor_converged") as client:
        assert client.get_metrics()["data"]["train_accuracy"] == 1.0
        stream = FakeCascorTrainingStream(server=client.server)

Scenarios: ``idle``, ``xor_converged``, ``two_spiral_training``, ``empty``, ``error_prone``
(see :mod:`juniper_cascor_fake_server.scenarios`).
"""

from __future__ import annotations

import asyncio
from typing import Any

from juniper_cascor_client_rest import JuniperCascorClient
from juniper_cascor_client_streams import CascorTrainingStream
from juniper_cascor_fake_server import FakeCascorServer

__all__ = ["FakeCascorClient", "FakeCascorTrainingStream"]

# A fresh /ws/training connection waits this long for a possible ``resume`` before its first
# frames; the fakes shorten the server's 5 s so tests start quickly (as the fixtures do).
_RESUME_WINDOW = 0.5


class _ServerOwner:
    """Starts a fake server, or attaches to a given one, and stops only what it started."""

    server: FakeCascorServer
    _owns_server: bool

    def _bind(
        self, server: FakeCascorServer | None, scenario: str, options: dict[str, Any]
    ) -> str | None:
        """Bind to a running server and return its first API key (if it has any)."""
        if server is None:
            options = {"resume_window": _RESUME_WINDOW, **options}
            server = FakeCascorServer(scenario=scenario, **options).start()
            self._owns_server = True
        elif options:
            raise TypeError("server options cannot be given together with server=")
        else:
            self._owns_server = False
        self.server = server
        keys = server.config.api_keys
        return keys[0] if keys else None

    def _stop_owned_server(self) -> None:
        if self._owns_server:
            self._owns_server = False
            self.server.stop()


class FakeCascorClient(_ServerOwner, JuniperCascorClient):
    """A real REST client bound to an in-process fake server preloaded with ``scenario``.

    Args:
        scenario: The server's preloaded state (ignored when ``server`` is given).
        server: Attach to this running server instead of starting one (it is not stopped).
        client_options: Keywords for :class:`JuniperCascorClient` (``timeout``, ``retries``...).
        **server_options: ``FakeCascorServer`` options (``api_keys``, ``epoch_delay``...).

    Raises:
        ValueError: For an unknown scenario.
        TypeError: When ``server`` and ``server_options`` are both given.
    """

    def __init__(
        self,
        scenario: str = "idle",
        *,
        server: FakeCascorServer | None = None,
        client_options: dict[str, Any] | None = None,
        **server_options: Any,
    ) -> None:
        key = self._bind(server, scenario, server_options)
        try:
            super().__init__(self.server.http_url, api_key=key, **(client_options or {}))
        except BaseException:
            self._stop_owned_server()
            raise

    def close(self) -> None:
        """Close the client, then stop the server if this client started it; idempotent."""
        super().close()
        self._stop_owned_server()


class FakeCascorTrainingStream(_ServerOwner, CascorTrainingStream):
    """A real training stream bound to an in-process fake server preloaded with ``scenario``.

    Args:
        scenario: The server's preloaded state (ignored when ``server`` is given); the
            default trains the two spirals, so frames keep coming.
        server: Attach to this running server instead of starting one (it is not stopped).
        stream_options: Keywords for :class:`CascorTrainingStream` (``typed``, ``reconnect``...).
        **server_options: ``FakeCascorServer`` options.

    Raises:
        ValueError: For an unknown scenario.
        TypeError: When ``server`` and ``server_options`` are both given.
    """

    def __init__(
        self,
        scenario: str = "two_spiral_training",
        *,
        server: FakeCascorServer | None = None,
        stream_options: dict[str, Any] | None = None,
        **server_options: Any,
    ) -> None:
        key = self._bind(server, scenario, server_options)
        try:
            super().__init__(self.server.ws_url, key, **(stream_options or {}))
        except BaseException:
            self._stop_owned_server()
            raise

    async def disconnect(self) -> None:
        """Disconnect, then stop the server if this stream started it; idempotent."""
        await super().disconnect()
        await asyncio.to_thread(self._stop_owned_server)
