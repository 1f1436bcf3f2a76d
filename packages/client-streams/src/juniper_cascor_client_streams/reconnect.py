"""The reconnection policy of the streams: exponential backoff with full jitter (no I/O).

A stream reconnects only when it is given a :class:`ReconnectPolicy`; by default it does not
reconnect at all (the upstream contract). The delay before attempt ``n`` (1-based) is drawn
uniformly from ``[0, min(max_delay, initial_delay * multiplier ** (n - 1))]`` with
``jitter="full"``, or is that bound itself with ``jitter="none"``: the full-jitter exponential
backoff of :mod:`juniper_cascor_client_core.backoff`, which the REST client's retries and
``connect(retries=...)`` use too. After ``max_attempts`` consecutive failed attempts the stream
gives up. The attempt count starts again from one only after a connection has stayed up for
``reset_after`` seconds, so a server that accepts and then drops every connection is still
backed off and eventually given up on.

:class:`Backoff` is the mutable per-stream state that walks the policy.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Literal

from juniper_cascor_client_core.backoff import backoff_ceiling, backoff_delay
from juniper_cascor_client_core.defaults import (
    DEFAULT_BACKOFF_FACTOR,
    DEFAULT_BACKOFF_MULTIPLIER,
    DEFAULT_MAX_BACKOFF,
    DEFAULT_RECONNECT_RESET_AFTER,
)
from juniper_cascor_client_core.options import non_negative_number, one_of, positive_int

__all__ = ["Backoff", "ReconnectPolicy"]

Jitter = Literal["full", "none"]


@dataclass(frozen=True, slots=True)
class ReconnectPolicy:
    """How a stream reconnects after it lost its connection.

    Args:
        initial_delay: Upper bound of the first delay, in seconds.
        max_delay: Cap of every delay, in seconds.
        multiplier: Growth factor of the bound from one attempt to the next (>= 1).
        max_attempts: Consecutive failed attempts after which the stream gives up;
            ``None`` retries forever.
        jitter: ``"full"`` draws each delay uniformly below its bound; ``"none"`` uses the bound.
        reset_after: Seconds a connection must stay up before the attempt count is reset.

    Raises:
        JuniperCascorConfigurationError: When a value is out of range, ``nan`` or infinite,
            or is not a number (a bool is not one); the message names the field and value.
    """

    initial_delay: float = DEFAULT_BACKOFF_FACTOR
    max_delay: float = DEFAULT_MAX_BACKOFF
    multiplier: float = DEFAULT_BACKOFF_MULTIPLIER
    max_attempts: int | None = None
    jitter: Jitter = "full"
    reset_after: float = DEFAULT_RECONNECT_RESET_AFTER

    def __post_init__(self) -> None:
        non_negative_number("ReconnectPolicy.initial_delay", self.initial_delay)
        non_negative_number("ReconnectPolicy.max_delay", self.max_delay, minimum=self.initial_delay)
        non_negative_number("ReconnectPolicy.multiplier", self.multiplier, minimum=1.0)
        positive_int("ReconnectPolicy.max_attempts", self.max_attempts, allow_none=True)
        one_of("ReconnectPolicy.jitter", self.jitter, ("full", "none"))
        non_negative_number("ReconnectPolicy.reset_after", self.reset_after)

    def bound(self, attempt: int) -> float:
        """Return the upper bound of the delay before ``attempt`` (1-based)."""
        return backoff_ceiling(
            _retry_index(attempt), self.initial_delay, self.max_delay, multiplier=self.multiplier
        )

    def delay(self, attempt: int, rng: random.Random | None = None) -> float:
        """Return the delay before ``attempt`` (1-based), jittered as configured.

        ``rng`` is the source of the jitter (the ``random`` module's by default).
        """
        if self.jitter == "none":
            return self.bound(attempt)
        return backoff_delay(
            _retry_index(attempt),
            self.initial_delay,
            self.max_delay,
            random.random if rng is None else rng.random,
            multiplier=self.multiplier,
        )


def _retry_index(attempt: int) -> int:
    """The 0-based retry index of the backoff functions for a 1-based ``attempt``."""
    return max(attempt - 1, 0)


class Backoff:
    """The attempt counter of one stream, walking a :class:`ReconnectPolicy`.

    Args:
        policy: The policy to follow.
        rng: Source of jitter (a seeded ``random.Random`` makes delays reproducible).
    """

    __slots__ = ("_rng", "attempts", "policy")

    def __init__(self, policy: ReconnectPolicy, rng: random.Random | None = None) -> None:
        self.policy = policy
        self._rng = rng
        self.attempts = 0

    @property
    def exhausted(self) -> bool:
        """Whether ``max_attempts`` attempts have been made since the last reset."""
        limit = self.policy.max_attempts
        return limit is not None and self.attempts >= limit

    def next_delay(self) -> float | None:
        """Count one more attempt and return the delay before it, or ``None`` when exhausted."""
        if self.exhausted:
            return None
        self.attempts += 1
        return self.policy.delay(self.attempts, self._rng)

    def connection_ended(self, uptime: float) -> None:
        """Reset the attempt count when a connection stayed up for ``reset_after`` seconds."""
        if uptime >= self.policy.reset_after:
            self.attempts = 0
