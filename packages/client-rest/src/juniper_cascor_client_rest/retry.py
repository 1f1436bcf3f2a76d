"""The retry policy of the REST client: which failures are retried, and how long to wait.

Pure functions and a frozen dataclass, no I/O; the transport's single retry loop asks them.

The rules (the wire contract's):

* A request that provably never reached the server (the TCP connection could not be
  established: refused, unresolvable host, connect timeout) may be retried whatever its method.
* Otherwise only ``GET`` and ``HEAD`` are retried: after a connection that broke once the
  request may have been sent, after a read timeout, and on HTTP 429, 502, 503 and 504.
  ``POST``, ``PUT``, ``PATCH`` and ``DELETE`` are never sent twice.
* The wait before retry ``n`` (counting from 0) is the server's ``Retry-After`` when it sent one
  (seconds or an HTTP date), else "full jitter" exponential backoff: a uniform random value in
  ``[0, min(max_backoff, backoff_factor * 2**n)]``, drawn by client-core's
  :func:`~juniper_cascor_client_core.backoff.backoff_delay` (re-exported here), the backoff
  the streams' reconnections use too.
* A ``Retry-After`` longer than ``max_retry_after`` is not shortened: the client gives up and
  raises the error (a :class:`~juniper_cascor_client_core.JuniperCascorRateLimitedError` carries
  ``retry_after``), so it never knocks earlier than the server asked.
"""

from __future__ import annotations

import enum
import math
import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC
from email.utils import parsedate_to_datetime

from juniper_cascor_client_core.backoff import backoff_delay
from juniper_cascor_client_core.defaults import (
    DEFAULT_BACKOFF_FACTOR,
    DEFAULT_MAX_BACKOFF,
    DEFAULT_MAX_RETRY_AFTER,
    DEFAULT_RETRIES,
)
from juniper_cascor_client_core.options import non_negative_int, non_negative_number

__all__ = [
    "IDEMPOTENT_METHODS",
    "RETRY_STATUSES",
    "Delivery",
    "RetryPolicy",
    "backoff_delay",
    "parse_retry_after",
]

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD"})
RETRY_STATUSES = frozenset({429, 502, 503, 504})

_DELAY_DIGITS = re.compile(r"[0-9]+(?:\.[0-9]*)?")


class Delivery(enum.Enum):
    """What is known about whether a failed request reached the server."""

    NOT_SENT = "not_sent"
    """The connection was never established, so the server cannot have seen the request."""

    MAYBE_SENT = "maybe_sent"
    """The request may have been read by the server (broken connection, read timeout...)."""


def parse_retry_after(value: str | None, now: float) -> float | None:
    """Parse a ``Retry-After`` header into a delay in seconds.

    Accepts delay-seconds (a non-negative number; decimals are tolerated) and an HTTP date,
    which is turned into the time left from ``now``. A date in the past gives ``0.0``; digits
    too many for a float give ``math.inf`` (so the caller gives up rather than retrying early).

    Args:
        value: The header value, or ``None`` when the header was absent.
        now: The current wall-clock time (``time.time()``), used for HTTP dates.

    Returns:
        The delay in seconds, or ``None`` when the header is absent or not understood.
    """
    if value is None:
        return None
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        return _seconds_until_date(text, now)
    if seconds == math.inf and _DELAY_DIGITS.fullmatch(text):
        return math.inf
    if not math.isfinite(seconds) or seconds < 0:
        return None
    return seconds


def _seconds_until_date(text: str, now: float) -> float | None:
    try:
        when = parsedate_to_datetime(text)
        if when.tzinfo is None:  # HTTP dates are always GMT; "-0000" parses as zone-less
            when = when.replace(tzinfo=UTC)
        return max(0.0, when.timestamp() - now)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


@dataclass(frozen=True)
class RetryPolicy:
    """When to retry a failed call, and how long to wait first.

    Raises:
        JuniperCascorConfigurationError: When a field is negative, not finite or not a number
            (``retries`` not an int); the message names the field and the value.

    Attributes:
        retries: The most retries after the first attempt (0 disables retrying).
        backoff_factor: Base of the exponential backoff, in seconds.
        max_backoff: Ceiling of one backoff wait, in seconds.
        max_retry_after: The longest ``Retry-After`` the client waits for; a longer one makes
            it give up at once.
    """

    retries: int = DEFAULT_RETRIES
    backoff_factor: float = DEFAULT_BACKOFF_FACTOR
    max_backoff: float = DEFAULT_MAX_BACKOFF
    max_retry_after: float = DEFAULT_MAX_RETRY_AFTER

    def __post_init__(self) -> None:
        non_negative_int("retries", self.retries)
        for name in ("backoff_factor", "max_backoff", "max_retry_after"):
            non_negative_number(name, getattr(self, name))

    def retries_failure(self, method: str, delivery: Delivery) -> bool:
        """Whether a transport failure of ``method`` may be retried at all."""
        return delivery is Delivery.NOT_SENT or method in IDEMPOTENT_METHODS

    def retries_status(self, method: str, status_code: int) -> bool:
        """Whether an HTTP error status of ``method`` may be retried at all."""
        return status_code in RETRY_STATUSES and method in IDEMPOTENT_METHODS

    def delay(
        self,
        retry_index: int,
        retry_after: float | None = None,
        rand: Callable[[], float] = random.random,
    ) -> float | None:
        """Return the wait before retry ``retry_index``, or ``None`` to give up.

        Args:
            retry_index: How many retries came before this one.
            retry_after: The server's ``Retry-After`` in seconds, if it sent one.
            rand: A source of uniform values in ``[0, 1)`` for the jitter.

        Returns:
            Seconds to wait, or ``None`` when the retries are used up or the server asked
            for a longer wait than ``max_retry_after``.
        """
        if retry_index >= self.retries:
            return None
        if retry_after is not None:
            return retry_after if retry_after <= self.max_retry_after else None
        return backoff_delay(retry_index, self.backoff_factor, self.max_backoff, rand)
