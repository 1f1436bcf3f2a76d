"""REST routes of the administration: the experimental-functions gate."""

from __future__ import annotations

from aiohttp import web

from juniper_cascor_fake_server.domain import staging
from juniper_cascor_fake_server.rest.common import context_of, json_body, ok

__all__ = ["routes"]

routes = web.RouteTableDef()


@routes.get("/v1/admin/experimental_functions")
async def get_gate(request: web.Request) -> web.Response:
    return ok(request, staging.experimental_functions(context_of(request).state))


@routes.post("/v1/admin/experimental_functions")
async def set_gate(request: web.Request) -> web.Response:
    body = await json_body(request, required=True)
    return ok(request, staging.set_experimental_functions(context_of(request).state, body))
