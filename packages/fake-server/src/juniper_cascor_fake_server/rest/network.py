"""REST routes of the network: lifecycle, topology, stats, surgery, decision boundary."""

from __future__ import annotations

from aiohttp import web

from juniper_cascor_fake_server.domain.network_ops import (
    RESOLUTION_RANGE,
    add_hidden_unit,
    decision_boundary,
    patch_weights,
    remove_hidden_unit,
)
from juniper_cascor_fake_server.domain.validation import Spec
from juniper_cascor_fake_server.domain.views import network_info, network_stats, topology
from juniper_cascor_fake_server.rest.common import (
    context_of,
    json_body,
    ok,
    path_int,
    query_int,
    run,
)

__all__ = ["routes"]

routes = web.RouteTableDef()
_RESOLUTION = Spec(int, ge=RESOLUTION_RANGE[0], le=RESOLUTION_RANGE[1])
_DEFAULT_RESOLUTION = 50


@routes.post("/v1/network")
async def create_network(request: web.Request) -> web.Response:
    body = await json_body(request, required=True)
    return ok(request, await run(context_of(request).operations.create_network, body))


@routes.get("/v1/network")
async def get_network(request: web.Request) -> web.Response:
    return ok(request, network_info(context_of(request).state))


@routes.delete("/v1/network")
async def delete_network(request: web.Request) -> web.Response:
    return ok(request, await run(context_of(request).operations.delete_network))


@routes.get("/v1/network/topology")
async def get_topology(request: web.Request) -> web.Response:
    return ok(request, topology(context_of(request).state))


@routes.get("/v1/network/stats")
async def get_stats(request: web.Request) -> web.Response:
    return ok(request, network_stats(context_of(request).state))


@routes.patch("/v1/network/weights")
async def patch(request: web.Request) -> web.Response:
    body = await json_body(request, required=True)
    return ok(request, await run(patch_weights, context_of(request).state, body))


@routes.post("/v1/network/hidden-units")
async def add_unit(request: web.Request) -> web.Response:
    body = await json_body(request, required=True)
    return ok(request, await run(add_hidden_unit, context_of(request).state, body))


@routes.delete("/v1/network/hidden-units/{idx}")
async def remove_unit(request: web.Request) -> web.Response:
    index = path_int(request, "idx")
    return ok(request, await run(remove_hidden_unit, context_of(request).state, index))


@routes.get("/v1/decision-boundary")
async def boundary(request: web.Request) -> web.Response:
    resolution = query_int(request, "resolution", _RESOLUTION, _DEFAULT_RESOLUTION)
    assert resolution is not None
    return ok(request, await run(decision_boundary, context_of(request).state, resolution))
