"""The per-connection command rate limit of ``/ws/control``: a leaky bucket.

The bucket holds ``capacity`` tokens and refills ``refill_rate`` tokens per second (the real
server: 10 and 10/s). Each command frame takes one token; without one it is answered
``rate_limited`` with ``retry_after``, the seconds until a token is back, rounded to 0.1 s.
"""

from __future__ import annotations

import time
from collections.abc import Callable

__all__ = ["LeakyBucket"]


class LeakyBucket:
    """Tokens for commands, refilled continuously.

    Args:
        capacity: Tokens when full (and at the start).
        refill_rate: Tokens added per second.
        clock: Monotonic seconds (``time.monotonic`` by default).
    """

    def __init__(
        self, capacity: int, refill_rate: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.capacity, self.refill_rate = capacity, refill_rate
        self._clock = clock
        self._tokens = float(capacity)
        self._refilled_at = clock()

    def try_acquire(self) -> bool:
        """Take a token when one is there; whether the command may run."""
        now = self._clock()
        elapsed = now - self._refilled_at
        self._tokens = min(float(self.capacity), self._tokens + elapsed * self.refill_rate)
        self._refilled_at = now
        if self._tokens < 1.0:
            return False
        self._tokens -= 1.0
        return True

    def retry_after(self) -> float:
        """Seconds until a token is back, to 0.1 s (0.0 when one is there or none ever comes)."""
        if self._tokens >= 1.0 or self.refill_rate <= 0:
            return 0.0
        return round((1.0 - self._tokens) / self.refill_rate, 1)
