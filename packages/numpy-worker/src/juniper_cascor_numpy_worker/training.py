"""One candidate unit's training, epoch by epoch, as the torch worker computes it.

Each epoch (full batch, float32):

1. ``y = act(sum(x * w, dim=1) + b)``.
2. For each output column ``j``, with ``oc = y - mean(y)`` and ``ec_j`` the centred residual:
   ``corr_j = |<oc, ec_j>| / (||oc|| * ||ec_j|| + 1e-8)`` (the division in float64 from the
   float32 numerator and denominator), clamped to 1, and 0 when the denominator is below 1e-7
   or NaN. The best column is the first with the largest ``|corr_j|``.
3. One gradient step on ``-|<oc, ec_j>| / (||oc|| * ||ec_j|| + 1e-8)`` for the best column:
   ``w -= lr * dL/dw``, ``b -= lr * dL/db``. The gradient is the analytic one, computed in the
   order torch's autograd computes it (the bias and weights of the step are those the
   correlations were measured with).
4. Early stopping: an epoch improves when its ``|corr|`` exceeds the best so far (starting at 0)
   by more than 1e-3; training stops after 50 epochs in a row without one.

A final forward pass gives the reported correlations, numerator, denominator and centred
vectors. The sums, dot products and norms add in torch's order (``reductions``), so on tiny,
chaotic problems the trajectory matches the torch worker's bit for bit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from juniper_cascor_numpy_worker.activations import Activation
from juniper_cascor_numpy_worker.float32_ops import Float32Array
from juniper_cascor_numpy_worker.reductions import (
    column_sums,
    contiguous_sum,
    dot,
    row_sums,
    strided_sum,
    vector_norm,
)

__all__ = ["Correlations", "TrainedUnit", "train_unit"]

_F = np.float32
_EPSILON = _F(1e-8)  # added to the denominator
_TINY_DENOMINATOR = _F(1e-7)  # below it the correlation is 0
_PATIENCE = 50
_MIN_IMPROVEMENT = 1e-3


@dataclass(frozen=True)
class Correlations:
    """One forward pass's correlations against every output column.

    Attributes:
        values: ``|corr_j|`` per column (Python floats, float64 division).
        best: The first column with the largest value.
        numerator: ``<oc, ec_best>`` (a float32 value), 0.0 when the denominator is too small.
        denominator: ``||oc|| * ||ec_best|| + 1e-8`` (float32), 1e-8 when too small.
        centred_output: ``oc`` [N].
        centred_error: ``ec_best`` [N].
    """

    values: tuple[float, ...]
    best: int
    numerator: float
    denominator: float
    centred_output: Float32Array
    centred_error: Float32Array


@dataclass(frozen=True)
class TrainedUnit:
    """What training produced.

    Attributes:
        weights: float32 [input_size].
        bias: float32 [1].
        correlations: The final forward pass's correlations.
        epochs_completed: Epochs trained (fewer than asked when stopped early).
    """

    weights: Float32Array
    bias: Float32Array
    correlations: Correlations
    epochs_completed: int


class _Pass(NamedTuple):
    """A correlation pass: its result and the raw float32 values of its best column."""

    correlations: Correlations
    numerator: np.float32
    denominator: np.float32
    output_norm: np.float32


class _Problem:
    """A task's fixed tensors, with what every epoch reuses computed once."""

    def __init__(self, inputs: Float32Array, residual_error: Float32Array) -> None:
        self.inputs = inputs
        self.inputs_transposed = np.ascontiguousarray(inputs.T)
        rows, columns = residual_error.shape
        self.rows = _F(rows)
        # residual_error[:, j] is a strided view unless there is a single column.
        column_sum = strided_sum if columns > 1 else contiguous_sum
        self.centred_error: Float32Array = residual_error - column_sum(residual_error) / self.rows
        self.error_columns = [np.ascontiguousarray(column) for column in self.centred_error.T]
        self.error_norms = np.array([vector_norm(column) for column in self.error_columns], _F)


