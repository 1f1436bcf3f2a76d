"""WebSocket connections: one writer task per socket, a registry per channel, app-level pings.

Every outbound frame goes through the connection's queue so exactly one task writes to the
socket and frames keep their order (a ``task_assign`` and its binary tensors stay together).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiohttp import web

from juniper_cascor_protocol.envelope import PingEnvelope

__all__ = ["ConnectionRegistry", "WsConnection", "api_key_identity", "close_reason", "ping_loop"]

logger = logging.getLogger(__name__)

_QUEUE_LIMIT = 8192
_MAX_CLOSE_REASON = 123  # bytes: a close frame's payload is at most 125, 2 of them the code
Silence = Callable[[str], Awaitable[None]]


def api_key_identity(request: web.Request) -> str | None:
    """A digest of the request's ``X-API-Key`` (``None`` when it has none or a blank one)."""
    key = request.headers.get("X-API-Key", "").strip()
    return hashlib.sha256(key.encode()).hexdigest()[:16] if key else None


def close_reason(text: str) -> bytes:
    """``text`` as a close frame's reason: UTF-8, cut to the 123 bytes a close frame holds."""
    return text.encode()[:_MAX_CLOSE_REASON].decode(errors="ignore").encode()


@dataclass(frozen=True)
class _Close:
    code: int
    reason: str


class WsConnection:
    """One accepted WebSocket on a channel (``training``, ``control`` or ``workers``).

    ``live`` is whether it receives ``/ws/training`` broadcasts: a training connection goes
    live once its first frame was answered (a resume, or the fresh-connection frames), and
    stops when the server closes or drops it. ``identity`` identifies its API key (a digest,
    ``None`` without a key), for the per-key connection limit of ``/ws/control``.
    """

    def __init__(
        self,
        channel: str,
        request: web.Request,
        ws: web.WebSocketResponse,
        identity: str | None = None,
    ) -> None:
        self.channel = channel
        self.ws = ws
        self.remote = request.remote or ""
        self.identity = identity
        self._transport = request.transport
        self.live = False
        self.pong = asyncio.Event()
        self._queue: asyncio.Queue[str | bytes | _Close] = asyncio.Queue(_QUEUE_LIMIT)
        self._writer: asyncio.Task[None] | None = None

    def start(self, silence: Silence) -> None:
        """Start the writer task."""
        self._writer = asyncio.get_running_loop().create_task(self._write(silence))

    def send(self, item: str | bytes) -> None:
        """Queue a text or binary frame; a client too slow to drain its queue is dropped."""
        try:
            self._queue.put_nowait(item)
        except asyncio.QueueFull:
            logger.warning("dropping a %s client that does not keep up", self.channel)
            self.abort()

    def send_all(self, texts: list[str]) -> None:
        """Queue several text frames, in order."""
        for text in texts:
            self.send(text)

    def send_json(self, frame: object) -> None:
        """Queue a JSON text frame."""
        self.send(json.dumps(frame))

    def close_soon(self, code: int, reason: str) -> None:
        """Close with ``code`` after the frames already queued (no broadcast follows)."""
        self.live = False
        with contextlib.suppress(asyncio.QueueFull):
            self._queue.put_nowait(_Close(code, reason))

    def abort(self) -> None:
        """Drop the TCP connection at once, without a close frame."""
        self.live = False
        if self._transport is not None:
            self._transport.abort()

    async def _write(self, silence: Silence) -> None:
        while True:
            item = await self._queue.get()
            await silence(self.channel)
            try:
                if isinstance(item, _Close):
                    await self.ws.close(code=item.code, message=close_reason(item.reason))
                    return
                if isinstance(item, str):
                    await self.ws.send_str(item)
                else:
                    await self.ws.send_bytes(item)
            except (ConnectionError, RuntimeError):
                return

    async def drain_and_stop(self, grace: float = 2.0) -> None:
        """Let the writer send what is queued and close (1000 unless a close is queued)."""
        writer = self._writer
        if writer is None:
            return
        self.close_soon(1000, "")
        with contextlib.suppress(TimeoutError, asyncio.CancelledError):
            await asyncio.wait_for(asyncio.shield(writer), grace)
        writer.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await writer


class ConnectionRegistry:
    """The open connections of every channel (used on the event loop only)."""

    def __init__(self) -> None:
        self._connections: dict[str, list[WsConnection]] = {}

    def add(self, connection: WsConnection) -> None:
        """Register an accepted connection."""
        self._connections.setdefault(connection.channel, []).append(connection)

    def remove(self, connection: WsConnection) -> None:
        """Forget a connection (idempotent)."""
        group = self._connections.get(connection.channel, [])
        if connection in group:
            group.remove(connection)

    def of(self, channel: str) -> list[WsConnection]:
        """A copy of the channel's connections (``all`` for every channel)."""
        if channel == "all":
            return [c for group in self._connections.values() for c in group]
        return list(self._connections.get(channel, []))

    def count(self, channel: str, *, remote: str | None = None, identity: str | None = None) -> int:
        """How many connections the channel has (``all`` for every channel), only those from
        ``remote`` and with ``identity`` when given."""
        return sum(
            1
            for c in self.of(channel)
            if remote in (None, c.remote) and identity in (None, c.identity)
        )

    def subscribers(self) -> list[WsConnection]:
        """The live ``/ws/training`` connections (those that receive broadcasts)."""
        return [c for c in self.of("training") if c.live]


async def ping_loop(
    connection: WsConnection, interval: float, pong_timeout: float, silence: Silence
) -> None:
    """Send ``{"type": "ping", "ts": ...}`` every ``interval`` s (never when ``interval <= 0``).

    Any frame from the client counts as the answer (``connection.pong`` is set for each); none
    within ``pong_timeout`` s closes the connection with 1011.
    """
    if interval <= 0:
        return
    while True:
        await asyncio.sleep(interval)
        await silence(connection.channel)
        connection.pong.clear()
        connection.send(PingEnvelope.build().to_json())
        try:
            await asyncio.wait_for(connection.pong.wait(), pong_timeout)
        except TimeoutError:
            reason = f"Heartbeat timeout: no pong or traffic within {pong_timeout:.0f}s"
            connection.close_soon(1011, reason)
            return
