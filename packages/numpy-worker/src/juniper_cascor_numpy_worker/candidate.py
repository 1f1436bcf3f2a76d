"""The candidate computation: what one ``task_assign`` asks for and what training returns.

``train_candidate(CandidateTask) -> CandidateOutcome`` reproduces the torch worker
(juniper-cascor-worker 0.6.1 on juniper-cascor-model's ``CandidateUnit``): the same initial
weights (``seeding``), the same epochs, gradient steps and early stopping (``training``) with
float32 sums in torch's order (``reductions``), and the same reported fields. It raises
``CandidateError`` for a task that cannot be done (bad shapes or values, an unknown activation,
a seed the torch worker rejects) and for a result that would not pass the server's checks
(non-finite weights); the worker answers those with ``success: false``.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np

from juniper_cascor_numpy_worker.activations import activation_for
from juniper_cascor_numpy_worker.candidate_error import CandidateError
from juniper_cascor_numpy_worker.float32_ops import Float32Array
from juniper_cascor_numpy_worker.seeding import initial_parameters
from juniper_cascor_numpy_worker.training import train_unit

__all__ = ["CandidateError", "CandidateOutcome", "CandidateTask", "train_candidate"]

_FLOAT32_MAX = float(np.finfo(np.float32).max)


@dataclass(frozen=True)
class CandidateTask:
    """What one ``task_assign`` asks for.

    Attributes:
        inputs: ``candidate_input``, float32 [N, input_size].
        residual_error: float32 [N, outputs].
        activation_name: As the server sends it (``Tanh``, ``Sigmoid``, ``ReLU``...).
        candidate_index: The candidate's index in its pool (added to the seed).
        candidate_seed: The candidate's seed.
        epochs: Most epochs to train.
        learning_rate: The gradient step's size.
        random_value_scale: The initial weights' standard deviation.
        random_max_value: Sent by the server; the torch worker does not use it either.
        sequence_max_value: Bound of the seeding's discarded draws (10 when 0).
    """

    inputs: np.ndarray
    residual_error: np.ndarray
    activation_name: str
    candidate_index: int
    candidate_seed: int
    epochs: int
    learning_rate: float
    random_value_scale: float = 0.1
    random_max_value: int = 4294967295
    sequence_max_value: int = 100


@dataclass(frozen=True)
class CandidateOutcome:
    """A trained candidate, with the fields of the torch worker's ``task_result``.

    Attributes:
        correlation: The best column's ``|corr|`` after training, in [0, 1].
        all_correlations: Every column's ``|corr|``.
        best_corr_idx: The best column.
        numerator: Its float32 covariance ``<oc, ec>`` (0.0 when the denominator is tiny).
        denominator: Its float32 ``||oc|| * ||ec|| + 1e-8`` (1e-8 when tiny).
        epochs_completed: Epochs trained.
        weights: float32 [input_size].
        bias: float32 [1].
        norm_output: The centred output ``oc``, float32 [N].
        norm_error: The best column's centred residual ``ec``, float32 [N].
        training_duration: Seconds spent in ``train_candidate``.
    """

    correlation: float
    all_correlations: tuple[float, ...]
    best_corr_idx: int
    numerator: float
    denominator: float
    epochs_completed: int
    weights: np.ndarray
    bias: np.ndarray
    norm_output: np.ndarray
    norm_error: np.ndarray
    training_duration: float


def _integer(name: str, value: object, low: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise CandidateError(f"{name} must be an integer, got {value!r}")
    if low is not None and value < low:
        raise CandidateError(f"{name} must be at least {low}, got {value}")
    return value


def _real(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise CandidateError(f"{name} must be a number, got {value!r}")
    number = float(value)
    if not math.isfinite(number) or abs(number) > _FLOAT32_MAX:
        raise CandidateError(f"{name} must be a finite float32 value, got {value!r}")
    return number


def _matrix(name: str, value: object) -> Float32Array:
    if not isinstance(value, np.ndarray):
        raise CandidateError(f"{name} must be a numpy array, got {type(value).__name__}")
    if value.ndim != 2 or 0 in value.shape:
        raise CandidateError(f"{name} must be a non-empty 2-D array, got shape {value.shape}")
    if value.dtype.kind not in "fiu" or value.dtype.itemsize > 8:
        raise CandidateError(f"{name} must hold real numbers, got dtype {value.dtype}")
    with np.errstate(over="ignore"):
        matrix = np.ascontiguousarray(value, dtype=np.float32)
    if not np.isfinite(matrix).all():
        raise CandidateError(f"{name} holds NaN or infinite float32 values")
    return matrix


def _finite(name: str, array: Float32Array) -> Float32Array:
    if not np.isfinite(array).all():
        raise CandidateError(f"training diverged: the {name} are not finite")
    return array


def train_candidate(task: CandidateTask) -> CandidateOutcome:
    """Train the candidate ``task`` describes, as the torch worker would.

    Raises:
        CandidateError: When the task cannot be done: ``inputs`` or ``residual_error`` not
            non-empty finite 2-D arrays with the same number of rows; an unknown or
            unreproducible activation; a non-integer, negative or out-of-range epoch count,
            seed or ``sequence_max_value``; a non-finite learning rate or scale; or a
            training run whose weights or outputs end up non-finite.
    """
    started = time.perf_counter()
    inputs = _matrix("inputs", task.inputs)
    residual_error = _matrix("residual_error", task.residual_error)
    if residual_error.shape[0] != inputs.shape[0]:
        raise CandidateError(
            f"inputs have {inputs.shape[0]} rows but residual_error has {residual_error.shape[0]}"
        )
    if not isinstance(task.activation_name, str):
        raise CandidateError(f"activation_name must be a string, got {task.activation_name!r}")
    activation = activation_for(task.activation_name)
    epochs = _integer("epochs", task.epochs, low=0)
    learning_rate = _real("learning_rate", task.learning_rate)
    weights, bias = initial_parameters(
        candidate_seed=_integer("candidate_seed", task.candidate_seed),
        candidate_index=_integer("candidate_index", task.candidate_index),
        input_size=inputs.shape[1],
        random_value_scale=_real("random_value_scale", task.random_value_scale),
        sequence_max_value=_integer("sequence_max_value", task.sequence_max_value),
    )
    trained = train_unit(
        inputs,
        residual_error,
        activation,
        weights,
        bias,
        epochs=epochs,
        learning_rate=learning_rate,
    )
    final = trained.correlations
    return CandidateOutcome(
        correlation=final.values[final.best],
        all_correlations=final.values,
        best_corr_idx=final.best,
        numerator=final.numerator,
        denominator=final.denominator,
        epochs_completed=trained.epochs_completed,
        weights=_finite("weights", trained.weights),
        bias=_finite("bias", trained.bias),
        norm_output=_finite("outputs", final.centred_output),
        norm_error=final.centred_error,
        training_duration=time.perf_counter() - started,
    )
