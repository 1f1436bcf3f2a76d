"""REST routes of the metrics: the latest values, the history and the stream's transport."""

from __future__ import annotations

from aiohttp import web

from juniper_cascor_fake_server.domain.validation import Spec
from juniper_cascor_fake_server.domain.views import latest_metrics
from juniper_cascor_fake_server.rest.common import context_of, ok, query_int
from juniper_cascor_protocol.envelope import CHUNK_PAYLOAD_SIZE, CHUNK_THRESHOLD_BYTES

__all__ = ["routes"]

routes = web.RouteTableDef()
_COUNT = Spec(int, ge=1)


@routes.get("/v1/metrics")
async def metrics(request: web.Request) -> web.Response:
    return ok(request, latest_metrics(context_of(request).state))


@routes.get("/v1/metrics/history")
async def history(request: web.Request) -> web.Response:
    count = query_int(request, "count", _COUNT, None)
    return ok(request, context_of(request).state.metrics_history(count))


@routes.get("/v1/metrics/transport")
async def transport(request: web.Request) -> web.Response:
    context = context_of(request)
    sequence = context.sequence
    connections = context.connections
    return ok(
        request,
        {
            "active_connections": len(connections.subscribers()),
            "pending_connections": connections.count("training") - len(connections.subscribers()),
            "current_seq": sequence.current_seq,
            "replay_buffer_capacity": sequence.capacity,
            "replay_buffer_size": sequence.buffered,
            "uptime_seconds": sequence.uptime(),
            "chunk_payload_size_bytes": CHUNK_PAYLOAD_SIZE,
            "max_message_size_bytes": CHUNK_THRESHOLD_BYTES,
            "messages_sent_total": 0,
            "messages_sent_by_type": {},
            "bytes_sent_total": 0,
            "bytes_sent_by_type": {},
            "messages_chunked_total": 0,
            "chunks_emitted_total": 0,
            "send_failures": 0,
            "unserializable_messages_total": 0,
        },
    )
