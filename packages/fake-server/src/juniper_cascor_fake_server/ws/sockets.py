"""Accepting, reading and releasing WebSocket connections (shared by the three endpoints)."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Coroutine
from typing import Any

from aiohttp import WSMsgType, web

from juniper_cascor_fake_server.ws.connections import WsConnection, close_reason, ping_loop
from juniper_cascor_fake_server.context import CONTEXT, ServerContext
from juniper_cascor_fake_server.recorder import RecordedRequest

__all__ = ["accepted", "background", "parse_object", "pings", "receive"]

_CLOSE_TIMEOUT = 2.0
_READ_LIMIT = 128 * 1024 * 1024
_ENDED = (WSMsgType.CLOSE, WSMsgType.CLOSING, WSMsgType.CLOSED, WSMsgType.ERROR)


@contextlib.asynccontextmanager
async def accepted(
    request: web.Request, channel: str
) -> AsyncIterator[tuple[web.WebSocketResponse, WsConnection | None]]:
    """Accept the handshake; yield the socket and its connection (``None`` when refused).

    A refused handshake is closed with its code (4001, 4003, 1013...) after the upgrade, as the
    real server does. The connection is registered, its writer runs, and both are released at
    the end.
    """
    context = request.app[CONTEXT]
    context.recorder.add(RecordedRequest.of(request, None))
    ws = web.WebSocketResponse(timeout=_CLOSE_TIMEOUT, max_msg_size=_READ_LIMIT, autoping=True)
    await ws.prepare(request)
    refusal = context.handshake_refusal(request, channel)
    if refusal is not None:
        await ws.close(code=refusal[0], message=close_reason(refusal[1]))
        yield ws, None
        return
    connection = WsConnection(channel, request, ws)
    context.connections.add(connection)
    connection.start(context.faults.wait_audible)
    try:
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

    Raises:
        TimeoutError: when nothing arrives within ``within`` seconds.
    """
    await context.faults.wait_audible(connection.channel)
    message = await connection.ws.receive(timeout=within)
    if message.type in _ENDED:
        return None
    if message.type is WSMsgType.TEXT:
        return str(message.data)
    if message.type is WSMsgType.BINARY:
        return bytes(message.data)
    return await receive(context, connection, within)


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
