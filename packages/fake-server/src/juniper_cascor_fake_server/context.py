"""``ServerContext``: the parts of one fake server and the glue between its threads.

The aiohttp application runs on one event loop thread, training on another thread. Frames that
training emits reach ``/ws/training`` through ``emit`` (thread-safe); the test thread reaches the
loop through ``on_loop``.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
from collections.abc import Callable
from typing import Any, TypeVar

from aiohttp import web

from juniper_cascor_fake_server.ws.broadcast import SequenceLog
from juniper_cascor_fake_server.domain.operations import Operations
from juniper_cascor_fake_server.config import ServerConfig
from juniper_cascor_fake_server.ws.connections import ConnectionRegistry
from juniper_cascor_fake_server.faults import Faults
from juniper_cascor_fake_server.recorder import RequestRecorder
from juniper_cascor_fake_server.domain.snapshots import SnapshotStore
from juniper_cascor_fake_server.domain.state import TrainingState
from juniper_cascor_fake_server.domain.trainer import Trainer
from juniper_cascor_fake_server.workers.registry import WorkerRegistry

__all__ = ["CONTEXT", "ServerContext"]

T = TypeVar("T")
_ON_LOOP_TIMEOUT = 10.0


class ServerContext:
    """Configuration, state and connections of one fake server."""

    def __init__(self, config: ServerConfig) -> None:
        self.config = config
        self.loop: asyncio.AbstractEventLoop | None = None
        self.sequence = SequenceLog(config.replay_capacity)
        self.connections = ConnectionRegistry()
        self.recorder = RequestRecorder()
        self.faults = Faults(self)
        self.workers = WorkerRegistry(config.max_workers, config.worker_task_timeout)
        self.state = TrainingState(config.seed, self.emit)
        self.trainer = Trainer(self.state, self.workers.run_candidates, config.epoch_delay)
        self.operations = Operations(self.state, self.trainer)
        self.snapshots = SnapshotStore(self.state)

    def attach(self, loop: asyncio.AbstractEventLoop) -> None:
        """Bind to the server's running loop."""
        self.loop = loop
        self.workers.loop = loop

    def emit(self, frame_type: str, data: dict[str, Any]) -> None:
        """Broadcast a frame from any thread (dropped while the server is not running)."""
        loop = self.loop
        if loop is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(self.broadcast, frame_type, data)

    def broadcast(self, frame_type: str, data: Any) -> None:
        """Number a frame and queue it to every ``/ws/training`` client (on the loop)."""
        texts = self.sequence.encode(frame_type, data)
        for connection in self.connections.of("training"):
            for text in texts:
                connection.deliver(text)

    def on_loop(self, function: Callable[[], T]) -> T:
        """Run ``function`` on the loop and return its result (directly when already there).

        Raises:
            RuntimeError: when the server is not running.
        """
        loop = self.loop
        if loop is None or loop.is_closed():
            raise RuntimeError("the server is not running")
        try:
            if asyncio.get_running_loop() is loop:
                return function()
        except RuntimeError:
            pass

        async def call() -> T:
            return function()

        return asyncio.run_coroutine_threadsafe(call(), loop).result(_ON_LOOP_TIMEOUT)

    def authorized(self, request: web.Request) -> bool:
        """Whether the request carries an accepted ``X-API-Key`` (always, without keys)."""
        if self.faults.auth_refused:
            return False
        if not self.config.api_keys:
            return True
        key = request.headers.get("X-API-Key", "")
        return any(hmac.compare_digest(key, known) for known in self.config.api_keys)

    def handshake_refusal(self, request: web.Request, channel: str) -> tuple[int, str] | None:
        """The close code and reason refusing a WebSocket handshake, or ``None`` to accept."""
        scripted = self.faults.take_handshake_refusal(channel)
        if scripted is not None:
            return scripted
        origin = request.headers.get("Origin")
        config = self.config
        if channel == "workers":
            if not config.workers_enabled:
                return 1013, "Worker system disabled"
            if origin is not None:
                return 4003, "Origin not allowed"
        elif (
            origin is not None
            and config.allowed_origins is not None
            and origin not in config.allowed_origins
        ):
            return 4003, "Origin not allowed"
        if not self.authorized(request):
            return 4001, "Authentication required"
        if self.connections.count(channel) >= config.max_connections:
            return 1013, "Too many connections"
        if self.connections.count(channel, request.remote or "") >= config.max_connections_per_ip:
            return 1013, "Too many connections from this address"
        return None

    def shutdown_training(self) -> None:
        """Stop the training thread (server shutdown)."""
        self.trainer.stop(timeout=5.0)


CONTEXT = web.AppKey("context", ServerContext)
"""Where handlers find the context: ``request.app[CONTEXT]``."""
