"""``ServerContext``: the parts of one fake server and the glue between its threads.

The aiohttp application runs on one event loop thread, training on another thread. Frames that
training emits reach ``/ws/training`` through ``emit`` (thread-safe); the test thread reaches the
loop through ``on_loop``. ``handshake_refusal`` holds the handshake gates of the three
WebSocket endpoints, in the real server's order.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from aiohttp import web

from juniper_cascor_fake_server.config import ServerConfig
from juniper_cascor_fake_server.domain.operations import Operations
from juniper_cascor_fake_server.domain.snapshots import SnapshotStore
from juniper_cascor_fake_server.domain.state import TrainingState
from juniper_cascor_fake_server.domain.trainer import Trainer
from juniper_cascor_fake_server.faults import Faults
from juniper_cascor_fake_server.recorder import RequestRecorder
from juniper_cascor_fake_server.workers.registry import WorkerRegistry
from juniper_cascor_fake_server.ws.broadcast import SequenceLog, broadcast_envelope
from juniper_cascor_fake_server.ws.connections import ConnectionRegistry, api_key_identity
from juniper_cascor_fake_server.ws.cooldown import HandshakeCooldown
from juniper_cascor_fake_server.ws.origin import origin_allowed

__all__ = ["CONTEXT", "HandshakeRefusal", "ServerContext"]

T = TypeVar("T")
_ON_LOOP_TIMEOUT = 10.0


@dataclass(frozen=True)
class HandshakeRefusal:
    """How a WebSocket handshake is refused: HTTP 403 before the upgrade when ``close_code`` is
    ``None`` (every gate of the real server), else upgraded and closed with that code and
    ``reason`` (only refusals scripted with ``faults.refuse_handshakes``)."""

    close_code: int | None = None
    reason: str = ""


_FORBIDDEN = HandshakeRefusal()


class ServerContext:
    """Configuration, state and connections of one fake server."""

    def __init__(self, config: ServerConfig) -> None:
        self.config = config
        self.loop: asyncio.AbstractEventLoop | None = None
        self.sequence = SequenceLog(config.replay_capacity)
        self.connections = ConnectionRegistry()
        self.cooldown = HandshakeCooldown()
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

    def broadcast(self, frame_type: str, data: dict[str, Any]) -> None:
        """Number a frame and queue it to every live ``/ws/training`` client (on the loop).

        Like the real server, a broadcast made while no client is live is dropped: it gets no
        ``seq`` and is not kept for replay (unless ``config.resume_buffer_always``).

        Raises:
            ValueError: for a type that is not broadcast.
        """
        subscribers = self.connections.subscribers()
        if not subscribers and not self.config.resume_buffer_always:
            return
        texts = self.sequence.number(broadcast_envelope(frame_type, data))
        for connection in subscribers:
            connection.send_all(texts)

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

    def handshake_refusal(self, request: web.Request, channel: str) -> HandshakeRefusal | None:
        """Why a WebSocket handshake on ``channel`` is refused, or ``None`` to accept it.

        The gates, in the real server's order: ``/ws/training``: the key, then the connection
        limits (``max_connections`` training connections, ``max_connections_global`` over all
        endpoints, ``max_connections_per_ip``). ``/ws/control``: a blocked address (with
        ``handshake_cooldown``), the key, the Origin allowlist (each refusal of these two counts
        towards the cooldown), then ``max_connections_global`` and
        ``max_connections_per_identity`` per key. ``/ws/v1/workers``: any Origin header, the
        key, a disabled worker system, then ``max_connections_global``.
        """
        scripted = self.faults.take_handshake_refusal(channel)
        if scripted is not None:
            return HandshakeRefusal(*scripted)
        if channel == "training":
            refused = not self.authorized(request) or not self._admits_training(request)
        elif channel == "control":
            refused = not self._control_gates_pass(request) or not self._admits_control(request)
        else:
            refused = (
                bool(request.headers.get("Origin"))
                or not self.authorized(request)
                or not self.config.workers_enabled
                or not self._admits_global()
            )
        return _FORBIDDEN if refused else None

    def _control_gates_pass(self, request: web.Request) -> bool:
        address = request.remote or "unknown"
        cooldown = self.cooldown if self.config.handshake_cooldown else None
        if cooldown is not None and cooldown.blocked(address):
            return False
        if self.authorized(request) and origin_allowed(
            request.headers.get("Origin"), self.config.allowed_origins
        ):
            return True
        if cooldown is not None:
            cooldown.record_refusal(address)
        return False

    def _admits_global(self) -> bool:
        return self.connections.count("all") < self.config.max_connections_global

    def _admits_training(self, request: web.Request) -> bool:
        config, connections = self.config, self.connections
        return (
            connections.count("training") < config.max_connections
            and self._admits_global()
            and connections.count("training", remote=request.remote or "")
            < config.max_connections_per_ip
        )

    def _admits_control(self, request: web.Request) -> bool:
        identity = api_key_identity(request)
        return self._admits_global() and (
            identity is None
            or self.connections.count("control", identity=identity)
            < self.config.max_connections_per_identity
        )

    def shutdown_training(self) -> None:
        """Stop the training thread and a replay session's thread (server shutdown)."""
        self.trainer.stop(timeout=5.0)
        replay = self.state.replay
        if replay is not None:
            replay.stop()


CONTEXT = web.AppKey("context", ServerContext)
"""Where handlers find the context: ``request.app[CONTEXT]``."""
