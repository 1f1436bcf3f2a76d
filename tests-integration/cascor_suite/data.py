"""The data sets the suite trains on, sent inline so a real server needs no built-in data."""

from __future__ import annotations

import math
from typing import Any

__all__ = [
    "XOR_EPOCHS",
    "XOR_ONE_HOT",
    "XOR_X",
    "inline_start",
    "two_spirals",
    "xor_class_at",
]

XOR_X = [[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]
XOR_ONE_HOT = [[1.0, 0.0], [0.0, 1.0], [0.0, 1.0], [1.0, 0.0]]
"""The quick start's XOR: two outputs, one-hot (class 1 where the inputs differ)."""

XOR_EPOCHS = 1000
"""Epoch budget for XOR runs; the fake server converges in a few dozen epochs."""

_SPIRAL_POINTS = 97
_SPIRAL_RADIUS = 6.5


def inline_start(x: list[list[float]], y: list[list[float]], epochs: int) -> dict[str, Any]:
    """Keyword arguments of ``start_training`` (and params of the ``start`` command)."""
    return {
        "dataset": {"source": "inline"},
        "inline_data": {"train_x": x, "train_y": y},
        "epochs": epochs,
    }


def xor_class_at(x: float, y: float) -> int:
    """The XOR class of an input point (1 when exactly one input is 1)."""
    return int(round(x) != round(y))


def two_spirals() -> tuple[list[list[float]], list[list[float]]]:
    """The classic 194-point two-spiral benchmark (Lang and Witbrock), inputs in [-1, 1].

    Returns:
        ``(x, y)``: the points and one 0/1 target column.
    """
    x: list[list[float]] = []
    y: list[list[float]] = []
    for i in range(_SPIRAL_POINTS):
        angle = i * math.pi / 16.0
        radius = (104 - i) / 104.0
        px, py = radius * math.sin(angle), radius * math.cos(angle)
        x.extend([[px, py], [-px, -py]])
        y.extend([[1.0], [0.0]])
    return x, y
