"""Exponential backoff with full jitter, the one wait rule of every retry (no I/O).

The REST client's retries, the streams' reconnections and ``connect(retries=...)`` all wait
this way, so they spread their attempts alike. The wait before retry ``attempt`` (counting from
0) is drawn uniformly from ``[0, ceiling)``, where the ceiling grows exponentially and is
capped::

    ceiling = min(cap, base * multiplier ** attempt)

"Full jitter" (the whole range, not a band around the ceiling) keeps clients that failed
together from retrying together, and never waits longer than the plain exponential backoff.

The functions take the random source as an argument (``rand``, a callable returning a float in
``[0, 1)``: ``random.random``, or a seeded ``random.Random().random``), so their results are
reproducible in tests. They do not check their arguments: each caller validates its own
options (with :mod:`juniper_cascor_client_core.options`), naming them as its users know them.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from juniper_cascor_client_core.defaults import DEFAULT_BACKOFF_MULTIPLIER

__all__ = ["backoff_ceiling", "backoff_delay"]


def backoff_ceiling(
    attempt: int, base: float, cap: float, *, multiplier: float = DEFAULT_BACKOFF_MULTIPLIER
) -> float:
    """Return the ceiling of the wait before retry ``attempt``: the exponential bound, capped.

    Args:
        attempt: How many retries came before this one (>= 0).
        base: The ceiling of the first wait, in seconds (>= 0).
        cap: The largest ceiling, in seconds (>= 0).
        multiplier: The growth of the ceiling from one retry to the next (>= 1).

    Returns:
        ``min(cap, base * multiplier ** attempt)``; ``cap`` when the power is too large for
        a float (``base`` > 0), so any attempt number is safe.
    """
    if base <= 0:
        return 0.0
    try:
        grown = base * multiplier**attempt
    except OverflowError:
        return cap
    return min(cap, grown)


def backoff_delay(
    attempt: int,
    base: float,
    cap: float,
    rand: Callable[[], float] = random.random,
    *,
    multiplier: float = DEFAULT_BACKOFF_MULTIPLIER,
) -> float:
    """Return the full-jitter wait before retry ``attempt`` (0 for the first retry).

    Args:
        attempt: How many retries came before this one (>= 0).
        base: The ceiling of the first wait, in seconds (>= 0).
        cap: The largest ceiling, in seconds (>= 0).
        rand: A source of uniform values in ``[0, 1)``.
        multiplier: The growth of the ceiling from one retry to the next (>= 1).

    Returns:
        ``backoff_ceiling(attempt, base, cap, multiplier=multiplier) * rand()`` seconds: a
        uniform draw from ``[0, ceiling)``.
    """
    return backoff_ceiling(attempt, base, cap, multiplier=multiplier) * rand()
