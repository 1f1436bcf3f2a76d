"""Bounded waits: every wait of the suite polls a condition until a deadline, then fails."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import TypeVar

__all__ = ["Deadline", "async_wait_until", "wait_until"]

T = TypeVar("T")
_POLL = 0.01


class Deadline:
    """A point ``within`` seconds from now (monotonic), for a wait described by ``what``."""

    def __init__(self, within: float, what: str) -> None:
        self.within, self.what = within, what
        self._end = time.monotonic() + within

    def remaining(self) -> float:
        """Seconds left (never negative)."""
        return max(self._end - time.monotonic(), 0.0)

    def check(self) -> None:
        """Fail once the deadline has passed.

        Raises:
            AssertionError: Naming what was awaited.
        """
        if self.remaining() <= 0:
            raise AssertionError(f"not {self.what} within {self.within} s")


def wait_until(predicate: Callable[[], T | None], *, within: float, what: str) -> T:
    """Poll ``predicate`` until it returns a truthy value, and return that value.

    Raises:
        AssertionError: When ``within`` seconds pass first.
    """
    deadline = Deadline(within, what)
    while not (value := predicate()):
        deadline.check()
        time.sleep(_POLL)
    return value


async def async_wait_until(predicate: Callable[[], T | None], *, within: float, what: str) -> T:
    """``wait_until`` for coroutines: polls without blocking the event loop.

    Raises:
        AssertionError: When ``within`` seconds pass first.
    """
    deadline = Deadline(within, what)
    while not (value := predicate()):
        deadline.check()
        await asyncio.sleep(_POLL)
    return value
