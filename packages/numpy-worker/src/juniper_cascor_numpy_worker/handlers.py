"""``HandlerRegistry``: server messages dispatched to handlers by their ``type``.

An object declares what it handles by naming methods after the message types:
``on_task_assign``, ``on_result_ack``, ``on_error``... ``HandlerRegistry.of(obj)`` collects
them into a ``type -> bound method`` table. A message of a type with no handler is logged and
reported to the caller (which counts it); it never ends the connection.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from juniper_cascor_protocol.worker import WorkerMessageType

__all__ = ["HANDLER_PREFIX", "Handler", "HandlerRegistry"]

logger = logging.getLogger(__name__)

HANDLER_PREFIX = "on_"
"""Prefix of handler method names: ``on_<type>`` handles messages of that ``type``."""

Handler = Callable[[Any], Awaitable[None]]
"""A coroutine function taking one message (an ``AssembledMessage`` for ``task_assign``)."""


class HandlerRegistry:
    """A table of handlers by message type.

    Args:
        handlers: ``type`` value -> handler.
    """

    def __init__(self, handlers: Mapping[str, Handler]) -> None:
        self._handlers = dict(handlers)

    @classmethod
    def of(cls, owner: object) -> HandlerRegistry:
        """The handlers ``owner`` defines: its ``on_<type>`` methods, one per worker type."""
        found = {
            kind.value: getattr(owner, HANDLER_PREFIX + kind.value)
            for kind in WorkerMessageType
            if callable(getattr(owner, HANDLER_PREFIX + kind.value, None))
        }
        return cls(found)

    @property
    def types(self) -> frozenset[str]:
        """The message types that have a handler."""
        return frozenset(self._handlers)

    async def dispatch(self, kind: str, message: object) -> bool:
        """Hand ``message`` to the handler of ``kind``; ``False`` (and a log line) when none.

        Raises:
            Exception: Whatever the handler raises.
        """
        handler = self._handlers.get(kind)
        if handler is None:
            logger.warning("ignoring a %r message: this worker has no handler for it", kind)
            return False
        await handler(message)
        return True