def _output(
    problem: _Problem, activation: Activation, weights: Float32Array, bias: Float32Array
) -> tuple[Float32Array, Float32Array]:
    """``(z, act(z))`` for the current weights."""
    z: Float32Array = row_sums(problem.inputs_transposed * weights[:, np.newaxis]) + bias
    return z, activation.forward(z)


def _correlations(problem: _Problem, output: Float32Array) -> _Pass:
    """The correlations of ``output`` against every column, with what the step reuses."""
    centred: Float32Array = output - contiguous_sum(output) / problem.rows
    numerators = dot(centred, problem.centred_error)
    output_norm = vector_norm(centred)
    denominators: Float32Array = output_norm * problem.error_norms + _EPSILON
    degenerate = (denominators < _TINY_DENOMINATOR) | np.isnan(denominators)
    values = [
        0.0 if bad else min(abs(numerator / denominator), 1.0)
        for numerator, denominator, bad in zip(
            numerators.tolist(), denominators.tolist(), degenerate.tolist(), strict=True
        )
    ]
    best = int(np.argmax(np.abs(np.array(values))))
    correlations = Correlations(
        values=tuple(values),
        best=best,
        numerator=0.0 if degenerate[best] else float(numerators[best]),
        denominator=1e-8 if degenerate[best] else float(denominators[best]),
        centred_output=centred,
        centred_error=problem.error_columns[best],
    )
    return _Pass(correlations, numerators[best], denominators[best], output_norm)


def _step(
    problem: _Problem, activation: Activation, z: Float32Array, output: Float32Array, done: _Pass
) -> tuple[Float32Array, Float32Array]:
    """``(dL/dw, dL/db)`` for ``L = -|numerator / denominator|`` of the best column."""
    column = done.correlations.best
    centred = done.correlations.centred_output
    error = problem.error_columns[column]
    error_norm = problem.error_norms[column]
    output_norm = done.output_norm
    ratio = done.numerator / done.denominator
    denominator = done.denominator
    grad_ratio = -np.sign(ratio)
    grad_numerator = grad_ratio / denominator
    grad_output_norm = ((-grad_ratio) * (ratio / denominator)) * error_norm
    grad_centred: Float32Array = grad_numerator * error
    if output_norm != 0:  # the norm's gradient is 0 where the norm is 0
        grad_centred = grad_centred + (centred / output_norm) * grad_output_norm
    grad_mean = contiguous_sum(-grad_centred)
    grad_output = grad_centred + grad_mean / problem.rows
    grad_z = activation.backward(z, output, grad_output)
    grad_weights = column_sums(grad_z[:, np.newaxis] * problem.inputs)
    grad_bias = contiguous_sum(grad_z).reshape(1)
    return grad_weights, grad_bias


def train_unit(
    inputs: Float32Array,
    residual_error: Float32Array,
    activation: Activation,
    weights: Float32Array,
    bias: Float32Array,
    *,
    epochs: int,
    learning_rate: float,
) -> TrainedUnit:
    """Train from ``(weights, bias)`` for at most ``epochs`` epochs.

    The arguments are float32 and already validated; non-finite values that training itself
    produces are the caller's to check.
    """
    problem = _Problem(inputs, residual_error)
    rate = _F(learning_rate)
    best_so_far = 0.0
    stalled = 0
    completed = 0
    with np.errstate(all="ignore"):
        for epoch in range(epochs):
            completed = epoch + 1
            z, output = _output(problem, activation, weights, bias)
            done = _correlations(problem, output)
            grad_weights, grad_bias = _step(problem, activation, z, output, done)
            weights = weights - rate * grad_weights
            bias = bias - rate * grad_bias
            current = done.correlations.values[done.correlations.best]
            if abs(current) > abs(best_so_far) + _MIN_IMPROVEMENT:
                best_so_far, stalled = current, 0
            else:
                stalled += 1
            if stalled >= _PATIENCE:
                break
        final = _correlations(problem, _output(problem, activation, weights, bias)[1])
    return TrainedUnit(
        weights=weights,
        bias=bias,
        correlations=final.correlations,
        epochs_completed=completed,
    )
