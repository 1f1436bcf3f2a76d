"""Accepting, reading and releasing WebSocket connections (shared by the three endpoints).

A handshake the gates refuse (see ``ServerContext.handshake_refusal``) is answered HTTP 403
with an empty body before the upgrade, as the real server does (it closes before accepting).
Only a refusal scripted with ``faults.refuse_handshakes`` upgrades and then closes with its
code. When a handler meets what makes the real server's handler fail (``HandlerCrashError``), the
connection is dropped without a close frame, as the real server's ASGI host does.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Coroutine
from typing import Any

from aiohttp import WSMsgType, web

from juniper_cascor_fake_server.context import CONTEXT, ServerContext
from juniper_cascor_fake_server.recorder import RecordedRequest
from juniper_cascor_fake_server.ws.connections import (
    WsConnection,
    api_key_identity,
    close_reason,
    ping_loop,
)

__all__ = [
    "HandlerCrashError",
    "accepted",
    "background",
    "parse_object",
    "pings",
    "read_json",
    "receive",
]

_CLOSE_TIMEOUT = 2.0
_READ_LIMIT = 128 * 1024 * 1024
_ENDED = (WSMsgType.CLOSE, WSMsgType.CLOSING, WSMsgType.CLOSED, WSMsgType.ERROR)


class HandlerCrashError(Exception):
    """A client frame the real server's handler fails on; the connection is dropped."""


@contextlib.asynccontextmanager
async def accepted(
    request: web.Request, channel: str
) -> AsyncIterator[tuple[web.WebSocketResponse, WsConnection | None]]:
    """Accept the handshake; yield the socket and its connection (``None`` when refused).

    The connection is registered, its writer runs, and both are released at the end.

    Raises:
        web.HTTPForbidden: when a gate refuses the handshake (HTTP 403, empty body).
    """
    context = request.app[CONTEXT]
    context.recorder.add(RecordedRequest.of(request, None))
    refusal = context.handshake_refusal(request, channel)
    if refusal is not None and refusal.close_code is None:
        raise web.HTTPForbidden(text="", headers={"Connection": "close"})
    ws = web.WebSocketResponse(timeout=_CLOSE_TIMEOUT, max_msg_size=_READ_LIMIT, autoping=True)
    if refusal is not None and refusal.close_code is not None:
        await ws.prepare(request)
        await ws.close(code=refusal.close_code, message=close_reason(refusal.reason))
        yield ws, None
        return
    # Registered before the upgrade is awaited, so concurrent handshakes count each other.
    connection = WsConnection(channel, request, ws, api_key_identity(request))
    context.connections.add(connection)
    try:
        await ws.prepare(request)
        connection.start(context.faults.wait_audible)
        yield ws, connection
    finally:
        context.connections.remove(connection)
        await connection.drain_and_stop()
        with contextlib.suppress(Exception):
            await ws.close()


async def receive(
    context: ServerContext, connection: WsConnection, within: float | None = None
) -> str | bytes | None:
    """The next text or binary frame; ``None`` once the socket is closed.

    Every frame proves the client alive: it answers a pending application ping.

    Raises:
        TimeoutError: when nothing arrives within ``within`` seconds.
    """
    while True:
        await context.faults.wait_audible(connection.channel)
        message = await connection.ws.receive(timeout=within)
        if message.type in _ENDED:
            return None
        if message.type is WSMsgType.TEXT:
            connection.pong.set()
            return str(message.data)
        if message.type is WSMsgType.BINARY:
            connection.pong.set()
            return bytes(message.data)


def read_json(text: str) -> object:
    """``text`` parsed as the real server parses it (``json.loads``).

    Raises:
        json.JSONDecodeError: when it is not JSON.
        HandlerCrashError: when parsing fails otherwise (nesting too deep, an integer too long).
    """
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        raise
    except (ValueError, RecursionError) as exc:
        raise HandlerCrashError(f"unparsable frame: {type(exc).__name__}") from exc


def parse_object(text: str) -> dict[str, Any] | None:
    """``text`` as a JSON object, or ``None`` when it is not one (or nests too deep to parse)."""
    with contextlib.suppress(ValueError, RecursionError):
        value = json.loads(text)
        if isinstance(value, dict):
            return value
    return None


def pings(context: ServerContext, connection: WsConnection) -> Coroutine[Any, Any, None]:
    """The application ping loop of ``connection`` with the configured timings."""
    config = context.config
    return ping_loop(
        connection, config.ping_interval, config.pong_timeout, context.faults.wait_audible
    )


@contextlib.asynccontextmanager
async def background(*coroutines: Coroutine[Any, Any, None]) -> AsyncIterator[None]:
    """Run ``coroutines`` as tasks while the body runs; cancel them afterwards."""
    tasks = [asyncio.create_task(coroutine) for coroutine in coroutines]
    try:
        yield
    finally:
        for task in tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
