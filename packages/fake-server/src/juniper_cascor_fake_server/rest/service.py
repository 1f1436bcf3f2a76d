"""REST routes of the service: health probes, snapshots and workers."""

from __future__ import annotations

import time

from aiohttp import web

from juniper_cascor_fake_server.context import ServerContext
from juniper_cascor_fake_server.domain.errors import not_found, unavailable
from juniper_cascor_fake_server.rest.responses import meta
from juniper_cascor_fake_server.rest.common import context_of, json_body, ok, run

__all__ = ["HEALTH_PATHS", "routes"]

routes = web.RouteTableDef()
HEALTH_PATHS = frozenset(
    {
        "/health",
        "/health/live",
        "/health/ready",
        "/v1/health",
        "/v1/health/live",
        "/v1/health/ready",
    }
)
"""Probes answer without an API key, like the real service's."""


@routes.get("/v1/health")
@routes.get("/health")
async def health(request: web.Request) -> web.Response:
    context = context_of(request)
    return ok(
        request,
        {
            "status": "healthy",
            "version": context.config.version,
            "server_instance_id": context.sequence.instance_id,
            "uptime_seconds": time.time() - context.sequence.start_time,
        },
    )


@routes.get("/v1/health/live")
@routes.get("/health/live")
async def live(request: web.Request) -> web.Response:
    return ok(request, {"status": "alive"})


@routes.get("/v1/health/ready")
@routes.get("/health/ready")
async def ready(request: web.Request) -> web.Response:
    context = context_of(request)
    loaded = context.state.network is not None
    details = {"network_loaded": loaded, "training_active": context.state.training_active}
    body = {
        "status": "ready" if loaded else "not_ready",
        "details": details,
        "data": details,
        "meta": meta(context.config.version),
    }
    return web.json_response(body)


@routes.get("/v1/snapshots")
async def list_snapshots(request: web.Request) -> web.Response:
    return ok(request, context_of(request).snapshots.list())


@routes.post("/v1/snapshots")
async def save_snapshot(request: web.Request) -> web.Response:
    body = await json_body(request)
    description = str(body.get("description") or "")
    return ok(request, await run(context_of(request).snapshots.save, description), 201)


@routes.get("/v1/snapshots/{snapshot_id}")
async def get_snapshot(request: web.Request) -> web.Response:
    snapshot = context_of(request).snapshots.get(request.match_info["snapshot_id"])
    return ok(request, snapshot.info())


@routes.post("/v1/snapshots/{snapshot_id}/{action:restore|replay|resume}")
async def snapshot_action(request: web.Request) -> web.Response:
    context = context_of(request)
    snapshot_id, action = request.match_info["snapshot_id"], request.match_info["action"]
    if action == "replay":
        return ok(request, await run(context.snapshots.replay, snapshot_id))
    restored = await run(context.snapshots.restore, snapshot_id)
    if action == "resume":
        restored["training"] = await run(context.operations.start, {})
    return ok(request, restored)


def _workers(context: ServerContext) -> None:
    if not context.config.workers_enabled:
        raise unavailable("Worker system is disabled")


@routes.get("/v1/workers")
async def list_workers(request: web.Request) -> web.Response:
    context = context_of(request)
    _workers(context)
    workers = [record.to_dict() for record in context.workers.records()]
    return ok(request, {"workers": workers, "count": len(workers)})


@routes.get("/v1/workers/stats")
async def worker_stats(request: web.Request) -> web.Response:
    context = context_of(request)
    _workers(context)
    return ok(request, context.workers.stats())


@routes.get("/v1/workers/{worker_id}")
async def get_worker(request: web.Request) -> web.Response:
    context = context_of(request)
    _workers(context)
    record = context.workers.get(request.match_info["worker_id"])
    if record is None:
        raise not_found(f"Worker not found: {request.match_info['worker_id']}")
    return ok(request, record.to_dict())
