"""Inline data sets for the fake server's learner: XOR and the classic two spirals.

The two-spiral problem is the 194-point benchmark of Lang and Witbrock (1988) that Fahlman and
Lebiere used for Cascade-Correlation: 97 points per spiral, three turns, the second spiral the
first one rotated by 180 degrees.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

__all__ = ["Dataset", "dataset_by_name", "two_spirals", "xor"]

FloatArray = NDArray[np.float64]

_SPIRAL_POINTS = 97
_SPIRAL_RADIUS = 6.5


@dataclass(frozen=True)
class Dataset:
    """Inputs ``x`` of shape (n, input_size) and targets ``y`` of shape (n, output_size)."""

    name: str
    x: FloatArray
    y: FloatArray

    @property
    def input_size(self) -> int:
        """Number of input columns."""
        return int(self.x.shape[1])

    @property
    def output_size(self) -> int:
        """Number of target columns."""
        return int(self.y.shape[1])

    def __len__(self) -> int:
        return int(self.x.shape[0])

    def to_dict(self) -> dict[str, object]:
        """The data set as plain lists, as the REST dataset endpoints return it."""
        return {"name": self.name, "x": self.x.tolist(), "y": self.y.tolist()}


def xor() -> Dataset:
    """The four XOR points with one 0/1 target column."""
    x = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = np.array([[0.0], [1.0], [1.0], [0.0]])
    return Dataset("xor", x, y)


def two_spirals() -> Dataset:
    """The classic 194 two-spiral points, inputs scaled to [-1, 1], one 0/1 target column."""
    points: list[tuple[float, float]] = []
    labels: list[float] = []
    for i in range(_SPIRAL_POINTS):
        angle = i * math.pi / 16.0
        radius = _SPIRAL_RADIUS * (104 - i) / 104.0
        px, py = radius * math.sin(angle), radius * math.cos(angle)
        points.extend([(px, py), (-px, -py)])
        labels.extend([1.0, 0.0])
    x = np.array(points) / _SPIRAL_RADIUS
    y = np.array(labels).reshape(-1, 1)
    return Dataset("two_spiral", x, y)


_BUILTIN = {
    "xor": xor,
    "two_spiral": two_spirals,
    "two_spirals": two_spirals,
    "spiral": two_spirals,
}


def dataset_by_name(name: str) -> Dataset:
    """A built-in data set by name (``xor``, ``two_spiral``).

    Raises:
        KeyError: when the name is unknown.
    """
    return _BUILTIN[name]()
