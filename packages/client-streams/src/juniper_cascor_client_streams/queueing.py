"""The bounded queue between a stream's reader task and its consumer.

Three policies decide what happens when the consumer falls behind:

``"block"`` (the default)
    When the queue is full the reader waits for room, which stops it reading the socket: the
    server sees backpressure. Nothing is dropped.
``"drop_oldest"``
    When the queue is full the oldest queued message is dropped to make room for the new one.
``"latest"``
    Messages that supersede the previous one of their type (``metrics``, ``state`` and
    ``topology`` for the training stream) hold one place each: a newer one takes the place
    of the queued one, which is dropped. The place keeps its position, so under a flood of
    other messages the newest metrics still move towards the consumer and are delivered.
    Messages that supersede nothing (``event``, ``cascade_add``...) are never dropped; when
    the queue is full the reader waits, as with ``"block"``.

Every dropped message is counted in :attr:`MessageQueue.dropped`. The queue is closed once,
when its stream ends; :meth:`MessageQueue.get` then drains what is left and raises
:class:`QueueClosedError` (carrying the error that ended the stream, if any).
"""

from __future__ import annotations

import asyncio
import contextlib
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


class _Place:
    """The queued place of a superseding kind; :class:`MessageQueue` keeps its newest item."""

    __slots__ = ("kind",)

    def __init__(self, kind: str) -> None:
        self.kind = kind


def _supersedes_nothing(_item: object) -> str | None:
    return None


class MessageQueue(Generic[T]):
    """A bounded single-producer queue with a drop policy.

    Args:
        maxsize: Places held at most (>= 1).
        policy: ``"block"``, ``"drop_oldest"`` or ``"latest"``.
        superseding_kind: For ``"latest"``, the kind of message an item supersedes (items of
            one kind replace each other), or ``None`` for an item that supersedes nothing.
        on_drop: Called once for each message the policy drops.

    Raises:
        ValueError: When ``maxsize`` < 1 or the policy is unknown.
    """

    def __init__(
        self,
        maxsize: int,
        policy: QueuePolicy = "block",
        *,
        superseding_kind: Callable[[T], str | None] = _supersedes_nothing,
        on_drop: Callable[[], None] | None = None,
    ) -> None:
        if maxsize < 1:
            raise ValueError("maxsize must be >= 1")
        if policy not in QUEUE_POLICIES:
            raise ValueError(f"queue policy must be one of {', '.join(QUEUE_POLICIES)}")
        self.maxsize = maxsize
        self.policy = policy
        self._kind_of = superseding_kind
        self._on_drop = on_drop
        self._items: deque[T | _Place] = deque()
        self._newest: dict[str, T] = {}  # the item of each kind whose place is queued
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
            or ``"latest"`` for an item whose kind has no queued place to take); True
            otherwise (an item offered to a closed queue is discarded).
        """
        if self._closed:
            return True
        kind = self._kind_of(item) if self.policy == "latest" else None
        if kind is not None and kind in self._newest:
            self._newest[kind] = item
            self._dropped_one()
            return True
        if len(self._items) >= self.maxsize:
            if self.policy != "drop_oldest":
                return False
            self._items.popleft()
            self._dropped_one()
        self._append(item, kind)
        return True

    def push(self, item: T) -> None:
        """Queue ``item`` even when the queue is full.

        Only for what is left of a connection the server already closed: the reader's waiting
        message and the frames read before the close, a bounded amount (the socket's and
        websockets' buffers)."""
        if not self._closed:
            self._append(item, None)

    async def put(self, item: T) -> None:
        """Queue ``item``, waiting for room when :meth:`offer` cannot take it yet."""
        while not self.offer(item):
            self._writable.clear()
            await self._writable.wait()

    async def wait_for_room(self, seconds: float) -> None:
        """Return when the queue has room or is closed, or after ``seconds``."""
        if len(self._items) >= self.maxsize and not self._closed:
            self._writable.clear()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(seconds):
                    await self._writable.wait()

    def get_nowait(self) -> T:
        """Return the next message without waiting.

        Raises:
            IndexError: When the queue is empty.
        """
        item = self._items.popleft()
        self._writable.set()
        if isinstance(item, _Place):
            return self._newest.pop(item.kind)
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

    def _dropped_one(self) -> None:
        self.dropped += 1
        if self._on_drop is not None:
            self._on_drop()

    def _append(self, item: T, kind: str | None) -> None:
        if kind is None:
            self._items.append(item)
        else:
            self._newest[kind] = item
            self._items.append(_Place(kind))
        self._readable.set()
