"""WebSocket connections: one writer task per socket, a registry per channel, app-level pings.

Every outbound frame goes through the connection's queue so exactly one task writes to the
socket and frames keep their order (a ``task_assign`` and its binary tensors stay together).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiohttp import web

__all__ = ["ConnectionRegistry", "WsConnection", "close_reason", "ping_loop"]

logger = logging.getLogger(__name__)

_QUEUE_LIMIT = 8192
_MAX_CLOSE_REASON = 123  # bytes: a close frame's payload is at most 125, 2 of them the code
Silence = Callable[[str], Awaitable[None]]


def close_reason(text: str) -> bytes:
    """``text`` as a close frame's reason: UTF-8, cut to the 123 bytes a close frame holds."""
    return text.encode()[:_MAX_CLOSE_REASON].decode(errors="ignore").encode()


@dataclass(frozen=True)
class _Close:
    code: int
    reason: str


class WsConnection:
    """One accepted WebSocket on a channel (``training``, ``control`` or ``workers``)."""

    def __init__(self, channel: str, request: web.Request, ws: web.WebSocketResponse) -> None:
        self.channel = channel
        self.ws = ws
        self.remote = request.remote or ""
        self._transport = request.transport
        self.live = False
        self.held: deque[str] | None = None
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

    def deliver(self, text: str) -> None:
        """Send a broadcast when live, hold it while the connection is being set up."""
        if self.live:
            self.send(text)
        elif self.held is not None:
            self.held.append(text)

    def hold(self, limit: int) -> None:
        """Keep up to ``limit`` broadcasts until ``release`` or ``discard``."""
        self.held = deque(maxlen=limit)

    def release(self) -> None:
        """Send the held broadcasts and go live."""
        for text in self.held or ():
            self.send(text)
        self.held, self.live = None, True

    def send_json(self, frame: object) -> None:
        """Queue a JSON text frame."""
        self.send(json.dumps(frame))

    def close_soon(self, code: int, reason: str) -> None:
        """Close with ``code`` after the frames already queued."""
        with contextlib.suppress(asyncio.QueueFull):
            self._queue.put_nowait(_Close(code, reason))

    def abort(self) -> None:
        """Drop the TCP connection at once, without a close frame."""
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

    def count(self, channel: str, remote: str | None = None) -> int:
        """How many connections the channel has (from ``remote`` only, when given)."""
        return sum(1 for c in self.of(channel) if remote is None or c.remote == remote)


async def ping_loop(
    connection: WsConnection, interval: float, pong_timeout: float, silence: Silence
) -> None:
    """Send ``{"type": "ping", "ts": ...}`` every ``interval`` s; no pong in time -> 1011."""
    while True:
        await asyncio.sleep(interval)
        await silence(connection.channel)
        connection.pong.clear()
        connection.send_json({"type": "ping", "ts": time.time()})
        try:
            await asyncio.wait_for(connection.pong.wait(), pong_timeout)
        except TimeoutError:
            connection.close_soon(1011, "Pong timeout")
            return
