"""The handshake cooldown of ``/ws/control``: too many refused handshakes block an address.

Sans-I/O and clock-injectable. ``max_refusals`` refusals from one address within ``window``
seconds block it for ``block`` seconds; a blocked address is refused before anything else is
checked. The real server's defaults are 10 refusals, 60 s and 300 s.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

__all__ = ["HandshakeCooldown"]


class HandshakeCooldown:
    """Refusal history and blocks per client address.

    Args:
        max_refusals: Refusals within ``window`` that block an address.
        window: Seconds a refusal counts for.
        block: Seconds an address stays blocked.
        clock: Monotonic seconds (``time.monotonic`` by default).
    """

    def __init__(
        self,
        max_refusals: int = 10,
        window: float = 60.0,
        block: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_refusals, self.window, self.block = max_refusals, window, block
        self._clock = clock
        self._refusals: dict[str, deque[float]] = {}
        self._blocked_until: dict[str, float] = {}

    def blocked(self, address: str) -> bool:
        """Whether ``address`` is blocked right now (an expired block is forgotten)."""
        until = self._blocked_until.get(address)
        if until is None:
            return False
        if self._clock() < until:
            return True
        del self._blocked_until[address]
        return False

    def record_refusal(self, address: str) -> bool:
        """Count a refused handshake from ``address``; whether it is blocked from now on."""
        now = self._clock()
        self._forget_before(now - self.window)
        history = self._refusals.setdefault(address, deque(maxlen=self.max_refusals))
        history.append(now)
        if len(history) < self.max_refusals:
            return False
        self._blocked_until[address] = now + self.block
        del self._refusals[address]
        return True

    def _forget_before(self, cutoff: float) -> None:
        """Drop refusals older than ``cutoff`` (and addresses left with none)."""
        for address in list(self._refusals):
            history = self._refusals[address]
            while history and history[0] <= cutoff:
                history.popleft()
            if not history:
                del self._refusals[address]
