"""``/ws/training``: greeting, resume or fresh snapshot, broadcasts, pings and client frames."""

from __future__ import annotations

import time
from typing import Any

from aiohttp import web

from juniper_cascor_fake_server.ws.connections import WsConnection
from juniper_cascor_fake_server.context import CONTEXT, ServerContext
from juniper_cascor_fake_server.ws.sockets import (
    accepted,
    background,
    parse_object,
    pings,
    receive,
)

__all__ = ["training_socket"]

_MAX_METRICS = 1000


def _initial_metrics(context: ServerContext, count: int) -> dict[str, Any]:
    metrics = context.state.metrics_history(count)
    return {
        "type": "initial_metrics",
        "timestamp": time.time(),
        "data": {
            "metrics": metrics,
            "count": len(metrics),
            "current_seq": context.sequence.current_seq,
        },
    }


def _go_live_fresh(context: ServerContext, connection: WsConnection) -> None:
    connection.release()
    status = context.state.status_dict()
    connection.send_json({"type": "initial_status", "data": status})
    connection.send_json(
        {"type": "state", "timestamp": time.time(), "data": context.state.state_frame()}
    )
    connection.send_json(_initial_metrics(context, context.config.initial_metrics_count))


def _start(context: ServerContext, connection: WsConnection, first: dict[str, Any] | None) -> None:
    """Answer the first frame: resume and replay, or the fresh-connection snapshot.

    Broadcasts made while the server waited for the first frame were held: a resume replays them
    from the buffer, a fresh connection gets them before its snapshot (so ``seq`` only grows
    and ``initial_metrics.current_seq`` covers them). Runs without awaiting, so no broadcast can
    slip between the replay and going live.
    """
    if first is not None and first.get("type") == "resume":
        decision = context.sequence.resume(first)
        if decision.reason is None:
            connection.send_json(
                {
                    "type": "resume_ok",
                    "timestamp": time.time(),
                    "data": {"replayed_count": len(decision.frames)},
                }
            )
            for text in decision.frames:
                connection.send(text)
            connection.held, connection.live = None, True
            return
        connection.send_json(
            {"type": "resume_failed", "timestamp": time.time(), "data": {"reason": decision.reason}}
        )
    _go_live_fresh(context, connection)
    if first is not None:
        _handle(context, connection, first)


def _handle(context: ServerContext, connection: WsConnection, frame: dict[str, Any]) -> None:
    kind = frame.get("type")
    if kind == "pong":
        connection.pong.set()
    elif kind == "subscribe_metrics":
        data = frame.get("data")
        count = data.get("max_count") if isinstance(data, dict) else None
        if isinstance(count, int) and not isinstance(count, bool) and count > 0:
            connection.send_json(_initial_metrics(context, min(count, _MAX_METRICS)))


async def training_socket(request: web.Request) -> web.WebSocketResponse:
    """The ``/ws/training`` handler."""
    context = request.app[CONTEXT]
    config = context.config
    async with accepted(request, "training") as (ws, connection):
        if connection is None:
            return ws
        connection.hold(context.sequence.capacity)
        connection.send_json(
            {
                "type": "connection_established",
                "timestamp": time.time(),
                "data": {
                    "connections": context.connections.count("training"),
                    "server_instance_id": context.sequence.instance_id,
                    "server_start_time": context.sequence.start_time,
                    "replay_buffer_capacity": context.sequence.capacity,
                },
            }
        )
        try:
            first = await receive(context, connection, config.resume_window)
        except TimeoutError:
            first = ""
        if first is None:
            return ws
        _start(context, connection, parse_object(first) if isinstance(first, str) else None)
        async with background(pings(context, connection)):
            while (message := await receive(context, connection)) is not None:
                if isinstance(message, str) and (frame := parse_object(message)) is not None:
                    _handle(context, connection, frame)
    return ws
