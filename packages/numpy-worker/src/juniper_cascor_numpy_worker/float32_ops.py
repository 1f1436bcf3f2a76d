"""float32 arithmetic that numpy does not offer directly: ordered sums and a fused multiply-add.

- ``sequential_sum``: ``((a0 + a1) + a2) + ...`` along axis 0, each addition rounded to float32.
  ``np.sum`` of a vector is pairwise, so a vector goes through ``np.add.accumulate``
  (sequential by definition); an array with further axes is reduced with ``np.add.reduce``
  over its C-contiguous copy, which adds whole rows in order (and is much faster than
  ``accumulate`` there). The unit tests pin both against an explicit loop.
- ``fma32`` / ``fma32_scalar``: ``a * b + c`` rounded once to float32, as the FMA instructions
  of a compiled kernel compute it. The product of two float32 values is exact in float64; the
  sum is rounded to odd in float64 and then to nearest float32, which gives the single
  rounding (float64 carries more than the two extra bits that requires).
"""

from __future__ import annotations

import math
import struct
from typing import TypeAlias

import numpy as np
import numpy.typing as npt

__all__ = ["Float32Array", "fma32", "fma32_scalar", "sequential_sum", "to_float32"]

Float32Array: TypeAlias = npt.NDArray[np.float32]


def sequential_sum(values: Float32Array) -> Float32Array:
    """Sum along axis 0 in order, rounding each addition to float32 (zeros when empty)."""
    rows = values.shape[0]
    if rows == 0:
        return np.zeros(values.shape[1:], np.float32)
    if values.size // rows < 2:
        single: Float32Array = np.add.accumulate(values, axis=0, dtype=np.float32)[-1]
        return single
    total: Float32Array = np.add.reduce(np.ascontiguousarray(values), axis=0, dtype=np.float32)
    return total


def fma32(a: npt.ArrayLike, b: npt.ArrayLike, c: npt.ArrayLike) -> Float32Array:
    """Elementwise ``a * b + c`` rounded once to float32 (arguments broadcast)."""
    with np.errstate(over="ignore", invalid="ignore"):
        product = np.multiply(a, b, dtype=np.float64)
        addend = np.asarray(c, np.float64)
        total = np.asarray(product + addend)
        # Two-sum: the exact rounding error of ``total``.
        shifted = total - product
        error = (product - (total - shifted)) + (addend - shifted)
        inexact_even = (error != 0) & np.isfinite(total) & ((total.view(np.int64) & 1) == 0)
        odd = np.nextafter(total, np.where(error > 0, np.inf, -np.inf))
        rounded: Float32Array = np.where(inexact_even, odd, total).astype(np.float32)
    return rounded


def to_float32(value: float) -> float:
    """``value`` rounded to the nearest float32 (infinite past float32's range)."""
    try:
        rounded: float = struct.unpack("<f", struct.pack("<f", value))[0]
    except OverflowError:
        return math.copysign(math.inf, value)
    return rounded


def fma32_scalar(a: float, b: float, c: float) -> float:
    """``a * b + c`` rounded once to float32, for float32 values held as Python floats."""
    product = a * b
    total = product + c
    if not math.isfinite(total):
        return to_float32(total)
    shifted = total - product
    error = (product - (total - shifted)) + (c - shifted)
    if error != 0 and struct.unpack("<q", struct.pack("<d", total))[0] & 1 == 0:
        total = math.nextafter(total, math.copysign(math.inf, error))
    return to_float32(total)
