"""REST routes of the data: staging, the live swap, the loaded data set, the swap history."""

from __future__ import annotations

from aiohttp import web

from juniper_cascor_fake_server.domain import staging
from juniper_cascor_fake_server.domain.views import dataset_data, dataset_info
from juniper_cascor_fake_server.rest.common import context_of, json_body, ok, run

__all__ = ["routes"]

routes = web.RouteTableDef()


@routes.post("/v1/training/dataset")
async def stage(request: web.Request) -> web.Response:
    body = await json_body(request, required=True)
    return ok(request, staging.stage(context_of(request).state, body))


@routes.delete("/v1/training/dataset")
async def clear_pending(request: web.Request) -> web.Response:
    return ok(request, staging.clear_pending(context_of(request).state))


@routes.get("/v1/training/dataset/pending")
async def pending(request: web.Request) -> web.Response:
    return ok(request, staging.pending(context_of(request).state))


@routes.post("/v1/training/dataset/live")
async def swap_live(request: web.Request) -> web.Response:
    body = await json_body(request, required=True)
    return ok(request, await run(staging.swap_live, context_of(request).operations, body))


@routes.delete("/v1/training/dataset/live")
async def cancel_swap(request: web.Request) -> web.Response:
    return ok(request, staging.cancel_live_swap(context_of(request).state))


@routes.get("/v1/dataset")
async def dataset(request: web.Request) -> web.Response:
    return ok(request, dataset_info(context_of(request).state))


@routes.get("/v1/dataset/data")
async def data(request: web.Request) -> web.Response:
    return ok(request, dataset_data(context_of(request).state))


@routes.get("/v1/history/dataset_swaps")
async def swaps(request: web.Request) -> web.Response:
    state = context_of(request).state
    since = request.query.get("since")
    with state.lock:
        events = [
            dict(event)
            for event in state.swap_events
            if since is None or str(event.get("timestamp", "")) > since
        ]
    return ok(request, {"events": events})
