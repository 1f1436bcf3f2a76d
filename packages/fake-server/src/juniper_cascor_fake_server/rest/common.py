"""Helpers of the REST route modules: the context, answers, JSON bodies, query and path values."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any, TypeVar

from aiohttp import web

from juniper_cascor_fake_server.context import CONTEXT, ServerContext
from juniper_cascor_fake_server.domain.errors import FieldError, invalid, validation_failed
from juniper_cascor_fake_server.domain.validation import Spec, check
from juniper_cascor_fake_server.rest.responses import success

__all__ = ["context_of", "json_body", "ok", "path_int", "query_int", "run"]

T = TypeVar("T")


def context_of(request: web.Request) -> ServerContext:
    """The server context of a request."""
    return request.app[CONTEXT]


def ok(request: web.Request, data: Any) -> web.Response:
    """A success envelope (the real server answers 200 for every success)."""
    return success(data, context_of(request).config.version)


async def run(function: Callable[..., T], *args: Any) -> T:
    """Run a blocking operation off the event loop."""
    return await asyncio.to_thread(function, *args)


async def json_body(request: web.Request, *, required: bool = False) -> Any:
    """The request's JSON body; ``None`` when there is none and none is ``required``.

    Raises:
        ServiceError: 422 for a body that is not JSON (``json_invalid``), or a missing
            required one (``missing``).
    """
    text = await request.text()
    if not text.strip():
        if required:
            raise invalid(("body",), "Field required", "missing")
        return None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise invalid(
            ("body", exc.pos), "JSON decode error", "json_invalid", {}, {"error": exc.msg}
        ) from exc
    except RecursionError as exc:  # nested too deep to parse
        raise invalid(("body", 0), "JSON decode error", "json_invalid", {}) from exc


def _integer(raw: str | None, spec: Spec, loc: tuple[str, str], default: int | None) -> int | None:
    if raw is None:
        return default
    value = check(raw, spec, loc)
    if isinstance(value, FieldError):
        raise validation_failed([value])
    return int(value)


def query_int(request: web.Request, name: str, spec: Spec, default: int | None) -> int | None:
    """An integer query parameter checked against ``spec`` (``default`` when absent).

    Raises:
        ServiceError: 422 naming ``("query", name)``.
    """
    return _integer(request.query.get(name), spec, ("query", name), default)


def path_int(request: web.Request, name: str) -> int:
    """An integer path parameter.

    Raises:
        ServiceError: 422 naming ``("path", name)``.
    """
    value = _integer(request.match_info[name], Spec(int), ("path", name), None)
    assert value is not None
    return value
