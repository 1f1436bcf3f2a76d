"""Sums, dot products and norms in the order the torch worker's CPU kernels add.

float32 addition is not associative, so a sum's last bits depend on its order. On tiny
problems (XOR's four rows) candidate training is chaotic: a one-ulp difference in an early
epoch grows into a different unit within a few dozen epochs. Reproducing the torch worker
therefore means adding in its order. These orders were measured against torch 2.15 (MKL
2024.2) on x86-64 with AVX2/AVX-512, single-threaded, and are checked bit for bit on data
spread over many magnitudes, for every length up to 80 and many longer ones
(``tools/capture_worker_goldens.py facts`` captures torch's results for the tests):

- ATen's sum of a contiguous vector: below 8 elements, four interleaved partial sums (element
  ``i`` goes to sum ``i % 4``, the leftovers to sum 0) added in order; from 8 on, the same over
  8-float vectors, then the leftover scalars and the 8 lanes added one by one. Long runs go
  through a four-level cascade: blocks of ``b = 2**max(4, ceil(log2(rows)) // 4)`` rows summed
  on their own, then carried into the next level every ``b`` blocks.
- ATen's sum of a strided vector (one column of a matrix): the scalar form of the same.
- ATen's row sums of a matrix (``sum(dim=1)``): each row as a contiguous vector. Its column
  sums (``sum(dim=0)``, how autograd reduces the weight gradient): columns taken 4 at a time
  (32 once there are 8 or more) through the cascade alone, the rest like a strided vector.
- MKL's ``sdot``: 4 accumulators of 4 lanes over 16-element blocks, leftover 4-blocks to
  accumulators 0 and 1 in turn, leftover scalars to lane 0, then the accumulators added in
  order and the 4 lanes pairwise (shorter vectors have their own small kernels).
- ATen's 2-norm: squares accumulated in 8 lanes, the lanes added in order, then the leftover
  elements (the first four as rounded squares, the rest fused multiply-adds); ``sqrt``.

Multi-threaded torch splits dot products of 8192 elements or more, and sums of more than 32768,
across its threads, so on such sizes the torch worker's own last bits depend on its core count;
here they are always the single-threaded ones.

Every function reduces along axis 0 and treats further axes as independent lanes.
"""

from __future__ import annotations

import math

import numpy as np

from juniper_cascor_numpy_worker.float32_ops import Float32Array, fma32_scalar, sequential_sum

__all__ = ["column_sums", "contiguous_sum", "dot", "row_sums", "strided_sum", "vector_norm"]

_LANES = 8  # floats per vector in ATen's vectorised sum and norm kernels
_ILP = 4  # interleaved partial sums in ATen's sum kernels
_LEVELS = 4  # levels of ATen's cascade sum
_MKL_LANES = 4


def _ordered(*parts: Float32Array) -> Float32Array:
    """The sequential sum of ``parts`` joined along axis 0."""
    return sequential_sum(np.concatenate(parts))


