"""Piecewise-linear activations: exact in float32, so equal to torch's bit for bit.

ReLU, LeakyReLU (slope 0.01), PReLU (its one learnable slope starts at 0.25 and the torch
worker never updates it), Hardtanh, ReLU6, Softshrink and Hardshrink (lambda 0.5), Threshold
(0.1, value 0), Hardsigmoid, Hardswish, Softsign and Identity. Each backward keeps torch's
choice at the kinks (``ReLU`` passes no gradient at 0, ``Hardtanh`` none at its bounds...).
"""

from __future__ import annotations

import numpy as np

from juniper_cascor_numpy_worker.activation_types import Pair
from juniper_cascor_numpy_worker.float32_ops import Float32Array

__all__ = ["PIECEWISE_ACTIVATIONS"]

_F = np.float32
_ONE = _F(1)
_ZERO = _F(0)


def _masked(keep: np.ndarray, grad: Float32Array) -> Float32Array:
    result: Float32Array = np.where(keep, grad, _ZERO).astype(_F)
    return result


def _identity(z: Float32Array) -> Float32Array:
    return z


def _identity_backward(z: Float32Array, y: Float32Array, grad: Float32Array) -> Float32Array:
    return grad


def _relu(z: Float32Array) -> Float32Array:
    result: Float32Array = np.maximum(z, _ZERO)
    return result


def _relu_backward(z: Float32Array, y: Float32Array, grad: Float32Array) -> Float32Array:
    return _masked(y > 0, grad)


def _leaky_pair(
    slope: float,
) -> Pair:
    """Leaky-ReLU-shaped forward and backward with the float32 ``slope`` below 0."""
    factor = _F(slope)

    def forward(z: Float32Array) -> Float32Array:
        result: Float32Array = np.where(z > 0, z, z * factor).astype(_F)
        return result

    def backward(z: Float32Array, y: Float32Array, grad: Float32Array) -> Float32Array:
        result: Float32Array = np.where(z > 0, grad, grad * factor).astype(_F)
        return result

    return forward, backward


def _clamp_pair(low: float, high: float) -> Pair:
    """Hardtanh-shaped forward and backward clamping to ``[low, high]``."""
    floor, ceiling = _F(low), _F(high)

    def forward(z: Float32Array) -> Float32Array:
        result: Float32Array = np.minimum(np.maximum(z, floor), ceiling)
        return result

    def backward(z: Float32Array, y: Float32Array, grad: Float32Array) -> Float32Array:
        return _masked((z > floor) & (z < ceiling), grad)

    return forward, backward


_SHRINK = _F(0.5)


def _softshrink(z: Float32Array) -> Float32Array:
    result: Float32Array = np.where(
        z > _SHRINK, z - _SHRINK, np.where(z < -_SHRINK, z + _SHRINK, _ZERO)
    ).astype(_F)
    return result


def _hardshrink(z: Float32Array) -> Float32Array:
    return _masked((z < -_SHRINK) | (z > _SHRINK), z)


def _shrink_backward(z: Float32Array, y: Float32Array, grad: Float32Array) -> Float32Array:
    return _masked((z < -_SHRINK) | (z > _SHRINK), grad)


_THRESHOLD = _F(0.1)


def _threshold(z: Float32Array) -> Float32Array:
    return _masked(z > _THRESHOLD, z)


def _threshold_backward(z: Float32Array, y: Float32Array, grad: Float32Array) -> Float32Array:
    return _masked(z > _THRESHOLD, grad)


def _softsign(z: Float32Array) -> Float32Array:
    denominator: Float32Array = np.abs(z) + _ONE
    result: Float32Array = z / denominator
    return result


def _softsign_backward(z: Float32Array, y: Float32Array, grad: Float32Array) -> Float32Array:
    denominator = np.abs(z) + _ONE
    result: Float32Array = grad / denominator + ((-grad) * (y / denominator)) * np.sign(z)
    return result


_THREE, _SIX = _F(3), _F(6)
_ONE_SIXTH = _F(1 / 6)


def _hardsigmoid(z: Float32Array) -> Float32Array:
    result: Float32Array = np.minimum(np.maximum(z + _THREE, _ZERO), _SIX) / _SIX
    return result


def _hardsigmoid_backward(z: Float32Array, y: Float32Array, grad: Float32Array) -> Float32Array:
    return _masked((z > -_THREE) & (z < _THREE), grad * _ONE_SIXTH)


def _hardswish(z: Float32Array) -> Float32Array:
    result: Float32Array = (z * np.minimum(np.maximum(z + _THREE, _ZERO), _SIX)) / _SIX
    return result


def _hardswish_backward(z: Float32Array, y: Float32Array, grad: Float32Array) -> Float32Array:
    middle = grad * ((z / _THREE) + _F(0.5))
    result: Float32Array = np.where(z <= -_THREE, _ZERO, np.where(z < _THREE, middle, grad))
    return result.astype(_F)


PIECEWISE_ACTIVATIONS: dict[str, Pair] = {
    "Identity": (_identity, _identity_backward),
    "ReLU": (_relu, _relu_backward),
    "LeakyReLU": _leaky_pair(0.01),
    "PReLU": _leaky_pair(0.25),
    "Hardtanh": _clamp_pair(-1.0, 1.0),
    "ReLU6": _clamp_pair(0.0, 6.0),
    "Hardsigmoid": (_hardsigmoid, _hardsigmoid_backward),
    "Hardswish": (_hardswish, _hardswish_backward),
    "Softshrink": (_softshrink, _shrink_backward),
    "Hardshrink": (_hardshrink, _shrink_backward),
    "Threshold": (_threshold, _threshold_backward),
    "Softsign": (_softsign, _softsign_backward),
}
