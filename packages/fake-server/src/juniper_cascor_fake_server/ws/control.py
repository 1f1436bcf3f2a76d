"""``/ws/control``: commands answered one at a time, in order, as the real server answers them.

A reader task takes frames off the socket (closing an idle connection after ``idle_timeout``)
and a processor answers them in arrival order, running each command to its end before the next
frame. Every command frame (any object that is not a ``pong``) takes a token of the connection's
leaky bucket first; without one it is answered with the top-level ``rate_limited`` frame. A
command's ``data`` answer carries ``status`` ``success`` or ``error``: ``Unknown command: <name>``
with code ``unknown_command``, ``Invalid parameters`` with ``invalid_params``, ``Command timed
out after <s>s``, and ``Command execution failed`` for anything else (a state conflict too).
With ``command_delay`` (or ``faults.delay_commands``) a command is first answered ``queued``.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from typing import Any

from aiohttp import web
from pydantic import ValidationError

from juniper_cascor_fake_server.context import CONTEXT, ServerContext
from juniper_cascor_fake_server.domain.errors import ServiceError
from juniper_cascor_fake_server.domain.operations import Operations
from juniper_cascor_fake_server.ws.connections import WsConnection
from juniper_cascor_fake_server.ws.rate_limit import LeakyBucket
from juniper_cascor_fake_server.ws.sockets import (
    HandlerCrashError,
    accepted,
    background,
    pings,
    read_json,
    receive,
)
from juniper_cascor_protocol.envelope import (
    CommandRateLimitedEnvelope,
    CommandResponseEnvelope,
    ConnectionEstablishedEnvelope,
)
from juniper_cascor_protocol.envelope.control import COMMAND_NAMES, CommandStatus

__all__ = ["COMMAND_TIMEOUTS", "MAX_TEXT_CHARS", "control_socket"]

MAX_TEXT_CHARS = 65_536
COMMAND_TIMEOUTS = {"start": 10.0, "set_params": 1.0}
"""Seconds a command may run (others: 2 s); beyond it the answer is an error."""
_DEFAULT_TIMEOUT = 2.0
_INBOX_LIMIT = 64
_EXECUTION_FAILED = "Command execution failed"


class _CommandFailedError(Exception):
    """A command refused the way the real server refuses it without a code."""


def _operation(operations: Operations, name: str, params: Any) -> Callable[[], dict[str, Any]]:
    """What a command runs (``start`` takes no params, like the real server's)."""

    def set_params() -> dict[str, Any]:
        if not params or not isinstance(params, dict):
            raise _CommandFailedError("set_params needs a non-empty params object")
        return operations.set_params(params, ("params",))

    table: dict[str, Callable[[], dict[str, Any]]] = {
        "start": lambda: operations.start({}),
        "stop": operations.stop,
        "pause": operations.pause,
        "resume": operations.resume,
        "reset": operations.reset,
        "set_params": set_params,
    }
    return table[name]


def _answer(
    connection: WsConnection,
    command: Any,
    status: CommandStatus,
    command_id: Any = None,
    *,
    result: Any = None,
    error: str | None = None,
    code: str | None = None,
) -> None:
    """Send a ``command_response`` (``result`` and ``error`` only when not empty).

    Raises:
        HandlerCrashError: when ``command`` or ``command_id`` is not a string: the real server's
            answer model refuses them and its handler fails.
    """
    try:
        frame = CommandResponseEnvelope.build(
            command,
            status,
            command_id=command_id,
            result=result or None,
            error=error or None,
            code=code,
        )
    except ValidationError as exc:
        raise HandlerCrashError("a command or command_id that is not a string") from exc
    connection.send(frame.to_json())


def _rate_limited(connection: WsConnection, command: Any, command_id: Any, wait: float) -> None:
    """Send the top-level ``rate_limited`` answer (``command_id`` only when not empty)."""
    fields = {"command": command, "retry_after": wait, "command_id": command_id or None}
    try:
        frame = CommandRateLimitedEnvelope.model_validate(fields)
    except ValidationError:  # the real server echoes what it was sent, whatever its type
        frame = CommandRateLimitedEnvelope.model_construct(**fields)
    connection.send(frame.model_dump_json(exclude_none=True, warnings=False))


async def _wait_queued(
    context: ServerContext, connection: WsConnection, name: str, command_id: Any
) -> None:
    delay = context.faults.command_delay
    delay = context.config.command_delay if delay is None else delay
    deadline = time.monotonic() + delay
    while (remaining := deadline - time.monotonic()) > 0:
        _answer(connection, name, "queued", command_id)
        await asyncio.sleep(min(remaining, context.config.queued_interval))


async def _command(
    context: ServerContext, connection: WsConnection, frame: dict[str, Any], bucket: LeakyBucket
) -> None:
    """Answer one command frame.

    Raises:
        HandlerCrashError: for a command the real server's handler fails on.
    """
    name, command_id = frame.get("command", ""), frame.get("command_id")
    if not bucket.try_acquire():
        _rate_limited(connection, name, command_id, bucket.retry_after())
        return
    if not isinstance(name, str):
        raise HandlerCrashError("the command is not a string")
    if name not in COMMAND_NAMES:
        error = f"Unknown command: {name}"
        _answer(connection, name, "error", command_id, error=error, code="unknown_command")
        return
    await _wait_queued(context, connection, name, command_id)
    operation = _operation(context.operations, name, frame.get("params"))
    timeout = COMMAND_TIMEOUTS.get(name, _DEFAULT_TIMEOUT)
    try:
        result = await asyncio.wait_for(asyncio.to_thread(operation), timeout)
    except TimeoutError:
        _answer(connection, name, "error", command_id, error=f"Command timed out after {timeout}s")
    except ServiceError as refused:
        if refused.status == 422:
            _answer(connection, name, "error", command_id, error="Invalid parameters",
                    code="invalid_params")  # fmt: skip
        else:
            _answer(connection, name, "error", command_id, error=_EXECUTION_FAILED)
    except Exception:
        _answer(connection, name, "error", command_id, error=_EXECUTION_FAILED)
    else:
        _answer(connection, name, "success", command_id, result=result)


async def _answer_frame(
    context: ServerContext, connection: WsConnection, message: str | bytes, bucket: LeakyBucket
) -> bool:
    """Answer one inbound frame; ``False`` when the connection is being closed.

    Raises:
        HandlerCrashError: for a frame the real server's handler fails on (a binary frame too).
    """
    if isinstance(message, bytes):
        raise HandlerCrashError("a binary frame")
    if len(message) > MAX_TEXT_CHARS:
        _answer(connection, "unknown", "error", error="Message too large")
        return True
    try:
        frame = read_json(message)
    except json.JSONDecodeError:
        _answer(connection, "unknown", "error", error="Invalid JSON")
        connection.close_soon(1003, "Malformed JSON")
        return False
    if not isinstance(frame, dict):
        _answer(connection, "unknown", "error", error="Invalid JSON: expected object",
                code="invalid_message")  # fmt: skip
    elif frame.get("type") != "pong":
        await _command(context, connection, frame, bucket)
    return True


async def _process(
    context: ServerContext, connection: WsConnection, inbox: asyncio.Queue[str | bytes]
) -> None:
    """Answer the inbox in order; after a close or a crash, discard what still comes."""
    rate = context.config.commands_per_second
    bucket = LeakyBucket(rate, float(rate))
    answering = True
    while True:
        message = await inbox.get()
        if not answering:
            continue
        try:
            answering = await _answer_frame(context, connection, message, bucket)
        except HandlerCrashError:
            connection.abort()
            answering = False


async def _read(
    context: ServerContext, connection: WsConnection, inbox: asyncio.Queue[str | bytes]
) -> None:
    idle = context.config.idle_timeout
    while True:
        try:
            message = await receive(context, connection, idle if idle > 0 else None)
        except TimeoutError:
            connection.close_soon(1000, "Idle timeout")
            return
        if message is None:
            return
        await inbox.put(message)


async def control_socket(request: web.Request) -> web.WebSocketResponse:
    """The ``/ws/control`` handler."""
    context = request.app[CONTEXT]
    async with accepted(request, "control") as (ws, connection):
        if connection is None:
            return ws
        connection.send(ConnectionEstablishedEnvelope.for_control().to_json())
        inbox: asyncio.Queue[str | bytes] = asyncio.Queue(_INBOX_LIMIT)
        async with background(_process(context, connection, inbox), pings(context, connection)):
            await _read(context, connection, inbox)
    return ws
