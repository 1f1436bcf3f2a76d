"""REST routes of the remote candidate workers: the registry, its statistics, one worker."""

from __future__ import annotations

from aiohttp import web

from juniper_cascor_fake_server.context import ServerContext
from juniper_cascor_fake_server.domain.errors import not_found, unavailable
from juniper_cascor_fake_server.rest.common import context_of, ok

__all__ = ["routes"]

routes = web.RouteTableDef()


def _workers(request: web.Request) -> ServerContext:
    context = context_of(request)
    if not context.config.workers_enabled:
        raise unavailable("Worker registry not initialized")
    return context


@routes.get("/v1/workers")
async def listing(request: web.Request) -> web.Response:
    workers = [record.to_dict() for record in _workers(request).workers.records()]
    return ok(request, {"workers": workers, "count": len(workers)})


@routes.get("/v1/workers/stats")
async def stats(request: web.Request) -> web.Response:
    return ok(request, _workers(request).workers.stats())


@routes.get("/v1/workers/{worker_id}")
async def describe(request: web.Request) -> web.Response:
    worker_id = request.match_info["worker_id"]
    record = _workers(request).workers.get(worker_id)
    if record is None:
        raise not_found(f"Worker '{worker_id}' not found")
    return ok(request, record.to_dict())
