"""``/ws/training``: greeting, resume or fresh snapshot, broadcasts, pings and client frames.

A connection is pending until its first frame was answered: the server waits up to
``resume_window`` seconds for a ``resume`` frame (any other frame, or none, makes it a fresh
connection) and broadcasts made meanwhile do not reach it. A resume is answered ``resume_ok``
and the missed frames (or ``resume_failed`` and the fresh frames); a fresh connection gets
``initial_status``, ``state`` and ``initial_metrics``. The answer and going live happen without
yielding to the loop, so no broadcast slips between them.
"""

from __future__ import annotations

from aiohttp import web

from juniper_cascor_fake_server.context import CONTEXT, ServerContext
from juniper_cascor_fake_server.ws.broadcast import personal_texts
from juniper_cascor_fake_server.ws.connections import WsConnection
from juniper_cascor_fake_server.ws.sockets import (
    HandlerCrashError,
    accepted,
    background,
    pings,
    read_json,
    receive,
)
from juniper_cascor_protocol.envelope import (
    ConnectionEstablishedEnvelope,
    InitialMetricsEnvelope,
    InitialStatusEnvelope,
    ResumeFailedEnvelope,
    ResumeOkEnvelope,
    StateEnvelope,
)

__all__ = ["training_socket"]

_REST_ONLY_STATUS_KEYS = ("server_instance_id", "snapshot_seq")
"""Keys ``GET /training/status`` adds to the status that ``initial_status`` does not carry."""
_DEFAULT_BURST = 100


def _send_metrics(context: ServerContext, connection: WsConnection, count: int) -> None:
    metrics = context.state.metrics_history(count)
    frame = InitialMetricsEnvelope.build(metrics, current_seq=context.sequence.current_seq)
    connection.send_all(personal_texts(frame))


def _go_live_fresh(context: ServerContext, connection: WsConnection) -> None:
    status = context.state.status_dict()
    for key in _REST_ONLY_STATUS_KEYS:
        status.pop(key, None)
    connection.send_all(personal_texts(InitialStatusEnvelope.build(status)))
    connection.send_all(personal_texts(StateEnvelope.build(context.state.state_frame())))
    if context.config.initial_metrics_count > 0:
        _send_metrics(context, connection, context.config.initial_metrics_count)
    connection.live = True


def _go_live(context: ServerContext, connection: WsConnection, first: str | bytes | None) -> None:
    """Answer the first frame: resume and replay, or the fresh-connection frames; go live."""
    try:
        frame = read_json(first) if isinstance(first, str) else None
    except (ValueError, HandlerCrashError):
        frame = None
    if isinstance(frame, dict) and frame.get("type") == "resume":
        decision = context.sequence.resume(frame.get("data", {}))
        if decision is not None and decision.reason is None:
            connection.send_all(personal_texts(ResumeOkEnvelope.build(len(decision.frames))))
            connection.send_all(list(decision.frames))
            connection.live = True
            return
        if decision is not None and decision.reason is not None:
            connection.send_all(personal_texts(ResumeFailedEnvelope.build(decision.reason)))
    _go_live_fresh(context, connection)


def _burst_size(data: object, default: int) -> int:
    """How many metrics a ``subscribe_metrics`` with this ``data`` gets (1..``default``).

    Raises:
        HandlerCrashError: for ``data`` that is not an object, or an infinite ``max_count``.
    """
    data = data or {}
    if not isinstance(data, dict):
        raise HandlerCrashError("subscribe_metrics data is not an object")
    requested = data.get("max_count")
    try:
        count = default if requested is None else int(requested)
    except (TypeError, ValueError):
        count = default
    except OverflowError as exc:
        raise HandlerCrashError("subscribe_metrics max_count is infinite") from exc
    return max(1, min(count, default))


def _handle(context: ServerContext, connection: WsConnection, text: str) -> None:
    """A frame of a live connection: only ``subscribe_metrics`` is answered.

    Raises:
        HandlerCrashError: for a frame the real server's handler fails on.
    """
    try:
        frame = read_json(text)
    except ValueError:
        return
    if isinstance(frame, dict) and frame.get("type") == "subscribe_metrics":
        default = context.config.initial_metrics_count or _DEFAULT_BURST
        _send_metrics(context, connection, _burst_size(frame.get("data"), default))


async def training_socket(request: web.Request) -> web.WebSocketResponse:
    """The ``/ws/training`` handler."""
    context = request.app[CONTEXT]
    sequence = context.sequence
    async with accepted(request, "training") as (ws, connection):
        if connection is None:
            return ws
        greeting = ConnectionEstablishedEnvelope.for_training(
            connections=context.connections.count("training"),
            server_instance_id=sequence.instance_id,
            server_start_time=sequence.start_time,
            replay_buffer_capacity=sequence.capacity,
        )
        connection.send(greeting.to_json())
        try:
            first = await receive(context, connection, context.config.resume_window)
        except TimeoutError:
            first = None
        else:
            if first is None:
                return ws
        _go_live(context, connection, first)
        async with background(pings(context, connection)):
            while isinstance(message := await receive(context, connection), str):
                try:
                    _handle(context, connection, message)
                except HandlerCrashError:
                    break
            if message is not None:  # binary (the real server only reads text) or a crash
                connection.abort()
    return ws
