"""REST bodies in the real server's shapes: the success and error envelopes, bare details."""

from __future__ import annotations

import json
import time
from typing import Any

from aiohttp import web

from juniper_cascor_fake_server.domain.errors import ServiceError

__all__ = ["detail_response", "error_response", "meta", "service_error_response", "success"]


def meta(version: str) -> dict[str, Any]:
    """The ``meta`` object of every envelope."""
    return {"timestamp": time.time(), "version": version}


def json_response(
    body: Any, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    """``body`` as JSON."""
    return web.Response(
        text=json.dumps(body), status=status, content_type="application/json", headers=headers
    )


def success(data: Any, version: str, status: int = 200) -> web.Response:
    """``{"status": "success", "data": ..., "meta": ...}``."""
    return json_response({"status": "success", "data": data, "meta": meta(version)}, status)


def error_response(
    status: int,
    code: str,
    message: str,
    version: str,
    detail: Any = None,
    headers: dict[str, str] | None = None,
) -> web.Response:
    """The error envelope ``{"status": "error", "error": {code, message, detail}, "meta"}``."""
    error = {"code": code, "message": message, "detail": detail}
    body = {"status": "error", "error": error, "meta": meta(version)}
    return json_response(body, status, headers)


def service_error_response(error: ServiceError, version: str) -> web.Response:
    """The envelope of a refused operation (``HTTP_<status>``, semantic or validation code)."""
    return error_response(error.status, error.code, error.message, version, error.detail)


def detail_response(
    status: int, detail: str, headers: dict[str, str] | None = None
) -> web.Response:
    """``{"detail": ...}``: what the real server answers outside its routes (unknown paths,
    wrong methods, refused API keys)."""
    return json_response({"detail": detail}, status, headers)
