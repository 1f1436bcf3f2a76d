"""Fault injection for the fake server, scriptable from tests as ``server.faults``.

Channels are ``"training"``, ``"control"``, ``"workers"`` (WebSocket endpoints), ``"http"`` (REST)
or ``"all"``. Path patterns are shell-style globs matched against the request path, e.g.
``"/v1/network"`` or ``"/v1/training/*"``. Every method is thread-safe and may be called from the
test's thread while the server runs; ``clear()`` removes every fault.
"""

from __future__ import annotations

import asyncio
import fnmatch
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from juniper_cascor_fake_server.ws.broadcast import SequenceLog
from juniper_cascor_fake_server.ws.connections import ConnectionRegistry

__all__ = ["FaultTarget", "Faults", "HttpPlan"]

T = TypeVar("T")
_RESTART_CLOSE = 1012


class FaultTarget(Protocol):
    """What the faults act on: the server's connections, sequence log and loop."""

    connections: ConnectionRegistry
    sequence: SequenceLog

    def broadcast(self, frame_type: str, data: Any) -> None:
        """Broadcast a frame on ``/ws/training`` (on the loop)."""

    def on_loop(self, function: Callable[[], T]) -> T:
        """Run ``function`` on the server's loop and return its result."""
        ...


@dataclass
class _Rule:
    pattern: str
    method: str | None
    remaining: int
    status: int = 0
    retry_after: float | None = None

    def take(self, method: str, path: str) -> bool:
        if self.remaining <= 0 or not fnmatch.fnmatchcase(path, self.pattern):
            return False
        if self.method is not None and self.method.upper() != method:
            return False
        self.remaining -= 1
        return True


@dataclass(frozen=True)
class HttpPlan:
    """What the HTTP middleware does with one request."""

    close: bool = False
    status: int | None = None
    retry_after: float | None = None
    delay: float = 0.0


