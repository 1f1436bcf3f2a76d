"""A small Adam optimiser used for both output and candidate training (ascent or descent)."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

__all__ = ["Adam"]

_BETA1 = 0.9
_BETA2 = 0.999
_EPSILON = 1e-8


class Adam:
    """Adam (Kingma and Ba, 2015) over one parameter array; ``step`` returns the update."""

    def __init__(self, shape: tuple[int, ...], learning_rate: float) -> None:
        self.learning_rate = learning_rate
        self._m = np.zeros(shape)
        self._v = np.zeros(shape)
        self._t = 0

    def step(self, gradient: NDArray[np.float64]) -> NDArray[np.float64]:
        """The update to add for a descent step along ``gradient`` (negate it for ascent)."""
        self._t += 1
        self._m = _BETA1 * self._m + (1.0 - _BETA1) * gradient
        self._v = _BETA2 * self._v + (1.0 - _BETA2) * gradient * gradient
        m_hat = self._m / (1.0 - _BETA1**self._t)
        v_hat = self._v / (1.0 - _BETA2**self._t)
        update: NDArray[np.float64] = -self.learning_rate * m_hat / (np.sqrt(v_hat) + _EPSILON)
        return update
