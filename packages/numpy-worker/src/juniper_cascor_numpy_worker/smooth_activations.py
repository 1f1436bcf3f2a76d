"""Smooth activations: tanh, sigmoid, softplus and exponential families, GELU and softmax.

Each value is rounded as torch rounds it where that is known: ``tanh`` is MKL's (computed here
in float64 and rounded, which matches it except in 0.05% of inputs); ``exp``, ``expm1`` and
``log1p`` are SLEEF's on the vectorised part of a kernel and the C library's on its tail
(``vector_math``); fused multiply-adds stand where torch's compiled kernels fuse. Sigmoid, SiLU,
ELU, CELU, SELU, Softplus, Mish and LogSigmoid then match torch bit for bit on their vectorised
part. Two are close but not bit-exact: GELU's vectorised ``erf`` is neither SLEEF's nor the
Abramowitz-Stegun polynomial (about 18% of outputs differ by an ulp or more; float64 ``erf``
rounded is used), and Softmax's sum of exponentials is added in an order not reproduced here.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from juniper_cascor_numpy_worker.activation_types import Pair
from juniper_cascor_numpy_worker.float32_ops import Float32Array, fma32
from juniper_cascor_numpy_worker.reductions import contiguous_sum
from juniper_cascor_numpy_worker.vector_math import (
    sleef_exp,
    sleef_expm1,
    sleef_log1p,
    sleef_tanh,
    torch_kernel,
)

__all__ = ["SMOOTH_ACTIVATIONS", "erf"]

_F = np.float32
_ONE = _F(1)
_ZERO = _F(0)


def _f64(function: Callable[[np.ndarray], np.ndarray], values: Float32Array) -> Float32Array:
    """``function`` evaluated in float64 and rounded to float32."""
    with np.errstate(over="ignore"):
        rounded: Float32Array = function(values.astype(np.float64)).astype(_F)
    return rounded


def _exp(values: Float32Array) -> Float32Array:
    return torch_kernel(sleef_exp, values)


def _log1p(values: Float32Array) -> Float32Array:
    return torch_kernel(sleef_log1p, values)


def _softplus_tanh(z: Float32Array) -> Float32Array:
    """``tanh(log1p(exp(z)))``, Mish's inner value."""
    return torch_kernel(sleef_tanh, _log1p(_exp(z)))


def _one_minus_square(values: Float32Array) -> Float32Array:
    """``1 - v*v`` rounded once (a fused multiply-add; float64 holds it exactly or rounds it
    where no float32 boundary lies)."""
    return (1.0 - np.square(values, dtype=np.float64)).astype(_F)


_ERF_SERIES_TERMS = 60
_ERF_FRACTION_DEPTH = 60
_ERF_SPLIT = 2.5


def erf(values: np.ndarray) -> np.ndarray:
    """The error function in float64, vectorised (absolute error below 1e-15).

    A positive-term series ``erf(x) = 2/sqrt(pi) exp(-x^2) sum (2x^2)^n x / (2n+1)!!`` below
    ``|x| = 2.5`` and Laplace's continued fraction for ``erfc`` above.
    """
    x = np.abs(np.asarray(values, np.float64))
    result = np.ones_like(x)
    near = x < _ERF_SPLIT
    small = x[near]
    term = small.copy()
    total = small.copy()
    for n in range(1, _ERF_SERIES_TERMS):
        term = term * (2 * small * small) / (2 * n + 1)
        total = total + term
    result[near] = 2 / math.sqrt(math.pi) * np.exp(-small * small) * total
    far = x[~near]
    fraction = far.copy()
    for k in range(_ERF_FRACTION_DEPTH, 0, -1):
        fraction = far + (k / 2) / fraction
    with np.errstate(under="ignore"):
        result[~near] = 1 - np.exp(-far * far) / (math.sqrt(math.pi) * fraction)
    signed: np.ndarray = np.copysign(result, values)
    return signed


# --- tanh family -------------------------------------------------------------------------


def _tanh(z: Float32Array) -> Float32Array:
    return _f64(np.tanh, z)


def _tanh_backward(z: Float32Array, y: Float32Array, grad: Float32Array) -> Float32Array:
    result: Float32Array = grad * _one_minus_square(y)
    return result


def _tanhshrink(z: Float32Array) -> Float32Array:
    result: Float32Array = z - _tanh(z)
    return result


def _tanhshrink_backward(z: Float32Array, y: Float32Array, grad: Float32Array) -> Float32Array:
    result: Float32Array = grad + (-grad) * _one_minus_square(_tanh(z))
    return result


# --- sigmoid family ----------------------------------------------------------------------


def _sigmoid(z: Float32Array) -> Float32Array:
    result: Float32Array = _ONE / (_exp(-z) + _ONE)
    return result


def _sigmoid_backward(z: Float32Array, y: Float32Array, grad: Float32Array) -> Float32Array:
    result: Float32Array = (grad * (_ONE - y)) * y
    return result


def _silu(z: Float32Array) -> Float32Array:
    result: Float32Array = z / (_ONE + _exp(-z))
    return result


