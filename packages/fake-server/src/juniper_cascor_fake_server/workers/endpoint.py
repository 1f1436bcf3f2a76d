"""``/ws/v1/workers``: registration, heartbeats and candidate task results.

Close codes: 4007 when the first message is not ``register``, 4008 for an invalid
registration, 4006 for invalid JSON, 4005 for a text frame over 65,536 characters or a binary
frame over 100 MiB, 4013 when the registry is full (and, at the handshake, 4003 for an
``Origin`` header, 4001 for a bad key, 1013 when the worker system is disabled). A
``task_result`` is reassembled with its tensors by the protocol's ``TensorSequenceAssembler``,
validated against its task and acknowledged with ``result_ack`` ``accepted`` or ``rejected``.
"""

from __future__ import annotations

import time

from aiohttp import web

from juniper_cascor_fake_server.ws.connections import WsConnection
from juniper_cascor_fake_server.context import CONTEXT, ServerContext
from juniper_cascor_fake_server.ws.sockets import accepted, parse_object, receive
from juniper_cascor_fake_server.workers.tasks import result_from_message
from juniper_cascor_fake_server.workers.registry import WorkerRecord
from juniper_cascor_protocol.worker import (
    MAX_BINARY_FRAME_BYTES,
    MAX_TEXT_FRAME_CHARS,
    AssembledMessage,
    BinaryFrameError,
    ErrorMessage,
    Heartbeat,
    HeartbeatEcho,
    Register,
    RegistrationAck,
    ResultAck,
    TensorSequenceAssembler,
    WorkerProtocolError,
)

__all__ = ["workers_socket"]


class _RefusedError(Exception):
    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code, self.reason = code, reason


def _object(message: str | bytes) -> dict[str, object]:
    if isinstance(message, bytes):
        raise _RefusedError(4007, "Expected a text frame")
    if len(message) > MAX_TEXT_FRAME_CHARS:
        raise _RefusedError(4005, "Message too large")
    frame = parse_object(message)
    if frame is None:
        raise _RefusedError(4006, "Invalid JSON")
    return frame


def _register(
    context: ServerContext, connection: WsConnection, message: str | bytes
) -> WorkerRecord:
    frame = _object(message)
    if frame.get("type") != "register":
        raise _RefusedError(4007, "First message must be register")
    try:
        register = Register.from_dict(frame)
    except WorkerProtocolError as exc:
        raise _RefusedError(4008, f"Invalid registration: {exc}") from exc
    record = context.workers.register(register, connection)
    if record is None:
        raise _RefusedError(4013, "Worker registry full")
    ack = RegistrationAck(worker_id=record.worker_id, client_name=register.worker_id)
    connection.send(ack.to_json())
    return record


def _error(connection: WsConnection, error: str) -> None:
    connection.send(ErrorMessage(error=error, timestamp=time.time()).to_json())


def _settle(
    context: ServerContext, record: WorkerRecord, task_id: str, assembled: AssembledMessage | None
) -> None:
    task = context.workers.task_of(record, task_id)
    result = None
    if task is not None and assembled is not None:
        try:
            result = result_from_message(assembled, task)
        except WorkerProtocolError:
            result = None
    known = context.workers.finish(record, task_id, result)
    status = "accepted" if result is not None and known else "rejected"
    record.connection.send(ResultAck(task_id=task_id, status=status).to_json())


def _handle(
    context: ServerContext,
    record: WorkerRecord,
    assembler: TensorSequenceAssembler,
    message: str | bytes,
    current: list[str],
) -> None:
    if isinstance(message, str):
        frame = _object(message)
        if assembler.pending:  # the text cuts a result's tensors short: reject that result
            assembler.reset()
            if current:
                _settle(context, record, current.pop(), None)
        if frame.get("type") == "task_result":
            current[:] = [str(frame.get("task_id"))]
    elif len(message) > MAX_BINARY_FRAME_BYTES:
        raise _RefusedError(4005, "Message too large")
    try:
        parsed = assembler.feed(message)
    except (WorkerProtocolError, BinaryFrameError) as exc:
        if current:
            _settle(context, record, current.pop(), None)
        else:
            _error(record.connection, str(exc))
        return
    if isinstance(parsed, AssembledMessage):
        _settle(context, record, current.pop() if current else parsed.message.task_id, parsed)
    elif isinstance(parsed, Heartbeat):
        context.workers.heartbeat(record, parsed)
        echo = HeartbeatEcho(worker_id=record.worker_id, timestamp=time.time())
        record.connection.send(echo.to_json())
    elif parsed is not None:
        _error(record.connection, f"Unexpected message type: {parsed.type.value}")


async def workers_socket(request: web.Request) -> web.WebSocketResponse:
    """The ``/ws/v1/workers`` handler."""
    context = request.app[CONTEXT]
    async with accepted(request, "workers") as (ws, connection):
        if connection is None:
            return ws
        connection.send_json({"type": "connection_established", "data": {"channel": "workers"}})
        record: WorkerRecord | None = None
        try:
            first = await receive(context, connection, context.config.register_timeout)
            if first is None:
                return ws
            record = _register(context, connection, first)
            assembler = TensorSequenceAssembler()
            current: list[str] = []
            while (message := await receive(context, connection)) is not None:
                _handle(context, record, assembler, message, current)
        except TimeoutError:
            connection.close_soon(4007, "No register message")
        except _RefusedError as refused:
            connection.close_soon(refused.code, refused.reason)
        finally:
            if record is not None:
                context.workers.remove(record)
    return ws
