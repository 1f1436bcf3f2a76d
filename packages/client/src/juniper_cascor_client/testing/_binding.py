"""Binding a test-kit client to a fake server it starts, or to one it is given."""

from __future__ import annotations

from typing import Any

from juniper_cascor_fake_server import FakeCascorServer

__all__ = ["RESUME_WINDOW", "ServerBinding"]

RESUME_WINDOW = 0.5
"""How long a fresh ``/ws/training`` connection of a started server waits for a possible
``resume`` before its first frames (the server's own 5 s, shortened so tests start quickly)."""


class ServerBinding:
    """Starts a fake server, or attaches to a given one, and stops only what it started."""

    server: FakeCascorServer
    _owns_server: bool

    def _bind(
        self,
        server: FakeCascorServer | None,
        scenario: str,
        options: dict[str, Any],
        api_key: str | None,
    ) -> str:
        """Bind to a running server; return the key to send (``""`` for none).

        A started server accepts ``api_key`` (unless ``options`` name its ``api_keys``); without
        ``api_key``, the server's first key is sent.

        Raises:
            ValueError: For an unknown scenario.
            TypeError: When ``server`` and ``options`` are both given.
        """
        if server is None:
            options = {"resume_window": RESUME_WINDOW, **options}
            if api_key:
                options.setdefault("api_keys", (api_key,))
            server = FakeCascorServer(scenario=scenario, **options).start()
            self._owns_server = True
        elif options:
            raise TypeError("server options cannot be given together with server=")
        else:
            self._owns_server = False
        self.server = server
        if api_key is not None:
            return api_key
        keys = server.config.api_keys
        return keys[0] if keys else ""

    def _stop_owned_server(self) -> None:
        if self._owns_server:
            self._owns_server = False
            self.server.stop()
