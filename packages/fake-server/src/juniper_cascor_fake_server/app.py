"""The aiohttp application: routes plus one middleware for recording, faults and auth."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable

from aiohttp import web

from juniper_cascor_fake_server.rest import (
    network as rest_network,
    service as rest_service,
    training as rest_training,
)
from juniper_cascor_fake_server.context import CONTEXT, ServerContext
from juniper_cascor_fake_server.ws.control import control_socket
from juniper_cascor_fake_server.domain.errors import ServiceError
from juniper_cascor_fake_server.recorder import RecordedRequest
from juniper_cascor_fake_server.rest.responses import error_response, service_error_response
from juniper_cascor_fake_server.ws.training import training_socket
from juniper_cascor_fake_server.workers.endpoint import workers_socket

__all__ = ["build_app"]

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
_MAX_BODY = 16 * 1024 * 1024


async def _record(context: ServerContext, request: web.Request) -> None:
    text = await request.text()
    body: object = None
    if text:
        try:
            body = await request.json()
        except (ValueError, RecursionError):
            body = text
    context.recorder.add(RecordedRequest.of(request, body))


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
    if request.path not in rest_service.HEALTH_PATHS and not context.authorized(request):
        return error_response(401, "UNAUTHORIZED", "Invalid or missing API key", version)
    try:
        return await handler(request)
    except ServiceError as error:
        return service_error_response(error, version)
    except web.HTTPException as exc:
        if exc.status == 404:
            return service_error_response(ServiceError(404, "Not Found"), version)
        if exc.status == 405:
            return error_response(405, "METHOD_NOT_ALLOWED", "Method Not Allowed", version)
        raise


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
    app.add_routes(rest_network.routes)
    app.add_routes(rest_training.routes)
    app.add_routes(rest_service.routes)
    app.router.add_get("/ws/training", training_socket)
    app.router.add_get("/ws/control", control_socket)
    app.router.add_get("/ws/v1/workers", workers_socket)
    app.on_shutdown.append(_on_shutdown)
    return app