def _silu_backward(z: Float32Array, y: Float32Array, grad: Float32Array) -> Float32Array:
    sigmoid = _sigmoid(z)
    result: Float32Array = (grad * sigmoid) * fma32(z, _ONE - sigmoid, _ONE)
    return result


def _logsigmoid(z: Float32Array) -> Float32Array:
    result: Float32Array = np.minimum(z, _ZERO) - _log1p(_exp(-np.abs(z)))
    return result


def _logsigmoid_backward(z: Float32Array, y: Float32Array, grad: Float32Array) -> Float32Array:
    buffer = _exp(-np.abs(z))
    negative = z < 0
    max_deriv = np.where(negative, _ONE, _ZERO)
    sign = np.where(negative, _ONE, -_ONE)
    result: Float32Array = grad * fma32(-sign, buffer / (_ONE + buffer), max_deriv)
    return result


# --- softplus family ---------------------------------------------------------------------

_SOFTPLUS_THRESHOLD = _F(20)


def _softplus(z: Float32Array) -> Float32Array:
    result: Float32Array = np.where(z > _SOFTPLUS_THRESHOLD, z, _log1p(_exp(z))).astype(_F)
    return result


def _softplus_backward(z: Float32Array, y: Float32Array, grad: Float32Array) -> Float32Array:
    exp = _exp(z)
    with np.errstate(invalid="ignore"):
        scaled = (grad * exp) / (exp + _ONE)
    result: Float32Array = np.where(z > _SOFTPLUS_THRESHOLD, grad, scaled).astype(_F)
    return result


def _mish(z: Float32Array) -> Float32Array:
    result: Float32Array = z * _softplus_tanh(z)
    return result


def _mish_backward(z: Float32Array, y: Float32Array, grad: Float32Array) -> Float32Array:
    sigmoid = _sigmoid(z)
    tanh_softplus = _softplus_tanh(z)
    result: Float32Array = grad * fma32(
        z * sigmoid, _one_minus_square(tanh_softplus), tanh_softplus
    )
    return result


# --- exponential linear units ------------------------------------------------------------


def _elu_pair(positive: float, negative: float) -> Pair:
    """ELU-shaped forward and backward: ``z * positive`` above 0, ``expm1(z) * negative``."""
    pos, neg = _F(positive), _F(negative)

    def forward(z: Float32Array) -> Float32Array:
        result: Float32Array = np.where(z <= 0, torch_kernel(sleef_expm1, z) * neg, z * pos).astype(
            _F
        )
        return result

    def backward(z: Float32Array, y: Float32Array, grad: Float32Array) -> Float32Array:
        with np.errstate(invalid="ignore"):
            below = (grad * neg) * _exp(z)
        result: Float32Array = np.where(z <= 0, below, grad * pos).astype(_F)
        return result

    return forward, backward


_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946

# --- GELU (erf-based) --------------------------------------------------------------------

_SQRT_HALF = _F(math.sqrt(0.5))
_GELU_BETA = _F(2 / math.sqrt(math.pi) * math.sqrt(0.5) * 0.5)


def _gelu_cdf_part(z: Float32Array) -> Float32Array:
    """``1 + erf(z / sqrt(2))`` with erf rounded to float32."""
    result: Float32Array = _ONE + _f64(erf, z * _SQRT_HALF)
    return result


def _gelu(z: Float32Array) -> Float32Array:
    result: Float32Array = (z * _F(0.5)) * _gelu_cdf_part(z)
    return result


def _gelu_backward(z: Float32Array, y: Float32Array, grad: Float32Array) -> Float32Array:
    cdf = _F(0.5) * _gelu_cdf_part(z)
    pdf = _exp((z * z) * _F(-0.5))
    result: Float32Array = grad * fma32(_GELU_BETA * z, pdf, cdf)
    return result


# --- softmax over the samples --------------------------------------------------------------


def _softmax(z: Float32Array) -> Float32Array:
    """Softmax across all samples: the torch worker applies ``Softmax(dim=1)`` to a vector,
    which it reads as the last (only) dimension."""
    shifted = _exp(z - np.max(z))
    result: Float32Array = shifted / contiguous_sum(shifted)
    return result


def _softmax_backward(z: Float32Array, y: Float32Array, grad: Float32Array) -> Float32Array:
    product: Float32Array = grad * y
    result: Float32Array = y * (grad - contiguous_sum(product))
    return result


_ELU = _elu_pair(1.0, 1.0)
SMOOTH_ACTIVATIONS: dict[str, Pair] = {
    "Tanh": (_tanh, _tanh_backward),
    "Tanhshrink": (_tanhshrink, _tanhshrink_backward),
    "Sigmoid": (_sigmoid, _sigmoid_backward),
    "SiLU": (_silu, _silu_backward),
    "LogSigmoid": (_logsigmoid, _logsigmoid_backward),
    "Softplus": (_softplus, _softplus_backward),
    "Mish": (_mish, _mish_backward),
    "ELU": _ELU,
    "CELU": _ELU,  # CELU with alpha 1 is ELU
    "SELU": _elu_pair(_SELU_SCALE, _SELU_ALPHA * _SELU_SCALE),
    "GELU": (_gelu, _gelu_backward),
    "Softmax": (_softmax, _softmax_backward),
}
