"""Calling user callbacks, sync or async, so that one raising never stops a stream."""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeAlias

__all__ = ["Callback", "invoke_callback"]

Callback: TypeAlias = Callable[..., Awaitable[Any] | Any]
"""A callback: a plain function or a coroutine function; its return value is ignored."""


async def invoke_callback(
    callback: Callback, *args: Any, logger: logging.Logger, name: str
) -> None:
    """Call ``callback(*args)``, awaiting it when it returns an awaitable.

    An exception raised by the callback is logged (with its traceback) and swallowed, so the
    stream goes on. Cancellation of the calling task is not swallowed, but a
    ``CancelledError`` the callback raised on its own (e.g. from awaiting a cancelled future)
    is an error of the callback like any other.
    """
    try:
        result = callback(*args)
        if inspect.isawaitable(result):
            await result
    except (Exception, asyncio.CancelledError) as exc:
        if isinstance(exc, asyncio.CancelledError) and _being_cancelled():
            raise
        logger.exception("the %s callback %r raised; the stream goes on", name, callback)


def _being_cancelled() -> bool:
    task = asyncio.current_task()
    return task is None or task.cancelling() > 0
