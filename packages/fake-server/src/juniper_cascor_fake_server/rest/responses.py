"""REST bodies in the real server's shapes: the success and error envelopes, legacy details."""

from __future__ import annotations

import json
import time
from typing import Any

from aiohttp import web

from juniper_cascor_fake_server.domain.errors import ServiceError

__all__ = ["error_response", "meta", "service_error_response", "success"]


def meta(version: str) -> dict[str, Any]:
    """The ``meta`` object of every envelope."""
    return {"timestamp": time.time(), "version": version}


def _json(body: Any, status: int, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(
        text=json.dumps(body),
        status=status,
        content_type="application/json",
        headers=headers,
    )


def success(data: Any, version: str, status: int = 200) -> web.Response:
    """``{"status": "success", "data": ..., "meta": ...}``."""
    return _json({"status": "success", "data": data, "meta": meta(version)}, status)


def error_response(
    status: int,
    code: str,
    message: str,
    version: str,
    detail: Any = None,
    headers: dict[str, str] | None = None,
) -> web.Response:
    """The current error envelope ``{"status": "error", "error": {...}, "meta": ...}``."""
    error: dict[str, Any] = {"code": code, "message": message}
    if detail is not None:
        error["detail"] = detail
    body = {"status": "error", "error": error, "meta": meta(version)}
    return _json(body, status, headers)


def service_error_response(error: ServiceError, version: str) -> web.Response:
    """Render ``error`` the way the real server renders that status."""
    if error.status in (404, 409):
        return _json({"detail": error.message}, error.status)
    if error.status == 422:
        item = {"loc": list(error.loc), "msg": error.message, "type": error.error_type}
        return _json({"detail": [item]}, 422)
    return error_response(error.status, error.code, error.message, version)
