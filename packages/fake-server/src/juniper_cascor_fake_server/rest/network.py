"""REST routes of the network: lifecycle, topology, stats, weights, hidden units, boundary."""

from __future__ import annotations

from aiohttp import web

from juniper_cascor_fake_server.domain.network_ops import (
    RESOLUTION_RANGE,
    add_hidden_unit,
    decision_boundary,
    remove_hidden_unit,
    set_output_weights,
)
from juniper_cascor_fake_server.rest.common import context_of, json_body, ok, query_int, run

__all__ = ["routes"]

routes = web.RouteTableDef()


@routes.post("/v1/network")
async def create_network(request: web.Request) -> web.Response:
    body = await json_body(request)
    return ok(request, await run(context_of(request).operations.create_network, body), 201)


@routes.get("/v1/network")
async def get_network(request: web.Request) -> web.Response:
    return ok(request, context_of(request).state.network_info())


@routes.delete("/v1/network")
async def delete_network(request: web.Request) -> web.Response:
    await run(context_of(request).state.delete_network)
    return ok(request, {"status": "deleted"})


@routes.get("/v1/network/topology")
async def topology(request: web.Request) -> web.Response:
    return ok(request, context_of(request).state.topology())


@routes.get("/v1/network/stats")
async def stats(request: web.Request) -> web.Response:
    return ok(request, context_of(request).state.stats())


@routes.patch("/v1/network/weights")
async def patch_weights(request: web.Request) -> web.Response:
    body = await json_body(request)
    return ok(request, await run(set_output_weights, context_of(request).state, body))


@routes.post("/v1/network/hidden-units")
async def add_unit(request: web.Request) -> web.Response:
    context = context_of(request)
    return ok(request, await run(add_hidden_unit, context.state, context.workers.run_candidates))


@routes.delete("/v1/network/hidden-units")
async def remove_unit(request: web.Request) -> web.Response:
    return ok(request, await run(remove_hidden_unit, context_of(request).state))


@routes.get("/v1/decision-boundary")
async def boundary(request: web.Request) -> web.Response:
    low, high = RESOLUTION_RANGE
    resolution = query_int(request, "resolution", 50, low, high)
    assert resolution is not None
    return ok(request, await run(decision_boundary, context_of(request).state, resolution))
