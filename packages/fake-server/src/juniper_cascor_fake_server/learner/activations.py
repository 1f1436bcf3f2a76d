"""Unit activations by name, with their derivatives expressed through the activation value."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

__all__ = ["ACTIVATIONS", "Activation", "activation_by_name", "sigmoid"]

FloatArray = NDArray[np.float64]


def sigmoid(net: FloatArray) -> FloatArray:
    """The logistic function, computed without overflow."""
    out: FloatArray = 0.5 * (1.0 + np.tanh(0.5 * net))
    return out


def _tanh(net: FloatArray) -> FloatArray:
    out: FloatArray = np.tanh(net)
    return out


def _tanh_prime(value: FloatArray) -> FloatArray:
    out: FloatArray = 1.0 - value * value
    return out


def _sigmoid_prime(value: FloatArray) -> FloatArray:
    out: FloatArray = value * (1.0 - value)
    return out


@dataclass(frozen=True)
class Activation:
    """A named activation ``f`` and ``f'`` as a function of ``f``'s value."""

    name: str
    forward: Callable[[FloatArray], FloatArray]
    prime_from_value: Callable[[FloatArray], FloatArray]


ACTIVATIONS: dict[str, Activation] = {
    "tanh": Activation("tanh", _tanh, _tanh_prime),
    "sigmoid": Activation("sigmoid", sigmoid, _sigmoid_prime),
}


def activation_by_name(name: str) -> Activation:
    """The activation called ``name`` (``tanh`` or ``sigmoid``).

    Raises:
        KeyError: when the name is unknown.
    """
    return ACTIVATIONS[name]
