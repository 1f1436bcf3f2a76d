"""The aiohttp application: routes plus one middleware for recording, faults and auth.

Outside its routes the middleware answers as the real server does: a refused API key is 401
``{"detail": ...}`` (the health probes need no key), an unknown path 404
``{"detail": "Not Found"}``, a known path with another method 405
``{"detail": "Method Not Allowed"}``. A refused operation is the error envelope.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable

from aiohttp import web

from juniper_cascor_fake_server.context import CONTEXT, ServerContext
from juniper_cascor_fake_server.domain.errors import ServiceError
from juniper_cascor_fake_server.recorder import RecordedRequest
from juniper_cascor_fake_server.rest import (
    admin,
    datasets,
    health,
    metrics,
    network,
    snapshots,
    training,
    workers,
)
from juniper_cascor_fake_server.rest.responses import (
    detail_response,
    error_response,
    service_error_response,
)
from juniper_cascor_fake_server.workers.endpoint import workers_socket
from juniper_cascor_fake_server.ws.control import control_socket
from juniper_cascor_fake_server.ws.training import training_socket

__all__ = ["build_app"]

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
_MAX_BODY = 16 * 1024 * 1024
_MISSING_KEY = "Missing API key. Provide X-API-Key header."
_WRONG_KEY = "Invalid API key."


async def _record(context: ServerContext, request: web.Request) -> None:
    text = await request.text()
    body: object = None
    if text:
        try:
            body = await request.json()
        except (ValueError, RecursionError):
            body = text
    context.recorder.add(RecordedRequest.of(request, body))


def _refused_key(context: ServerContext, request: web.Request) -> web.Response | None:
    if request.path in health.HEALTH_PATHS or context.authorized(request):
        return None
    return detail_response(401, _WRONG_KEY if "X-API-Key" in request.headers else _MISSING_KEY)


@web.middleware
async def _middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    if request.path.startswith("/ws/"):
        return await handler(request)
    context = request.app[CONTEXT]
    version = context.config.version
    await _record(context, request)
    await context.faults.wait_audible("http")
    plan = context.faults.http_plan(request.method, request.path)
    if plan.close:
        if request.transport is not None:
            request.transport.abort()
        raise asyncio.CancelledError
    if plan.delay > 0:
        await asyncio.sleep(plan.delay)
    if plan.status is not None:
        headers = {} if plan.retry_after is None else {"Retry-After": f"{plan.retry_after:g}"}
        return error_response(
            plan.status, "INJECTED_FAULT", f"Injected HTTP {plan.status}", version, headers=headers
        )
    refusal = _refused_key(context, request)
    if refusal is not None:
        return refusal
    try:
        return await handler(request)
    except ServiceError as error:
        return service_error_response(error, version)
    except web.HTTPMethodNotAllowed as exc:
        return detail_response(405, "Method Not Allowed", {"Allow": ", ".join(exc.allowed_methods)})
    except web.HTTPNotFound:
        return detail_response(404, "Not Found")


async def _on_shutdown(app: web.Application) -> None:
    context = app[CONTEXT]
    context.workers.close_all()
    for connection in context.connections.of("all"):
        connection.close_soon(1001, "Server shutting down")
    with contextlib.suppress(Exception):
        await asyncio.to_thread(context.shutdown_training)


def build_app(context: ServerContext) -> web.Application:
    """The application of one fake server."""
    app = web.Application(middlewares=[_middleware], client_max_size=_MAX_BODY)
    app[CONTEXT] = context
    for group in (health, network, training, datasets, metrics, snapshots, workers, admin):
        app.add_routes(group.routes)
    app.router.add_get("/ws/training", training_socket)
    app.router.add_get("/ws/control", control_socket)
    app.router.add_get("/ws/v1/workers", workers_socket)
    app.on_shutdown.append(_on_shutdown)
    return app
