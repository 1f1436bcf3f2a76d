"""torch's default CPU random generator, reproduced for the draws a candidate's seeding makes.

Measured against torch 2.15 (``tools/capture_worker_goldens.py facts`` captures the real
``CandidateUnit``'s initial weights, which the tests compare bit for bit):

- ``torch.manual_seed(s)`` starts a 32-bit Mersenne Twister seeded as ``std::mt19937(s)``,
  the same state as numpy's legacy ``RandomState(s)``, with no cached normal.
- ``torch.randint(0, high, ())`` takes one 32-bit output when ``high < 2**32``, else two.
- ``torch.randn(n)`` for ``n < 16``: per element a float64 Box-Muller pair from two 53-bit
  uniforms (each built from two 32-bit outputs, the first one high); it returns
  ``r * cos(theta)`` and caches ``r * sin(theta)`` for the next element, even across calls.
  The transcendental functions are the C library's, as Python's ``math`` module calls them.
- ``torch.randn(n)`` for ``n >= 16``: ``n`` float32 uniforms of 24 bits, transformed 16 at a
  time (8 pairs) with float32 polynomial ``log``/``sincos`` approximations and fused
  multiply-adds (torch's AVX2/AVX-512 kernel; torch on a CPU without AVX2, such as most ARM
  machines, computes 40% of these values differently in their last bits); when ``n`` is not a
  multiple of 16, the last 16 values are redrawn from 16 new uniforms.
"""

from __future__ import annotations

import math

import numpy as np

from juniper_cascor_numpy_worker.float32_ops import Float32Array, fma32

__all__ = ["TorchCpuGenerator"]

_F = np.float32
_UINT32_RANGE = 1 << 32
_DOUBLE_MANTISSA = (1 << 53) - 1
_FLOAT_MANTISSA = (1 << 24) - 1
_VECTOR_NORMALS = 16  # randn lengths from which torch uses the vectorised kernel

# Cephes single-precision coefficients of the float32 log and sincos approximations.
_LOG_POLYNOMIAL = (
    7.0376836292e-2,
    -1.1514610310e-1,
    1.1676998740e-1,
    -1.2420140846e-1,
    1.4249322787e-1,
    -1.6668057665e-1,
    2.0000714765e-1,
    -2.4999993993e-1,
    3.3333331174e-1,
)
_LOG_Q1 = _F(-2.12194440e-4)
_LOG_Q2 = _F(0.693359375)
_SQRT_HALF = _F(0.707106781186547524)
_FOUR_OVER_PI = _F(1.27323954473516)
_PI_PARTS = (_F(-0.78515625), _F(-2.4187564849853515625e-4), _F(-3.77489497744594108e-8))
_COS_POLYNOMIAL = (2.443315711809948e-5, -1.388731625493765e-3, 4.166664568298827e-2)
_SIN_POLYNOMIAL = (-1.9515295891e-4, 8.3321608736e-3, -1.6666654611e-1)


def _horner(coefficients: tuple[float, ...], x: Float32Array) -> Float32Array:
    value = np.full_like(x, _F(coefficients[0]))
    for coefficient in coefficients[1:]:
        value = fma32(value, x, _F(coefficient))
    return value


def _log(x: Float32Array) -> Float32Array:
    """float32 natural log of positive normal values, as torch's vectorised kernel rounds it."""
    bits = x.view(np.int32)
    exponent = ((bits >> 23) - 0x7F).astype(_F) + _F(1)
    mantissa = ((bits & ~0x7F800000) | 0x3F000000).view(_F)  # in [0.5, 1)
    small = mantissa < _SQRT_HALF
    exponent = exponent - np.where(small, _F(1), _F(0))
    m = (mantissa - _F(1)) + np.where(small, mantissa, _F(0))
    z = m * m
    y = _horner(_LOG_POLYNOMIAL, m) * m
    y = fma32(y, z, exponent * _LOG_Q1)
    y = fma32(z, _F(-0.5), y)
    return fma32(exponent, _LOG_Q2, m + y)


