"""``FullJitterBackoff``: how long to wait before the next connection attempt.

Exponential backoff with full jitter: attempt ``n`` (from 0) waits a uniform random time in
``[0, min(cap, base * 2**n)]``, so workers that lost the same server do not come back in step.
Pure logic, no sleeping: the connect loop asks for a delay and waits on its own stop event.
The clients share ``juniper_cascor_client_core.backoff``; a worker image installs no client
package (protocol-worker, numpy and websockets only), so the worker keeps this one of its own.
"""

from __future__ import annotations

import random

__all__ = ["FullJitterBackoff"]

_MAX_EXPONENT = 62  # 2**62 * any sane base is far past every cap; keeps the power finite


class FullJitterBackoff:
    """The delays of successive reconnection attempts.

    Args:
        base: Upper bound of the first delay, in seconds (> 0).
        cap: Largest upper bound of any delay, in seconds (>= ``base``).
        rng: The random source (a seeded ``random.Random`` makes delays reproducible).

    Raises:
        ValueError: When ``base`` is not positive or ``cap`` is below ``base``.
    """

    def __init__(self, base: float, cap: float, rng: random.Random | None = None) -> None:
        if not base > 0:
            raise ValueError(f"backoff base must be > 0, got {base}")
        if not cap >= base:
            raise ValueError(f"backoff cap must be >= base ({base}), got {cap}")
        self.base = base
        self.cap = cap
        self.attempts = 0
        self._rng = rng or random.Random()

    def ceiling(self) -> float:
        """The upper bound of the next delay: ``min(cap, base * 2**attempts)``."""
        return min(self.cap, self.base * 2.0 ** min(self.attempts, _MAX_EXPONENT))

    def next_delay(self) -> float:
        """Draw the next delay and count the attempt."""
        delay = self._rng.uniform(0.0, self.ceiling())
        self.attempts += 1
        return delay

    def reset(self) -> None:
        """Start over from the first delay (after a connection that registered)."""
        self.attempts = 0
