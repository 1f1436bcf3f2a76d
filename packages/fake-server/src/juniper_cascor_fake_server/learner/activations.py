"""Unit activations by name, each with its derivative.

Names follow the real server's TitleCase spelling (``Tanh``, ``Sigmoid``, ``ReLU``...); lookups
ignore case, so ``tanh`` and ``TANH`` find ``Tanh``, and ``Linear`` is another name of
``Identity``. Parameterised activations use their usual defaults (``LeakyReLU`` slope 0.01,
``ELU`` alpha 1, ``Softplus`` beta 1, ``Hardtanh`` on [-1, 1], exact ``GELU``).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

__all__ = ["ACTIVATIONS", "Activation", "activation_by_name", "sigmoid"]

FloatArray = NDArray[np.float64]
Derivative = Callable[[FloatArray, FloatArray], FloatArray]

_LEAK = 0.01
_SELU_SCALE = 1.0507009873554805
_SELU_ALPHA = 1.6732632423543772
_erf = np.vectorize(math.erf, otypes=[np.float64])


def sigmoid(net: FloatArray) -> FloatArray:
    """The logistic function, computed without overflow."""
    out: FloatArray = 0.5 * (1.0 + np.tanh(0.5 * net))
    return out


def _array(values: object) -> FloatArray:
    out: FloatArray = np.asarray(values, dtype=np.float64)
    return out


def _negative_expm1(net: FloatArray) -> FloatArray:
    """``exp(net) - 1`` for the non-positive part of ``net`` (0 elsewhere), without overflow."""
    return _array(np.expm1(np.minimum(net, 0.0)))


def _normal_cdf(net: FloatArray) -> FloatArray:
    return _array(0.5 * (1.0 + _erf(net / math.sqrt(2.0))))


@dataclass(frozen=True)
class Activation:
    """A named activation ``f`` and its derivative ``f'(net)`` given ``net`` and ``f(net)``."""

    name: str
    forward: Callable[[FloatArray], FloatArray]
    derivative: Derivative


def _define(
    name: str, forward: Callable[[FloatArray], object], derivative: Derivative
) -> Activation:
    return Activation(name, lambda net: _array(forward(net)), derivative)


_ALL = (
    _define("Tanh", np.tanh, lambda net, value: _array(1.0 - value * value)),
    _define("Sigmoid", sigmoid, lambda net, value: _array(value * (1.0 - value))),
    _define("ReLU", lambda net: np.maximum(net, 0.0), lambda net, value: _array(net > 0.0)),
    _define(
        "LeakyReLU",
        lambda net: np.where(net > 0.0, net, _LEAK * net),
        lambda net, value: _array(np.where(net > 0.0, 1.0, _LEAK)),
    ),
    _define(
        "ELU",
        lambda net: np.where(net > 0.0, net, _negative_expm1(net)),
        lambda net, value: _array(np.where(net > 0.0, 1.0, value + 1.0)),
    ),
    _define(
        "SELU",
        lambda net: _SELU_SCALE * np.where(net > 0.0, net, _SELU_ALPHA * _negative_expm1(net)),
        lambda net, value: _array(
            _SELU_SCALE * np.where(net > 0.0, 1.0, _SELU_ALPHA * (_negative_expm1(net) + 1.0))
        ),
    ),
    _define("Softplus", lambda net: np.logaddexp(0.0, net), lambda net, value: sigmoid(net)),
    _define(
        "GELU",
        lambda net: net * _normal_cdf(net),
        lambda net, value: _array(
            _normal_cdf(net) + net * np.exp(-0.5 * net * net) / math.sqrt(2.0 * math.pi)
        ),
    ),
    _define(
        "SiLU",
        lambda net: net * sigmoid(net),
        lambda net, value: _array(sigmoid(net) * (1.0 + net * (1.0 - sigmoid(net)))),
    ),
    _define(
        "Hardtanh",
        lambda net: np.clip(net, -1.0, 1.0),
        lambda net, value: _array(np.abs(net) < 1.0),
    ),
    _define("Identity", lambda net: net, lambda net, value: np.ones_like(net)),
    _define(
        "Softsign",
        lambda net: net / (1.0 + np.abs(net)),
        lambda net, value: _array(1.0 / (1.0 + np.abs(net)) ** 2),
    ),
    _define(
        "Tanhshrink",
        lambda net: net - np.tanh(net),
        lambda net, value: _array(np.tanh(net) ** 2),
    ),
)

ACTIVATIONS: dict[str, Activation] = {activation.name: activation for activation in _ALL}
"""Every activation by its canonical (TitleCase) name."""

_BY_FOLDED_NAME = {name.casefold(): activation for name, activation in ACTIVATIONS.items()}
_BY_FOLDED_NAME["linear"] = ACTIVATIONS["Identity"]


def activation_by_name(name: str) -> Activation:
    """The activation called ``name``, in any case (``Tanh``, ``tanh``, ``relu``, ``Linear``...).

    Raises:
        KeyError: when the name is unknown.
    """
    try:
        return _BY_FOLDED_NAME[name.casefold()]
    except KeyError:
        raise KeyError(f"unknown activation {name!r}") from None
