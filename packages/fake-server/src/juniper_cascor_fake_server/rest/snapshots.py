"""REST routes of the snapshots: save, list, describe, and the four loading verbs."""

from __future__ import annotations

from aiohttp import web

from juniper_cascor_fake_server.domain.validation import Spec, validate
from juniper_cascor_fake_server.rest.common import context_of, json_body, ok, run

__all__ = ["routes"]

routes = web.RouteTableDef()
_SAVE_MODEL = {"description": Spec(str)}
_CONTROL_MODEL = {
    "action": Spec(str, required=True),
    "time_index": Spec(int),
    "value": Spec(float),
    "start": Spec(int),
    "end": Spec(int),
}


@routes.post("/v1/snapshots")
async def save(request: web.Request) -> web.Response:
    body = await json_body(request)
    description = validate({} if body is None else body, _SAVE_MODEL).get("description", "")
    snapshots = context_of(request).snapshots
    return ok(request, await run(snapshots.save, description))


@routes.get("/v1/snapshots")
async def listing(request: web.Request) -> web.Response:
    return ok(request, context_of(request).snapshots.list())


@routes.get("/v1/snapshots/{snapshot_id}")
async def describe(request: web.Request) -> web.Response:
    snapshot = context_of(request).snapshots.get(request.match_info["snapshot_id"])
    return ok(request, snapshot.info())


@routes.get("/v1/snapshots/{snapshot_id}/history/dataset_swaps")
async def swaps(request: web.Request) -> web.Response:
    snapshots = context_of(request).snapshots
    return ok(request, snapshots.swap_events(request.match_info["snapshot_id"]))


@routes.post("/v1/snapshots/{snapshot_id}/{verb:restore|retrain|resume|replay}")
async def load(request: web.Request) -> web.Response:
    snapshots = context_of(request).snapshots
    snapshot_id, verb = request.match_info["snapshot_id"], request.match_info["verb"]
    return ok(request, await run(snapshots.load, snapshot_id, verb))


@routes.post("/v1/snapshots/{snapshot_id}/replay/control")
async def replay_control(request: web.Request) -> web.Response:
    body = validate(await json_body(request, required=True), _CONTROL_MODEL)
    snapshots = context_of(request).snapshots
    return ok(request, await run(snapshots.replay_control, request.match_info["snapshot_id"], body))