def _block_sums(rows: Float32Array, step: int) -> Float32Array:
    """Each run of ``step`` rows summed in order (``rows`` holds a whole number of runs)."""
    lanes = rows.shape[1:]
    width = math.prod(lanes)
    runs = rows.reshape(rows.shape[0] // step, step, width).transpose(1, 0, 2)
    return sequential_sum(runs).reshape((-1, *lanes))


def _cascade(rows: Float32Array) -> Float32Array:
    """ATen's multi-level sum of ``rows`` along axis 0."""
    size = rows.shape[0]
    power = max(4, (size - 1).bit_length() // _LEVELS) if size > 1 else 4
    step = 1 << power
    blocks = size // step
    if blocks == 0:
        return sequential_sum(rows)
    # Level 0 sums each block of ``step`` rows from zero; levels 1 and 2 push their total up
    # every ``step`` additions; level 3 keeps everything; the levels are then added in order.
    level = _block_sums(rows[: blocks * step], step)
    tail = rows[blocks * step :]
    if blocks < step:  # only level 1 holds anything
        first = sequential_sum(level)
        return first if tail.shape[0] == 0 else sequential_sum(tail) + first
    carried = [sequential_sum(tail)]
    for _ in range(_LEVELS - 2):
        groups = level.shape[0] // step
        carried.append(sequential_sum(level[groups * step :]))
        level = _block_sums(level[: groups * step], step)
    carried.append(sequential_sum(level))
    return sequential_sum(np.stack(carried))


def _interleaved_sum(items: Float32Array) -> Float32Array:
    """ATen's sum with four interleaved partial sums (the scalar and per-vector kernel)."""
    rows = items.shape[0] // _ILP
    if rows == 0:
        return sequential_sum(items)
    partial = _cascade(items[: rows * _ILP].reshape((rows, _ILP, *items.shape[1:])))
    tail = items[rows * _ILP :]
    if tail.shape[0] == 0:
        return sequential_sum(partial)
    return _ordered(partial[:1], tail, partial[1:])


def contiguous_sum(values: Float32Array) -> Float32Array:
    """ATen's sum of contiguous float32 values along axis 0."""
    size = values.shape[0]
    if size < _LANES:
        return _interleaved_sum(values)
    vectors = size // _LANES
    # [vectors, lanes, batch] -> [vectors, batch, lanes]: each 8-float vector is one item.
    flat = values.reshape(size, math.prod(values.shape[1:]))
    blocks = flat[: vectors * _LANES].reshape(vectors, _LANES, -1).transpose(0, 2, 1)
    # The leftover scalars first, then the 8 lanes, one by one.
    total = _ordered(flat[vectors * _LANES :], _interleaved_sum(blocks).T)
    return total.reshape(values.shape[1:])


def strided_sum(values: Float32Array) -> Float32Array:
    """ATen's sum of a strided float32 vector (a column of a matrix) along axis 0."""
    return _interleaved_sum(values)


def row_sums(transposed: Float32Array) -> Float32Array:
    """ATen's ``matrix.sum(dim=1)`` given ``matrix.T`` ([columns, rows]): one sum per row."""
    if transposed.shape[0] < _LANES:
        return _interleaved_sum(transposed)
    return contiguous_sum(transposed)


def column_sums(matrix: Float32Array) -> Float32Array:
    """ATen's ``matrix.sum(dim=0)`` of a contiguous [rows, columns] matrix."""
    columns = matrix.shape[1]
    if columns == 1:
        return contiguous_sum(matrix[:, 0]).reshape(1)
    group = _ILP if columns < _LANES else _ILP * _LANES
    grouped = columns // group * group
    if grouped == columns:
        return _cascade(matrix)
    if grouped == 0:
        return _interleaved_sum(matrix)
    return np.concatenate([_cascade(matrix[:, :grouped]), _interleaved_sum(matrix[:, grouped:])])


def _pairwise4(lanes: Float32Array) -> Float32Array:
    total: Float32Array = (lanes[0] + lanes[2]) + (lanes[1] + lanes[3])
    return total


def dot(left: Float32Array, right: Float32Array) -> Float32Array:
    """MKL's single-threaded ``sdot`` of ``left`` with each column of ``right`` ([n] x [n, k])."""
    products: Float32Array = left[:, np.newaxis] * right
    size = products.shape[0]
    if size < 4:
        return sequential_sum(products)
    if size < 8:
        head = products[:4].copy()
        head[0] = _ordered(products[:1], products[4:])
        return _pairwise4(head)
    if size < 16:
        head = products[:8].copy()
        used = 8
        if size >= 12:
            head[:4] += products[8:12]
            used = 12
        head[0] = _ordered(head[:1], products[used:])
        return _pairwise4(head[:4] + head[4:])
    blocks = size // 16
    accumulators = sequential_sum(products[: blocks * 16].reshape(blocks, 4, _MKL_LANES, -1))
    used = blocks * 16
    for turn in range((size - used) // _MKL_LANES):
        accumulators[turn % 2] += products[used : used + _MKL_LANES]
        used += _MKL_LANES
    accumulators[0, 0] = _ordered(accumulators[0, :1], products[used:])
    return _pairwise4(sequential_sum(accumulators))


def vector_norm(values: Float32Array) -> np.float32:
    """ATen's 2-norm of a contiguous float32 vector."""
    size = values.shape[0]
    vectored = size - size % _LANES
    squares: Float32Array = values * values
    lanes = sequential_sum(squares[:vectored].reshape(-1, _LANES))
    rounded_tail = 4 if size - vectored >= 4 else 0
    total = _ordered(lanes, squares[vectored : vectored + rounded_tail])
    accumulated = float(total)
    for value in values[vectored + rounded_tail :].tolist():
        accumulated = fma32_scalar(value, value, accumulated)
    norm: np.float32 = np.sqrt(np.float32(accumulated))
    return norm