def _sincos(x: Float32Array) -> tuple[Float32Array, Float32Array]:
    """float32 (sin, cos) of non-negative values, as torch's vectorised kernel rounds them."""
    octant = (x * _FOUR_OVER_PI).astype(np.int32)
    octant = (octant + 1) & ~1
    reduced = x
    for part in _PI_PARTS:
        reduced = fma32(octant.astype(_F), part, reduced)
    z = reduced * reduced
    cosine = fma32(_horner(_COS_POLYNOMIAL, z) * z, z, -(z * _F(0.5))) + _F(1)
    sine = fma32(_horner(_SIN_POLYNOMIAL, z) * z, reduced, reduced)
    swap = (octant & 2) != 0
    sin_sign = (octant & 4) << 29
    cos_sign = (~(octant - 2) & 4) << 29
    sin = (np.where(swap, cosine, sine).view(np.int32) ^ sin_sign).view(_F)
    cos = (np.where(swap, sine, cosine).view(np.int32) ^ cos_sign).view(_F)
    return sin, cos


class TorchCpuGenerator:
    """The state of ``torch.manual_seed(seed)`` and the draws made from it.

    Args:
        seed: The seed, ``0 <= seed < 2**32``.
    """

    def __init__(self, seed: int) -> None:
        # numpy's legacy seeding of an integer is std::mt19937's.
        legacy = np.random.RandomState(seed).get_state(legacy=False)
        self._bits = np.random.MT19937()
        self._bits.state = {"bit_generator": "MT19937", "state": legacy["state"]}
        self._cached_normal: float | None = None

    def _words(self, count: int) -> list[int]:
        words: list[int] = self._bits.random_raw(count).tolist()
        return words

    def discard_randint(self, count: int, high: int) -> None:
        """Advance as ``count`` calls of ``torch.randint(0, high, ())`` do."""
        self._bits.random_raw(count * (1 if high < _UINT32_RANGE else 2))

    def _standard_normal(self) -> float:
        if self._cached_normal is not None:
            value, self._cached_normal = self._cached_normal, None
            return value
        first, second, third, fourth = self._words(4)
        u1 = (((first << 32) | second) & _DOUBLE_MANTISSA) * 2.0**-53
        u2 = (((third << 32) | fourth) & _DOUBLE_MANTISSA) * 2.0**-53
        radius = math.sqrt(-2.0 * math.log1p(-u2))
        theta = 2.0 * math.pi * u1
        self._cached_normal = radius * math.sin(theta)
        return radius * math.cos(theta)

    def _uniforms(self, count: int) -> Float32Array:
        words = self._bits.random_raw(count) & _FLOAT_MANTISSA
        uniforms: Float32Array = (words * 2.0**-24).astype(_F)
        return uniforms

    @staticmethod
    def _box_muller_blocks(uniforms: Float32Array) -> Float32Array:
        """Normals from blocks of 16 uniforms: 8 (u1, u2) pairs each."""
        blocks = uniforms.reshape(-1, 2, 8)
        radius = np.sqrt(_F(-2) * _log(_F(1) - blocks[:, 0]))
        sin, cos = _sincos(_F(2 * math.pi) * blocks[:, 1])
        # The kernel's final fused ``n * std + mean`` (1 and 0) only turns -0.0 into +0.0.
        normals: Float32Array = np.stack([radius * cos, radius * sin], axis=1).reshape(-1)
        return normals + _F(0)

    def randn(self, count: int) -> Float32Array:
        """What ``torch.randn(count)`` returns (float32)."""
        if count < _VECTOR_NORMALS:
            return np.array([self._standard_normal() for _ in range(count)], dtype=_F)
        values = self._uniforms(count)
        whole = count - count % _VECTOR_NORMALS
        values[:whole] = self._box_muller_blocks(values[:whole])
        if whole < count:
            values[-_VECTOR_NORMALS:] = self._box_muller_blocks(self._uniforms(_VECTOR_NORMALS))
        return values
