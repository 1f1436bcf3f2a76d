"""Bounded waits: every wait of the suite polls a condition until a deadline, then fails."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import TypeVar

__all__ = ["async_wait_until", "wait_until"]

T = TypeVar("T")
_POLL = 0.01


def wait_until(predicate: Callable[[], T], *, within: float, what: str) -> T:
    """Poll ``predicate`` until it returns a truthy value, and return that value.

    Raises:
        AssertionError: When ``within`` seconds pass first.
    """
    deadline = time.monotonic() + within
    while not (value := predicate()):
        if time.monotonic() >= deadline:
            raise AssertionError(f"not {what} within {within} s")
        time.sleep(_POLL)
    return value


async def async_wait_until(predicate: Callable[[], T], *, within: float, what: str) -> T:
    """``wait_until`` for coroutines: polls without blocking the event loop.

    Raises:
        AssertionError: When ``within`` seconds pass first.
    """
    deadline = time.monotonic() + within
    while not (value := predicate()):
        if time.monotonic() >= deadline:
            raise AssertionError(f"not {what} within {within} s")
        await asyncio.sleep(_POLL)
    return value
