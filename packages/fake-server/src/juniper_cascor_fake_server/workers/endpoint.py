"""``/ws/v1/workers``: registration, heartbeats, tasks and results, as juniper-cascor 0.12.0.

Registration (the first frame, within ``register_timeout``): ``register`` with a ``worker_id``
matching ``WORKER_ID_PATTERN`` and a free-form ``capabilities`` object is answered with
``registration_ack`` (``worker-<12 hex>``). Otherwise an ``error`` frame precedes the close:
4005 over 65,536 characters, 4006 invalid JSON, 4007 another type, 4008 an invalid message,
4013 a full registry; a binary first frame drops the connection without a close frame.

Afterwards: a ``heartbeat`` is echoed (``{type, worker_id, timestamp}``); a ``task_result`` is
followed by one binary frame per entry of its manifest and acknowledged with ``result_ack``
``accepted`` or ``rejected``. Problems that keep the session open are answered with an
``error`` frame: a text over 65,536 characters, invalid JSON, a non-object, an unknown type, an
unreadable manifest, a text or undecodable frame where a tensor was due (that result's task is
requeued). Stray binary frames are ignored, and any frame over 16 MiB closes with 1009. An
idle worker is given a queued task when it registers, after each ``task_result`` and on each
heartbeat.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from aiohttp import web
from numpy.typing import NDArray

from juniper_cascor_fake_server.context import CONTEXT, ServerContext
from juniper_cascor_fake_server.workers.registry import WorkerRecord, WorkerRegistry
from juniper_cascor_fake_server.workers.results import manifest_refusal
from juniper_cascor_fake_server.ws.connections import WsConnection
from juniper_cascor_fake_server.ws.sockets import accepted, receive
from juniper_cascor_protocol.worker import (
    MAX_TEXT_FRAME_CHARS,
    WORKER_ID_PATTERN,
    BinaryFrame,
    BinaryFrameError,
    ErrorMessage,
    HeartbeatEcho,
    RegistrationAck,
)

__all__ = ["workers_socket"]

logger = logging.getLogger(__name__)

MAX_FRAME_BYTES = 16 * 1024 * 1024
"""Largest frame the real server's WebSocket layer reads; a larger one closes with 1009."""


def _error(connection: WsConnection, error: str, details: str | None = None) -> None:
    connection.send(ErrorMessage(error=error, timestamp=time.time(), details=details).to_json())


def _refuse(
    connection: WsConnection, code: int, reason: str, error: str, details: str | None = None
) -> None:
    _error(connection, error, details)
    connection.close_soon(code, reason)


def _registration_problems(frame: dict[str, Any]) -> list[str]:
    problems = []
    if "worker_id" not in frame:
        problems.append("Missing required field: worker_id")
    elif not isinstance(frame["worker_id"], str):
        problems.append("worker_id must be a string")
    elif not WORKER_ID_PATTERN.match(frame["worker_id"]):
        problems.append(
            "worker_id must be 1-64 characters, alphanumeric/hyphens/underscores, "
            "starting with alphanumeric"
        )
    if "capabilities" not in frame:
        problems.append("Missing required field: capabilities")
    elif not isinstance(frame["capabilities"], dict):
        problems.append("capabilities must be a dict")
    return problems


def _register(
    workers: WorkerRegistry, connection: WsConnection, message: str
) -> WorkerRecord | None:
    """Register from the first text frame, or refuse it (error frame, then close)."""
    if len(message) > MAX_TEXT_FRAME_CHARS:
        _refuse(connection, 4005, "Message too large", "Registration message too large")
        return None
    try:
        frame = json.loads(message)
    except (ValueError, RecursionError):
        _refuse(connection, 4006, "Invalid JSON", "Invalid JSON")
        return None
    if not isinstance(frame, dict):
        _refuse(
            connection, 4008, "Invalid registration", "Registration message must be a JSON object"
        )
        return None
    if frame.get("type") != "register":
        _refuse(connection, 4007, "Expected registration", "First message must be registration")
        return None
    problems = _registration_problems(frame)
    if problems:
        _refuse(
            connection, 4008, "Invalid registration", "Invalid registration", "; ".join(problems)
        )
        return None
    name: str = frame["worker_id"]
    record = workers.register(name, frame["capabilities"], connection)
    if record is None:
        details = f"WorkerRegistry at capacity ({workers.capacity})"
        _refuse(
            connection, 4013, "Worker registry at capacity", "Worker registry at capacity", details
        )
        return None
    connection.send(RegistrationAck(worker_id=record.worker_id, client_name=name).to_json())
    logger.info("worker %s registered (client_name=%s)", record.worker_id, name)
    return record


