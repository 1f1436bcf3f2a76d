"""``TrainingWatch``: reads a training stream in a background task and keeps every message.

Tests wait on conditions over what was received (``wait_for``, ``next_of_type``), each with a
deadline, while they drive the server through REST or the control stream.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import Any

from cascor_suite.waits import Deadline
from juniper_cascor_client import CascorTrainingStream, JuniperCascorClientError

__all__ = ["TrainingWatch"]

Frame = dict[str, Any]


class TrainingWatch:
    """Every message a ``CascorTrainingStream`` delivers, in order, kept for assertions.

    ``error`` is what the iterator raised when it ended with an error; ``ended`` tells whether
    it ended at all.
    """

    def __init__(self, stream: CascorTrainingStream) -> None:
        self.stream = stream
        self.messages: list[Frame] = []
        self.error: JuniperCascorClientError | None = None
        self.ended = False
        self._changed = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Start reading in a background task."""
        self._task = asyncio.create_task(self._read(), name="training-watch")

    async def stop(self, grace: float = 5.0) -> None:
        """Wait for the reader to end (the stream must be disconnected), then cancel it."""
        task = self._task
        if task is None:
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.shield(task), grace)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    async def _read(self) -> None:
        try:
            async for message in self.stream:
                assert isinstance(message, dict), f"expected dict messages, got {message!r}"
                self.messages.append(message)
                self._changed.set()
        except JuniperCascorClientError as exc:
            self.error = exc
        finally:
            self.ended = True
            self._changed.set()

    # -- queries -------------------------------------------------------------------------------

    def mark(self) -> int:
        """The index the next message will have (to look only at later ones)."""
        return len(self.messages)

    def of_type(self, kind: str, since: int = 0) -> list[Frame]:
        """The messages of type ``kind`` from index ``since`` on."""
        return [m for m in self.messages[since:] if m.get("type") == kind]

    def types(self, since: int = 0) -> list[str]:
        """The types of the messages from index ``since`` on."""
        return [str(m.get("type")) for m in self.messages[since:]]

    def states(self, since: int = 0) -> list[str]:
        """The ``status`` of every ``state`` message from index ``since`` on."""
        return [str(m["data"].get("status")) for m in self.of_type("state", since)]

    def seqs(self, since: int = 0) -> list[int]:
        """The ``seq`` of every numbered message from index ``since`` on."""
        return [m["seq"] for m in self.messages[since:] if type(m.get("seq")) is int]

    def events(self, name: str, since: int = 0) -> list[Frame]:
        """The ``event`` messages whose ``data.event`` is ``name``."""
        return [m for m in self.of_type("event", since) if m["data"].get("event") == name]

    # -- waits ---------------------------------------------------------------------------------

    async def wait_for(self, predicate: Callable[[], object], *, within: float, what: str) -> None:
        """Wait until ``predicate()`` is truthy (re-checked after every message).

        Raises:
            AssertionError: When ``within`` seconds pass first, or the stream ended first.
        """
        await self._until(predicate, Deadline(within, what), fail_on_end=True)

    async def next_of_type(self, kind: str, *, since: int, within: float = 10.0) -> Frame:
        """The first message of type ``kind`` at or after index ``since`` (waiting for it).

        Raises:
            AssertionError: As :meth:`wait_for`.
        """
        await self.wait_for(lambda: self.of_type(kind, since), within=within, what=kind)
        return self.of_type(kind, since)[0]

    async def wait_state(self, status: str, *, since: int, within: float = 10.0) -> None:
        """Wait for a ``state`` message with this ``status`` at or after index ``since``.

        Raises:
            AssertionError: As :meth:`wait_for`.
        """
        await self.wait_for(
            lambda: status in self.states(since), within=within, what=f"state {status}"
        )

    async def wait_event(self, name: str, *, since: int = 0, within: float = 30.0) -> Frame:
        """The first ``event`` message named ``name`` at or after ``since`` (waiting for it).

        Raises:
            AssertionError: As :meth:`wait_for`.
        """
        await self.wait_for(lambda: self.events(name, since), within=within, what=name)
        return self.events(name, since)[0]

    async def wait_ended(self, *, within: float) -> None:
        """Wait until the stream's iterator ended.

        Raises:
            AssertionError: When it is still going after ``within`` seconds.
        """
        await self._until(lambda: self.ended, Deadline(within, "ended"), fail_on_end=False)

    async def _until(
        self, predicate: Callable[[], object], deadline: Deadline, *, fail_on_end: bool
    ) -> None:
        while True:
            self._changed.clear()
            if predicate():
                return
            if fail_on_end and self.ended:
                raise AssertionError(
                    f"the stream ended ({self.error!r}) before {deadline.what}; "
                    f"received {self.types()[-30:]}"
                )
            try:
                deadline.check()
            except AssertionError as exc:
                raise AssertionError(f"{exc}; received {self.types()[-30:]}") from None
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), deadline.remaining())
