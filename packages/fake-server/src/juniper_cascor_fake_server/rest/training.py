"""REST routes of training: control, status, parameters, metrics and data sets."""

from __future__ import annotations

from aiohttp import web

from juniper_cascor_fake_server.domain.errors import not_found
from juniper_cascor_fake_server.domain.params import training_params
from juniper_cascor_fake_server.rest.common import context_of, json_body, ok, query_int, run

__all__ = ["routes"]

routes = web.RouteTableDef()
_MAX_HISTORY = 10_000


@routes.post("/v1/training/start")
async def start(request: web.Request) -> web.Response:
    body = await json_body(request)
    return ok(request, await run(context_of(request).operations.start, body))


@routes.post("/v1/training/{action:stop|pause|resume|reset|retrain}")
async def control(request: web.Request) -> web.Response:
    operations = context_of(request).operations
    action = {
        "stop": operations.stop,
        "pause": operations.pause,
        "resume": operations.resume,
        "reset": operations.reset,
        "retrain": operations.retrain,
    }[request.match_info["action"]]
    return ok(request, await run(action))


@routes.get("/v1/training/status")
async def status(request: web.Request) -> web.Response:
    return ok(request, context_of(request).state.status_dict())


@routes.get("/v1/training/params")
async def get_params(request: web.Request) -> web.Response:
    return ok(request, training_params(context_of(request).state.config))


@routes.patch("/v1/training/params")
async def patch_params(request: web.Request) -> web.Response:
    body = await json_body(request)
    return ok(request, await run(context_of(request).operations.set_params, body, ("body",)))


@routes.get("/v1/metrics")
async def metrics(request: web.Request) -> web.Response:
    return ok(request, context_of(request).state.latest_metrics())


@routes.get("/v1/metrics/history")
async def metrics_history(request: web.Request) -> web.Response:
    count = query_int(request, "count", None, 1, _MAX_HISTORY)
    history = context_of(request).state.metrics_history(count)
    return ok(request, {"metrics": history, "count": len(history)})


@routes.get("/v1/dataset")
async def dataset(request: web.Request) -> web.Response:
    return ok(request, context_of(request).state.dataset_info())


@routes.get("/v1/dataset/data")
async def dataset_data(request: web.Request) -> web.Response:
    return ok(request, context_of(request).state.dataset_data())


@routes.post("/v1/training/dataset")
async def load_dataset(request: web.Request) -> web.Response:
    body = await json_body(request)
    return ok(request, await run(context_of(request).operations.set_pending_dataset, body))


@routes.delete("/v1/training/dataset")
async def clear_dataset(request: web.Request) -> web.Response:
    return ok(request, context_of(request).operations.clear_datasets(False))


@routes.get("/v1/training/dataset/pending")
async def pending_dataset(request: web.Request) -> web.Response:
    pending = context_of(request).operations.pending_dataset()
    if pending is None:
        raise not_found("No pending dataset")
    return ok(request, pending)


@routes.delete("/v1/training/dataset/pending")
async def clear_pending(request: web.Request) -> web.Response:
    return ok(request, context_of(request).operations.clear_datasets(True))
