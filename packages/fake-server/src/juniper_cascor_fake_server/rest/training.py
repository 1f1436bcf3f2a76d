"""REST routes of training: control, status, parameters and the metrics clear/undo."""

from __future__ import annotations

from aiohttp import web

from juniper_cascor_fake_server.rest.common import context_of, json_body, ok, run

__all__ = ["routes"]

routes = web.RouteTableDef()


@routes.post("/v1/training/start")
async def start(request: web.Request) -> web.Response:
    body = await json_body(request)
    return ok(request, await run(context_of(request).operations.start, body))


@routes.post("/v1/training/{action:stop|pause|resume|reset}")
async def control(request: web.Request) -> web.Response:
    operations = context_of(request).operations
    action = {
        "stop": operations.stop,
        "pause": operations.pause,
        "resume": operations.resume,
        "reset": operations.reset,
    }[request.match_info["action"]]
    return ok(request, await run(action))


@routes.get("/v1/training/status")
async def status(request: web.Request) -> web.Response:
    context = context_of(request)
    data = context.state.status_dict()
    data["snapshot_seq"] = context.sequence.current_seq
    data["server_instance_id"] = context.sequence.instance_id
    return ok(request, data)


@routes.get("/v1/training/params")
async def get_params(request: web.Request) -> web.Response:
    state = context_of(request).state
    with state.lock:
        state.require_network()
        return ok(request, state.params.to_dict())


@routes.patch("/v1/training/params")
async def patch_params(request: web.Request) -> web.Response:
    body = await json_body(request, required=True)
    operations = context_of(request).operations
    return ok(request, await run(operations.set_params, body, ("body",)))


@routes.post("/v1/training/metrics/clear")
async def clear_metrics(request: web.Request) -> web.Response:
    return ok(request, context_of(request).state.clear_metrics())


@routes.post("/v1/training/metrics/clear/undo")
async def undo_clear(request: web.Request) -> web.Response:
    return ok(request, context_of(request).state.undo_clear())
