"""The bounded queue between a stream's reader task and its consumer.

Three policies decide what happens when the consumer falls behind and the queue is full:

``"block"`` (the default)
    The reader waits for room, which stops it reading the socket: the server sees
    backpressure. Nothing is dropped.
``"drop_oldest"``
    The oldest queued message is dropped to make room for the new one.
``"latest"``
    At most one ``metrics`` message is queued: a newer one replaces it (the older is dropped),
    so a slow consumer always sees the newest metrics. Other messages are never dropped; when
    the queue is full of them the reader waits, as with ``"block"``.

Every dropped message is counted in :attr:`MessageQueue.dropped`. The queue is closed once,
when its stream ends; :meth:`MessageQueue.get` then drains what is left and raises
:class:`QueueClosedError` (carrying the error that ended the stream, if any).
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable
from typing import Generic, Literal, TypeVar

__all__ = ["QUEUE_POLICIES", "MessageQueue", "QueueClosedError", "QueuePolicy"]

T = TypeVar("T")
QueuePolicy = Literal["block", "drop_oldest", "latest"]
QUEUE_POLICIES: tuple[QueuePolicy, ...] = ("block", "drop_oldest", "latest")


class QueueClosedError(Exception):
    """The queue is closed and empty; ``error`` is what ended the stream, if anything did."""

    def __init__(self, error: BaseException | None = None) -> None:
        super().__init__("queue closed")
        self.error = error


class MessageQueue(Generic[T]):
    """A bounded single-producer queue with a drop policy.

    Args:
        maxsize: Messages held at most (>= 1).
        policy: ``"block"``, ``"drop_oldest"`` or ``"latest"``.
        is_coalescable: For ``"latest"``, tells which messages replace each other
            (the ``metrics`` ones).

    Raises:
        ValueError: When ``maxsize`` < 1 or the policy is unknown.
    """

    def __init__(
        self,
        maxsize: int,
        policy: QueuePolicy = "block",
        *,
        is_coalescable: Callable[[T], bool] = lambda _item: False,
    ) -> None:
        if maxsize < 1:
            raise ValueError("maxsize must be >= 1")
        if policy not in QUEUE_POLICIES:
            raise ValueError(f"queue policy must be one of {', '.join(QUEUE_POLICIES)}")
        self.maxsize = maxsize
        self.policy = policy
        self._is_coalescable = is_coalescable
        self._items: deque[T] = deque()
        self._coalesced: T | None = None
        self._has_coalesced = False
        self._readable = asyncio.Event()
        self._writable = asyncio.Event()
        self._writable.set()
        self._closed = False
        self._error: BaseException | None = None
        self.dropped = 0

    def __len__(self) -> int:
        return len(self._items)

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called."""
        return self._closed

    def offer(self, item: T) -> bool:
        """Queue ``item`` without waiting, applying the policy.

        Returns:
            False when the queue is full and the policy says to wait for room (``"block"``,
            or ``"latest"`` with no ``metrics`` message to replace); True otherwise (an item
            offered to a closed queue is discarded).
        """
        if self._closed:
            return True
        coalescable = self.policy == "latest" and self._is_coalescable(item)
        if coalescable and self._replace(item):
            return True
        if len(self._items) >= self.maxsize:
            if self.policy != "drop_oldest":
                return False
            self._discard(self._items.popleft())
        self._items.append(item)
        if coalescable:
            self._coalesced, self._has_coalesced = item, True
        self._readable.set()
        return True

    async def put(self, item: T) -> None:
        """Queue ``item``, waiting for room when :meth:`offer` cannot take it yet."""
        while not self.offer(item):
            self._writable.clear()
            await self._writable.wait()

    def get_nowait(self) -> T:
        """Return the next message without waiting.

        Raises:
            IndexError: When the queue is empty.
        """
        item = self._items.popleft()
        if self._has_coalesced and item is self._coalesced:
            self._coalesced, self._has_coalesced = None, False
        self._writable.set()
        return item

    async def get(self) -> T:
        """Return the next message, waiting for one.

        Raises:
            QueueClosedError: When the queue is closed and drained.
        """
        while not self._items:
            if self._closed:
                raise QueueClosedError(self._error)
            self._readable.clear()
            await self._readable.wait()
        return self.get_nowait()

    def close(self, error: BaseException | None = None) -> None:
        """End the queue: the consumer drains it, then gets :class:`QueueClosedError`."""
        if self._closed:
            return
        self._closed = True
        self._error = error
        self._readable.set()
        self._writable.set()

    def _replace(self, item: T) -> bool:
        """Replace the queued coalescable message with ``item``; False when none is queued."""
        if self._closed or not self._has_coalesced:
            return False
        old = self._coalesced
        for position, queued in enumerate(self._items):
            if queued is old:
                del self._items[position]
                break
        self._discard(old)
        self._items.append(item)
        self._coalesced, self._has_coalesced = item, True
        self._readable.set()
        return True

    def _discard(self, item: T | None) -> None:
        self.dropped += 1
        if self._has_coalesced and item is self._coalesced:
            self._coalesced, self._has_coalesced = None, False