class _Session:
    """One registered worker's messages, and the result whose tensors are arriving."""

    def __init__(self, workers: WorkerRegistry, record: WorkerRecord) -> None:
        self.workers = workers
        self.record = record
        self.connection = record.connection
        self._result: dict[str, Any] | None = None
        self._names: list[str] = []
        self._tensors: dict[str, NDArray[Any]] = {}

    def offer_task(self) -> None:
        """Send the worker the next queued task, if it is idle and one is queued."""
        for frame in self.workers.dispatch.next_assignment(self.record):
            self.connection.send(frame)

    def handle(self, message: str | bytes) -> None:
        """Take one frame from the worker."""
        if self._result is not None:
            self._take_tensor(self._result, message)
        elif isinstance(message, bytes):
            logger.warning("worker %s sent a binary frame outside a result", self.record.worker_id)
        elif len(message) > MAX_TEXT_FRAME_CHARS:
            _error(self.connection, "Message too large")
        else:
            self._handle_text(message)

    def _handle_text(self, message: str) -> None:
        try:
            frame = json.loads(message)
        except (ValueError, RecursionError):
            _error(self.connection, "Invalid JSON")
            return
        if not isinstance(frame, dict):
            _error(self.connection, "Message must be a JSON object")
            return
        kind = frame.get("type")
        if kind == "heartbeat":
            self._heartbeat(frame)
        elif kind == "task_result":
            self._start_result(frame)
        else:
            _error(self.connection, f"Unknown message type: {kind}")

    def _heartbeat(self, frame: dict[str, Any]) -> None:
        record = self.record
        registered = self.workers.registered(record)
        if registered:
            record.record_heartbeat(frame)
        echo = HeartbeatEcho(worker_id=record.worker_id, timestamp=time.time())
        self.connection.send(echo.to_json())
        if registered and record.idle:
            self.offer_task()

    def _start_result(self, frame: dict[str, Any]) -> None:
        refusal = manifest_refusal(frame)
        if refusal is not None:
            _error(self.connection, refusal)
            self.offer_task()
            return
        self._result, self._names, self._tensors = frame, list(frame.get("tensor_manifest", {})), {}
        if not self._names:
            self._finish(frame)

    def _take_tensor(self, frame: dict[str, Any], message: str | bytes) -> None:
        name = self._names[len(self._tensors)]
        if isinstance(message, str):
            self._break_off(frame, f"Expected binary frame for tensor: {name}")
            return
        try:
            self._tensors[name] = BinaryFrame.decode(message)
        except BinaryFrameError as exc:
            self._break_off(frame, f"Invalid binary frame for {name}: {exc}")
            return
        if len(self._tensors) == len(self._names):
            self._finish(frame)

    def _break_off(self, frame: dict[str, Any], error: str) -> None:
        self._result = None
        _error(self.connection, error)
        self.workers.dispatch.abort(self.record, frame.get("task_id"))
        self.offer_task()

    def _finish(self, frame: dict[str, Any]) -> None:
        self._result = None
        accepted = self.workers.dispatch.submit_result(self.record, frame, self._tensors)
        status = "accepted" if accepted else "rejected"
        self.connection.send_json(
            {"type": "result_ack", "task_id": frame.get("task_id"), "status": status}
        )
        self.offer_task()


def _too_large(message: str | bytes) -> bool:
    if isinstance(message, bytes):
        return len(message) > MAX_FRAME_BYTES
    return len(message) > MAX_TEXT_FRAME_CHARS and len(message.encode()) > MAX_FRAME_BYTES


async def _next_frame(context: ServerContext, connection: WsConnection) -> str | bytes | None:
    """The next frame, or ``None`` once closed (closing with 1009 on one over 16 MiB)."""
    message = await receive(context, connection)
    if message is not None and _too_large(message):
        connection.close_soon(1009, f"frame exceeds limit of {MAX_FRAME_BYTES} bytes")
        return None
    return message


async def workers_socket(request: web.Request) -> web.WebSocketResponse:
    """The ``/ws/v1/workers`` handler."""
    context = request.app[CONTEXT]
    workers = context.workers
    async with accepted(request, "workers") as (ws, connection):
        if connection is None:
            return ws
        connection.send_json({"type": "connection_established", "data": {"channel": "workers"}})
        try:
            first = await receive(context, connection, context.config.register_timeout)
        except TimeoutError:
            connection.close_soon(4007, "No register message")
            return ws
        if first is None:
            return ws
        if _too_large(first):
            connection.close_soon(1009, f"frame exceeds limit of {MAX_FRAME_BYTES} bytes")
            return ws
        if isinstance(first, bytes):
            connection.abort()  # the real server fails reading it as text and drops the socket
            return ws
        record = _register(workers, connection, first)
        if record is None:
            return ws
        session = _Session(workers, record)
        try:
            session.offer_task()
            while (message := await _next_frame(context, connection)) is not None:
                session.handle(message)
        finally:
            workers.remove(record)
            logger.info("worker %s disconnected", record.worker_id)
    return ws
