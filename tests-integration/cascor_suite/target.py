"""The server under test: the embedded fake server, or a real one named by the environment.

``JUNIPER_CASCOR_TEST_URL`` (with ``JUNIPER_CASCOR_API_KEY`` when the server wants a key) points
the fault-free tests at a real juniper-cascor service; without it every test gets a fresh
``FakeCascorServer`` tuned for speed, with the real server's ``/ws/control`` Origin allowlist.
Control streams send an allowed Origin: ``$JUNIPER_CASCOR_WS_ORIGIN``, else
``http://localhost:8050`` (on the real server's default allowlist).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from cascor_suite.conformance import CONTROL_ORIGIN
from cascor_suite.watch import TrainingWatch
from juniper_cascor_client import (
    CascorControlStream,
    CascorTrainingStream,
    JuniperCascorClient,
    ReconnectPolicy,
)
from juniper_cascor_client.testing import FakeCascorServer
from juniper_cascor_client_core import WS_ORIGIN_ENV, websocket_base_url

__all__ = [
    "API_KEY_ENV",
    "CONTROL_ORIGIN",
    "FAKE_SERVER_SPEED",
    "FAULTS_NEED_FAKE",
    "QUICK_RECONNECT",
    "TEST_URL_ENV",
    "Target",
]

TEST_URL_ENV = "JUNIPER_CASCOR_TEST_URL"
API_KEY_ENV = "JUNIPER_CASCOR_API_KEY"
FAULTS_NEED_FAKE = "fault injection needs the embedded fake server"

FAKE_SERVER_SPEED: dict[str, Any] = {
    "resume_window": 0.25,
    "queued_interval": 0.1,
    "register_timeout": 2.0,
}
"""Fake server settings that keep the suite fast: a fresh training stream goes live after
``resume_window`` (the window a reconnecting client has to send ``resume``), and delayed
commands repeat their ``queued`` answer every ``queued_interval``."""

QUICK_RECONNECT = ReconnectPolicy(initial_delay=0.05, max_delay=0.2, jitter="none", max_attempts=40)
"""A reconnection policy for loopback: quick, bounded, deterministic."""

_LIVE_TIMEOUT = 10.0
_STREAM_DEFAULTS: dict[str, Any] = {"close_timeout": 1.0}


@dataclass(frozen=True)
class Target:
    """Where the tests send their requests, and the fake server behind it (if any)."""

    http_url: str
    api_key: str | None = None
    server: FakeCascorServer | None = None

    @classmethod
    def from_environment(cls) -> Target | None:
        """The real server named by ``JUNIPER_CASCOR_TEST_URL``, or ``None`` when unset."""
        url = os.environ.get(TEST_URL_ENV, "").strip()
        return cls(url, os.environ.get(API_KEY_ENV) or None) if url else None

    @property
    def ws_url(self) -> str:
        """The WebSocket origin (``ws://host:port``)."""
        return websocket_base_url(self.http_url)

    @property
    def is_fake(self) -> bool:
        """Whether the target is the embedded fake server."""
        return self.server is not None

    @property
    def kind(self) -> str:
        """``fake server`` or ``target server`` (labels of reported figures)."""
        return "fake server" if self.is_fake else "target server"

    def client(self, **options: Any) -> JuniperCascorClient:
        """A REST client of the target (close it, or use it as a context manager)."""
        options.setdefault("api_key", self.api_key)
        return JuniperCascorClient(self.http_url, **options)

    def training_stream(self, **options: Any) -> CascorTrainingStream:
        """An unconnected ``/ws/training`` stream of the target."""
        options.setdefault("api_key", self.api_key)
        return CascorTrainingStream(self.ws_url, **{**_STREAM_DEFAULTS, **options})

    def control_stream(self, **options: Any) -> CascorControlStream:
        """An unconnected ``/ws/control`` stream of the target, with an allowed Origin."""
        options.setdefault("api_key", self.api_key)
        options.setdefault("origin", os.environ.get(WS_ORIGIN_ENV) or CONTROL_ORIGIN)
        return CascorControlStream(self.ws_url, **{**_STREAM_DEFAULTS, **options})

    def pace(self, epoch_delay: float) -> None:
        """Slow the fake server's training to ``epoch_delay`` s per epoch (no-op when real)."""
        if self.server is not None:
            self.server.epoch_delay = epoch_delay

    @contextlib.asynccontextmanager
    async def watch_training(self, **options: Any) -> AsyncIterator[TrainingWatch]:
        """A connected training stream being recorded, live once ``initial_metrics`` arrived.

        Raises:
            AssertionError: When the fresh-connection frames do not arrive in time.
        """
        stream = self.training_stream(**options)
        await stream.connect()
        watch = TrainingWatch(stream)
        watch.start()
        try:
            await watch.next_of_type("initial_metrics", since=0, within=_LIVE_TIMEOUT)
            yield watch
        finally:
            await stream.disconnect()
            await watch.stop()
