"""Helpers of the REST route modules: the context, answers, JSON bodies, query integers."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, TypeVar

from aiohttp import web

from juniper_cascor_fake_server.context import CONTEXT, ServerContext
from juniper_cascor_fake_server.domain.errors import invalid
from juniper_cascor_fake_server.rest.responses import success

__all__ = ["context_of", "json_body", "ok", "query_int", "run"]

T = TypeVar("T")


def context_of(request: web.Request) -> ServerContext:
    """The server context of a request."""
    return request.app[CONTEXT]


def ok(request: web.Request, data: Any, status: int = 200) -> web.Response:
    """A success envelope."""
    return success(data, context_of(request).config.version, status)


async def run(function: Callable[..., T], *args: Any) -> T:
    """Run a blocking operation off the event loop."""
    return await asyncio.to_thread(function, *args)


async def json_body(request: web.Request) -> dict[str, Any]:
    """The request's JSON object body (``{}`` when empty).

    Raises:
        ServiceError: 422 when the body is not JSON or not an object.
    """
    text = await request.text()
    if not text.strip():
        return {}
    try:
        body = await request.json()
    except (ValueError, RecursionError) as exc:  # not JSON, or nested too deep to parse
        raise invalid(("body",), "JSON decode error", "json_invalid") from exc
    if not isinstance(body, dict):
        raise invalid(("body",), "Input should be a valid dictionary", "dict_type")
    return body


def query_int(
    request: web.Request, name: str, default: int | None, low: int, high: int
) -> int | None:
    """An integer query parameter in ``low..high`` (``default`` when absent).

    Raises:
        ServiceError: 422 naming ``("query", name)`` when it is not such an integer.
    """
    raw = request.query.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise invalid(("query", name), "Input should be a valid integer", "int_parsing") from exc
    if not low <= value <= high:
        raise invalid(("query", name), f"Input should be between {low} and {high}")
    return value
