"""``/v1/health``, ``/v1/health/live`` and ``/v1/health/ready``: flat bodies, no API key."""

from __future__ import annotations

import time

from aiohttp import web

from juniper_cascor_fake_server.rest.common import context_of
from juniper_cascor_fake_server.rest.responses import json_response

__all__ = ["HEALTH_PATHS", "routes"]

routes = web.RouteTableDef()
HEALTH_PATHS = frozenset({"/v1/health", "/v1/health/live", "/v1/health/ready"})
"""Probes answer without an API key, like the real service's."""
_SERVICE = "juniper-cascor"


def _identity(request: web.Request) -> dict[str, object]:
    return {
        "version": context_of(request).config.version,
        "service": _SERVICE,
        "git_sha": None,
        "build_date": None,
    }


@routes.get("/v1/health")
async def health(request: web.Request) -> web.Response:
    return json_response({"status": "ok", **_identity(request)})


@routes.get("/v1/health/live")
async def live(request: web.Request) -> web.Response:
    return json_response({"status": "alive", "tick": _SERVICE, "duration_ms": 0})


@routes.get("/v1/health/ready")
async def ready(request: web.Request) -> web.Response:
    state = context_of(request).state
    lifecycle = {
        "name": "Lifecycle Manager",
        "status": "healthy",
        "message": "bound",
        "latency_ms": None,
    }
    body = {
        "status": "ready",
        **_identity(request),
        "timestamp": time.time(),
        "dependencies": {"lifecycle": lifecycle},
        "details": {
            "network_loaded": state.network is not None,
            "training_state": state.training_state(),
        },
    }
    return json_response(body, headers={"X-Juniper-Readiness": "ready"})
