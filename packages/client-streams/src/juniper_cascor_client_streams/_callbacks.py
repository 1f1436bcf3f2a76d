"""Calling user callbacks, sync or async, so that one raising never stops a stream.

Each callback type names the one argument it is called with; its return value is ignored,
except that an awaitable (a coroutine function's result) is awaited first.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Callable
from typing import Any, TypeAlias, TypeVar

from juniper_cascor_client_core import JuniperCascorClientError
from juniper_cascor_client_streams.losses import Loss

__all__ = [
    "Callback",
    "DataCallback",
    "DisconnectCallback",
    "LossCallback",
    "ReconnectCallback",
    "invoke_callback",
]

_T = TypeVar("_T")

Callback: TypeAlias = Callable[[_T], object]
"""A callback called with one ``_T``: a plain function, or a coroutine function (awaited)."""

DataCallback: TypeAlias = Callable[[dict[str, Any]], object]
"""An ``on_metrics``/``on_state``/``on_topology``/``on_cascade_add``/``on_event``/
``on_candidate_progress``/``on(type, ...)`` callback: called with the message's ``data``."""

DisconnectCallback: TypeAlias = Callable[[JuniperCascorClientError], object]
"""An ``on_disconnect`` callback: called with the error that ended the connection."""

ReconnectCallback: TypeAlias = Callable[[int], object]
"""An ``on_reconnect`` callback: called with the number of attempts the reconnection took."""

LossCallback: TypeAlias = Callable[[Loss], object]
"""An ``on_loss`` callback: called with each :class:`~.losses.Loss` as it is noticed."""


async def invoke_callback(
    callback: Callback[_T], argument: _T, *, logger: logging.Logger, name: str
) -> None:
    """Call ``callback(argument)``, awaiting it when it returns an awaitable.

    An exception raised by the callback is logged (with its traceback) and swallowed, so the
    stream goes on. Cancellation of the calling task is not swallowed, but a
    ``CancelledError`` the callback raised on its own (e.g. from awaiting a cancelled future)
    is an error of the callback like any other.

    Raises:
        asyncio.CancelledError: When the calling task is being cancelled.
    """
    try:
        result = callback(argument)
        if inspect.isawaitable(result):
            await result
    except (Exception, asyncio.CancelledError) as exc:
        if isinstance(exc, asyncio.CancelledError) and _being_cancelled():
            raise
        logger.exception("the %s callback %r raised; the stream goes on", name, callback)


def _being_cancelled() -> bool:
    task = asyncio.current_task()
    return task is None or task.cancelling() > 0
