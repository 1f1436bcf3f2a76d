"""``/ws/control``: commands with ``command_id``, rate limit, ``queued`` answers, idle close.

Commands of one connection run one at a time in arrival order (answers keep that order); the
reader keeps going meanwhile, so pongs, rate limits and malformed frames are answered at once.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from aiohttp import web

from juniper_cascor_fake_server.domain.operations import Operations
from juniper_cascor_fake_server.ws.connections import WsConnection
from juniper_cascor_fake_server.context import CONTEXT, ServerContext
from juniper_cascor_fake_server.domain.errors import ServiceError
from juniper_cascor_fake_server.ws.sockets import (
    accepted,
    background,
    parse_object,
    pings,
    receive,
)

__all__ = ["COMMAND_TIMEOUTS", "RateLimiter", "control_socket"]

MAX_TEXT_CHARS = 65_536
COMMAND_TIMEOUTS = {"start": 10.0, "set_params": 1.0}
_DEFAULT_TIMEOUT = 2.0


class RateLimiter:
    """At most ``limit`` events in any ``window`` seconds (sliding window)."""

    def __init__(self, limit: int, window: float = 1.0) -> None:
        self.limit, self.window = limit, window
        self._times: deque[float] = deque()

    def retry_after(self) -> float:
        """0 when an event is allowed now (and counts it), else seconds until one is."""
        now = time.monotonic()
        while self._times and now - self._times[0] >= self.window:
            self._times.popleft()
        if len(self._times) < self.limit:
            self._times.append(now)
            return 0.0
        return self.window - (now - self._times[0])


def _operation(operations: Operations, name: str, params: Any) -> Callable[[], dict[str, Any]]:
    body = params if isinstance(params, dict) else {}
    table: dict[str, Callable[[], dict[str, Any]]] = {
        "start": lambda: operations.start(body),
        "stop": operations.stop,
        "pause": operations.pause,
        "resume": operations.resume,
        "reset": operations.reset,
        "set_params": lambda: operations.set_params(params, ("params",)),
    }
    return table[name]


def _answer(
    connection: WsConnection, command: str, status: str, command_id: Any, **fields: Any
) -> None:
    data: dict[str, Any] = {"command": command, "status": status}
    if command_id is not None:
        data["command_id"] = command_id
    data.update({key: value for key, value in fields.items() if value is not None})
    connection.send_json({"type": "command_response", "timestamp": time.time(), "data": data})


async def _run(context: ServerContext, connection: WsConnection, frame: dict[str, Any]) -> None:
    name, command_id = frame.get("command"), frame.get("command_id")
    if name not in ("start", "stop", "pause", "resume", "reset", "set_params"):
        _answer(
            connection,
            str(name),
            "error",
            command_id,
            error=f"Unknown command: {name}",
            code="unknown_command",
        )
        return
    delay = context.faults.command_delay
    delay = context.config.command_delay if delay is None else delay
    deadline = time.monotonic() + delay
    while (remaining := deadline - time.monotonic()) > 0:
        _answer(connection, name, "queued", command_id)
        await asyncio.sleep(min(remaining, context.config.queued_interval))
    operation = _operation(context.operations, name, frame.get("params"))
    try:
        result = await asyncio.wait_for(
            asyncio.to_thread(operation), COMMAND_TIMEOUTS.get(name, _DEFAULT_TIMEOUT)
        )
    except TimeoutError:
        _answer(connection, name, "timeout", command_id, error="Command timed out")
    except ServiceError as error:
        _answer(connection, name, "error", command_id, error=error.message, code=error.command_code)
    except Exception as exc:
        _answer(connection, name, "error", command_id, error=str(exc), code="internal_error")
    else:
        _answer(connection, name, "success", command_id, result=result)


async def _commands(
    context: ServerContext, connection: WsConnection, queue: asyncio.Queue[dict[str, Any]]
) -> None:
    while True:
        await _run(context, connection, await queue.get())


def _refuse(connection: WsConnection, error: str, close: bool) -> None:
    _answer(connection, "unknown", "error", None, error=error, code="invalid_message")
    if close:
        connection.close_soon(1003, error)


async def control_socket(request: web.Request) -> web.WebSocketResponse:
    """The ``/ws/control`` handler."""
    context = request.app[CONTEXT]
    config = context.config
    async with accepted(request, "control") as (ws, connection):
        if connection is None:
            return ws
        connection.send_json({"type": "connection_established", "data": {"channel": "control"}})
        limiter = RateLimiter(config.commands_per_second)
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        commands = _commands(context, connection, queue)
        async with background(commands, pings(context, connection)):
            await _read(context, connection, limiter, queue)
    return ws


async def _read(
    context: ServerContext,
    connection: WsConnection,
    limiter: RateLimiter,
    queue: asyncio.Queue[dict[str, Any]],
) -> None:
    while True:
        try:
            message = await receive(context, connection, context.config.idle_timeout)
        except TimeoutError:
            connection.close_soon(1000, "Idle timeout")
            return
        if message is None:
            return
        if isinstance(message, bytes):
            _refuse(connection, "Binary frames are not supported", close=True)
            return
        if len(message) > MAX_TEXT_CHARS:
            _refuse(connection, "Message too large", close=False)
            continue
        frame = parse_object(message)
        if frame is None:
            _refuse(connection, "Invalid JSON", close=True)
            return
        if frame.get("type") == "pong":
            connection.pong.set()
        elif frame.get("type") != "command":
            _refuse(connection, f"Unknown message type: {frame.get('type')}", close=False)
        elif (wait := limiter.retry_after()) > 0:
            _answer(
                connection,
                str(frame.get("command")),
                "rate_limited",
                frame.get("command_id"),
                error="Rate limit exceeded",
                result={"retry_after": round(wait, 3)},
            )
        else:
            queue.put_nowait(frame)
