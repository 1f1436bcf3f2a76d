"""Ordered float32 sums, dot products, norms and fused multiply-adds against torch's.

``data/reductions.npz`` holds vectors of 92 lengths and matrices of 48 shapes, with values over
many magnitudes (so every summation order shows), and what torch computed from them
single-threaded (``tools/capture_worker_goldens.py facts``).
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from juniper_cascor_numpy_worker.float32_ops import fma32, fma32_scalar, sequential_sum
from juniper_cascor_numpy_worker.reductions import (
    column_sums,
    contiguous_sum,
    dot,
    row_sums,
    strided_sum,
    vector_norm,
)

TORCH = np.load(Path(__file__).parent / "data" / "reductions.npz")
LENGTHS = sorted(int(key[4:]) for key in TORCH.files if key.startswith("sums"))
SHAPES = sorted(
    tuple(int(side) for side in key[4:].split("x")) for key in TORCH.files if key.startswith("rows")
)


@pytest.mark.parametrize("length", LENGTHS)
def test_vector_reductions_equal_torch_bit_for_bit(length: int) -> None:
    v, w = TORCH[f"v{length}"], TORCH[f"w{length}"]
    ours = [
        contiguous_sum(v),
        strided_sum(w[:, 0]),
        dot(v, w[:, :1])[0],
        vector_norm(v),
    ]
    np.testing.assert_array_equal(np.array(ours, np.float32), TORCH[f"sums{length}"])


@pytest.mark.parametrize(("rows", "columns"), SHAPES)
def test_matrix_sums_equal_torch_bit_for_bit(rows: int, columns: int) -> None:
    matrix = TORCH[f"m{rows}x{columns}"]
    np.testing.assert_array_equal(
        row_sums(np.ascontiguousarray(matrix.T)), TORCH[f"rows{rows}x{columns}"]
    )
    np.testing.assert_array_equal(column_sums(matrix), TORCH[f"columns{rows}x{columns}"])


def test_the_data_reaches_every_kernel_path() -> None:
    assert LENGTHS[0] == 1  # from the scalar kernels...
    assert 20000 in LENGTHS  # ...up to the cascade's deeper levels
    assert {(1, 1), (200, 40)} <= set(SHAPES)


def test_dot_of_several_columns_is_each_columns_dot() -> None:
    rng = np.random.default_rng(1)
    left = rng.standard_normal(37).astype(np.float32)
    right = rng.standard_normal((37, 3)).astype(np.float32)
    together = dot(left, right)
    for column in range(3):
        assert together[column] == dot(left, right[:, column : column + 1])[0]


def test_contiguous_sum_of_a_matrix_sums_each_column_like_a_vector() -> None:
    rng = np.random.default_rng(2)
    matrix = (rng.standard_normal((300, 3)) * 1e3).astype(np.float32)
    batched = contiguous_sum(matrix)
    for column in range(3):
        assert batched[column] == contiguous_sum(np.ascontiguousarray(matrix[:, column]))


@pytest.mark.parametrize(
    "shape", [(1,), (7,), (8,), (1000,), (5, 1), (4, 3), (8, 1000), (31, 4, 8), (3, 2, 1)]
)
def test_sequential_sum_adds_in_order(shape: tuple[int, ...]) -> None:
    rng = np.random.default_rng(3)
    values = (rng.standard_normal(shape) * np.exp(rng.uniform(-8, 8, shape))).astype(np.float32)
    expected = values[0].copy()
    for row in values[1:]:
        expected = (expected + row).astype(np.float32)
    np.testing.assert_array_equal(sequential_sum(values), expected)


def test_sequential_sum_of_nothing_is_zero() -> None:
    np.testing.assert_array_equal(sequential_sum(np.zeros((0, 3), np.float32)), np.zeros(3))


def _round_to_float32(exact: Fraction) -> float:
    """The float32 nearest to ``exact``, ties to even (``float(exact)`` alone rounds twice)."""
    guess = np.float32(float(exact))
    neighbours = [
        np.nextafter(guess, np.float32(-np.inf)),
        guess,
        np.nextafter(guess, np.float32(np.inf)),
    ]

    def distance(value: np.float32) -> tuple[Fraction, int]:
        return abs(Fraction(float(value)) - exact), int(value.view(np.int32)) & 1

    return float(min(neighbours, key=distance))


def test_fma_rounds_once() -> None:
    rng = np.random.default_rng(4)
    a = rng.standard_normal(300).astype(np.float32)
    b = rng.standard_normal(300).astype(np.float32)
    c = (rng.standard_normal(300) * np.exp(rng.uniform(-30, 30, 300))).astype(np.float32)
    # a*b lands on a float32 midpoint and c, below float64's resolution there, decides it:
    # rounding to float64 first would drop c and round the tie to even (down) both times.
    a[:2] = b[:2] = np.float32(1 + 2**-12)
    c[:2] = np.float32(2**-60), np.float32(-(2**-60))
    ours = fma32(a, b, c)
    for i, (x, y, z) in enumerate(zip(a.tolist(), b.tolist(), c.tolist(), strict=True)):
        exact = _round_to_float32(Fraction(x) * Fraction(y) + Fraction(z))
        assert float(ours[i]) == exact == fma32_scalar(x, y, z)
    assert ours[0] > ours[1]


def test_fma_keeps_infinities_and_overflow() -> None:
    big = np.float32(3e38)
    assert fma32(big, np.float32(2), np.float32(0)) == np.inf
    assert fma32_scalar(float(big), 2.0, 0.0) == float("inf")
    assert np.isnan(fma32(np.float32(np.inf), np.float32(0), np.float32(1)))
    np.testing.assert_array_equal(fma32(np.ones(3, np.float32), 2, 1), [3, 3, 3])