class Faults:
    """The fault switches of one server (see the module docstring for channels and patterns)."""

    def __init__(self, target: FaultTarget) -> None:
        self._target = target
        self._lock = threading.Lock()
        self.clear()

    def clear(self) -> None:
        """Remove every fault."""
        with self._lock:
            self._silent: dict[str, float] = {}
            self._delays: list[tuple[str, float]] = []
            self._failures: list[_Rule] = []
            self._closes: list[_Rule] = []
            self._every: tuple[int, tuple[int, ...], float | None, str] | None = None
            self._count = 0
            self._auth_refused = False
            self._refusals: dict[str, list[tuple[int, str]]] = {}
            self.command_delay: float | None = None

    # -- connections ---------------------------------------------------------------------------
    def drop_connections(self, channel: str = "all") -> int:
        """Abort every connection of ``channel`` at the TCP level (no close frame); the count.

        A dropped ``/ws/training`` connection stops being a subscriber at once: with no other
        subscriber, later broadcasts get no ``seq`` (see ``ServerConfig.resume_buffer_always``).
        """

        def drop() -> int:
            connections = self._target.connections.of(channel)
            for connection in connections:
                connection.abort()
            return len(connections)

        return self._target.on_loop(drop)

    def go_silent(self, seconds: float, channel: str = "all") -> None:
        """Stop reading and sending on ``channel`` (pings too; REST answers wait) for a while."""
        with self._lock:
            self._silent[channel] = time.monotonic() + seconds

    async def wait_audible(self, channel: str) -> None:
        """Wait while ``channel`` is silent (used by the server's readers and writers)."""
        while True:
            with self._lock:
                until = max(self._silent.get(channel, 0.0), self._silent.get("all", 0.0))
            remaining = until - time.monotonic()
            if remaining <= 0:
                return
            await asyncio.sleep(remaining)

    def send_raw(self, channel: str, payload: str | bytes) -> int:
        """Send ``payload`` as a text (``str``) or binary (``bytes``) frame to every client."""

        def send() -> int:
            connections = self._target.connections.of(channel)
            for connection in connections:
                connection.send(payload)
            return len(connections)

        return self._target.on_loop(send)

    def send_malformed_json(self, channel: str) -> int:
        """Send a text frame that is not JSON."""
        return self.send_raw(channel, '{"type": "metrics", "data": {')

    def send_unknown_type(self, channel: str, frame_type: str = "mystery_frame") -> int:
        """Send a well-formed frame of a type no client knows."""
        frame = {"type": frame_type, "timestamp": time.time(), "data": {"x": 1}}
        return self.send_raw(channel, json.dumps(frame))

    def send_oversized(self, channel: str, size: int = 2 * 1024 * 1024) -> int:
        """Send a valid JSON ``event`` frame of about ``size`` characters."""
        frame = {"type": "event", "timestamp": time.time(), "data": {"blob": "x" * size}}
        return self.send_raw(channel, json.dumps(frame))

    def broadcast(self, frame_type: str, data: Any) -> None:
        """Broadcast a frame through the real ``/ws/training`` path (seq, replay, chunking;
        dropped, like any broadcast, while no client is live).

        Raises:
            ValueError: for a type that is not broadcast (``state``, ``metrics``,
                ``topology``, ``cascade_add`` and ``event`` are).
        """
        self._target.on_loop(lambda: self._target.broadcast(frame_type, data))

    def restart(self) -> str:
        """Act as a restarted server: new ``server_instance_id``, seq from 1, replay buffer
        emptied, every WebSocket closed with 1012. The network and training state stay.
        Returns the new instance id."""

        def restart() -> str:
            self._target.sequence.restart()
            for connection in self._target.connections.of("all"):
                connection.close_soon(_RESTART_CLOSE, "Service restart")
            return self._target.sequence.instance_id

        return self._target.on_loop(restart)

    def refuse_handshakes(self, channel: str, code: int, times: int = 1, reason: str = "") -> None:
        """Upgrade the next ``times`` handshakes on ``channel`` and close them at once with
        ``code`` (e.g. 4029, 1013): how servers of other lines refuse. The real 0.12 server's
        own refusals are HTTP 403 before the upgrade."""
        with self._lock:
            self._refusals.setdefault(channel, []).extend([(code, reason)] * times)

    def take_handshake_refusal(self, channel: str) -> tuple[int, str] | None:
        """The next scripted refusal for ``channel``, if any (used by the server)."""
        with self._lock:
            queue = self._refusals.get(channel)
            return queue.pop(0) if queue else None

    # -- authentication and HTTP ---------------------------------------------------------------
    def refuse_auth(self, enabled: bool = True) -> None:
        """Refuse every key (REST 401, WebSocket handshakes HTTP 403) until called with
        ``False``."""
        with self._lock:
            self._auth_refused = enabled

    @property
    def auth_refused(self) -> bool:
        """Whether ``refuse_auth`` is on."""
        with self._lock:
            return self._auth_refused

    def delay_responses(self, seconds: float, path: str = "*") -> None:
        """Delay the REST answers to ``path`` by ``seconds`` (a later call for a path wins)."""
        with self._lock:
            self._delays.insert(0, (path, seconds))

    def delay_commands(self, seconds: float | None) -> None:
        """Make control commands answer ``queued`` first and run ``seconds`` later
        (``None`` goes back to the configured ``command_delay``)."""
        with self._lock:
            self.command_delay = seconds

    def fail_requests(
        self,
        path: str,
        status: int = 503,
        times: int = 1,
        retry_after: float | None = None,
        method: str | None = None,
    ) -> None:
        """Answer the next ``times`` requests to ``path`` with ``status`` (error envelope; a
        ``Retry-After`` header when ``retry_after`` is given) instead of handling them."""
        with self._lock:
            self._failures.append(_Rule(path, method, times, status, retry_after))

    def close_after_read(self, path: str, times: int = 1, method: str | None = None) -> None:
        """Read the next ``times`` requests to ``path``, then close the TCP connection without
        answering (the handler does not run)."""
        with self._lock:
            self._closes.append(_Rule(path, method, times))

    def fail_every(
        self,
        every: int,
        statuses: tuple[int, ...] = (503, 500),
        retry_after: float | None = 0.0,
        path: str = "/v1/*",
    ) -> None:
        """Fail every ``every``-th request to ``path``, cycling through ``statuses``."""
        with self._lock:
            self._every, self._count = (every, statuses, retry_after, path), 0

    def http_plan(self, method: str, path: str) -> HttpPlan:
        """Decide one request (used by the server; consumes the matching counters)."""
        with self._lock:
            delay = next((s for p, s in self._delays if fnmatch.fnmatchcase(path, p)), 0.0)
            if any(rule.take(method, path) for rule in self._closes):
                return HttpPlan(close=True)
            failure = next((r for r in self._failures if r.take(method, path)), None)
            if failure is not None:
                return HttpPlan(status=failure.status, retry_after=failure.retry_after, delay=delay)
            if self._every is not None and fnmatch.fnmatchcase(path, self._every[3]):
                every, statuses, retry_after, _ = self._every
                self._count += 1
                if self._count % every == 0:
                    status = statuses[(self._count // every - 1) % len(statuses)]
                    return HttpPlan(status=status, retry_after=retry_after, delay=delay)
            return HttpPlan(delay=delay)
