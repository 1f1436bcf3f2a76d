"""The table of control commands awaiting their answer.

Each command gets a ``command_id`` (fresh, or the caller's) and an entry here *before* it is
sent; the entry is removed on every way out (answer, timeout, cancellation, disconnect).
Answers are matched by ``command_id``. Servers of the 0.3/0.4 line never echo it but answer in
order, one answer per command, so an answer without ``command_id`` resolves the oldest pending
command (FIFO). A caveat of that fallback: when a command timed out on the client and its late
answer arrives without an id, that answer is taken for the next command's; only servers that
echo ``command_id`` avoid it.

A ``queued`` answer is a heartbeat: it moves the command's deadline to ``now + timeout`` (the
per-call timeout), but never past the hard maximum fixed when the command was sent.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from juniper_cascor_client_core import (
    JuniperCascorOverloadError,
    JuniperCascorTimeoutError,
    JuniperCascorValidationError,
)
from juniper_cascor_client_core.defaults import DEFAULT_MAX_PENDING

__all__ = ["DEFAULT_MAX_PENDING", "PendingCommand", "PendingCommands"]


@dataclass(slots=True, eq=False)
class PendingCommand:
    """One command in flight: its id, its answer's future and its deadlines (loop time).

    A timer fails the future with ``JuniperCascorTimeoutError`` when the deadline passes.
    """

    command: str
    command_id: str
    timeout: float
    deadline: float
    hard_deadline: float
    future: asyncio.Future[dict[str, Any]]
    timer: asyncio.TimerHandle | None = field(default=None)

    def arm(self) -> None:
        """(Re)start the timer for the current deadline."""
        if self.timer is not None:
            self.timer.cancel()
        self.timer = self.future.get_loop().call_at(self.deadline, self._expire)

    def extend(self, now: float) -> None:
        """Move the deadline to ``now + timeout``, capped at the hard deadline."""
        deadline = max(self.deadline, min(now + self.timeout, self.hard_deadline))
        if deadline != self.deadline:
            self.deadline = deadline
            self.arm()

    def disarm(self) -> None:
        """Stop the timer."""
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None

    def _expire(self) -> None:
        self.timer = None
        if not self.future.done():
            self.future.set_exception(
                JuniperCascorTimeoutError(
                    f"command {self.command!r} (id {self.command_id}) got no answer in time"
                )
            )


class PendingCommands:
    """Pending commands keyed by ``command_id``, oldest first, at most ``max_pending``.

    Args:
        max_pending: Commands allowed in flight at once.
    """

    def __init__(self, max_pending: int = DEFAULT_MAX_PENDING) -> None:
        self.max_pending = max_pending
        self._entries: dict[str, PendingCommand] = {}

    def __len__(self) -> int:
        return len(self._entries)

    def register(
        self, command: str, *, timeout: float, max_wait: float, command_id: str | None = None
    ) -> PendingCommand:
        """Create the entry of a command about to be sent; its timer starts now.

        The caller awaits ``entry.future`` (the answer frame, or ``JuniperCascorTimeoutError``
        when the deadline passes, or the connection error) and then calls :meth:`discard`.

        Args:
            command: The command's name.
            timeout: Seconds until the deadline.
            max_wait: Seconds after which ``queued`` answers extend the deadline no further.
            command_id: The id to use; a fresh random one by default.

        Raises:
            JuniperCascorOverloadError: When ``max_pending`` commands are already in flight.
            JuniperCascorValidationError: When ``command_id`` is empty, not a string, or
                pending already.
        """
        if len(self._entries) >= self.max_pending:
            raise JuniperCascorOverloadError(
                f"{self.max_pending} commands are already awaiting an answer"
            )
        if command_id is None:
            command_id = os.urandom(16).hex()
        elif not isinstance(command_id, str) or not command_id:
            raise JuniperCascorValidationError(
                f"command_id must be a non-empty string: {command_id!r}"
            )
        elif command_id in self._entries:
            raise JuniperCascorValidationError(f"command_id {command_id!r} is already pending")
        loop = asyncio.get_running_loop()
        now = loop.time()
        hard_deadline = now + max(max_wait, timeout)
        entry = PendingCommand(
            command=command,
            command_id=command_id,
            timeout=timeout,
            deadline=now + timeout,
            hard_deadline=hard_deadline,
            future=loop.create_future(),
        )
        entry.arm()
        self._entries[entry.command_id] = entry
        return entry

    def discard(self, entry: PendingCommand) -> None:
        """Remove ``entry`` if it is still in the table and settle its future (idempotent)."""
        if self._entries.get(entry.command_id) is entry:
            del self._entries[entry.command_id]
        entry.disarm()
        future = entry.future
        if not future.done():
            future.cancel()
        elif not future.cancelled():
            future.exception()  # marks a failure as seen, so asyncio does not log it

    def deliver(self, frame: dict[str, Any], data: Mapping[str, Any]) -> PendingCommand | None:
        """Apply a ``command_response`` frame to the command it answers.

        A ``queued`` answer extends that command's deadline; any other status resolves it with
        ``frame``. Returns the entry concerned, or ``None`` when no pending command matches
        (an unknown id, or no command pending).
        """
        command_id = data.get("command_id")
        if isinstance(command_id, str) and command_id:
            entry = self._entries.get(command_id)
        else:
            entry = next(iter(self._entries.values()), None)
        if entry is None:
            return None
        if data.get("status") == "queued":
            entry.extend(asyncio.get_running_loop().time())
            return entry
        del self._entries[entry.command_id]
        entry.disarm()
        if not entry.future.done():
            entry.future.set_result(frame)
        return entry

    def fail_all(self, make_error: Callable[[], BaseException]) -> int:
        """Fail every pending command at once, each with a fresh ``make_error()``.

        Returns:
            How many commands were pending.
        """
        entries = list(self._entries.values())
        self._entries.clear()
        for entry in entries:
            entry.disarm()
            if not entry.future.done():
                entry.future.set_exception(make_error())
        return len(entries)
