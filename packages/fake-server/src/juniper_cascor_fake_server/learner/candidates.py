"""Candidate training: one unit maximising the covariance of its output with the residual error.

For candidate value ``V_p`` and residual error ``E_po`` (pattern p, output o) the score is
``S = sum_o |sum_p (V_p - mean V)(E_po - mean E_o)|`` (Fahlman and Lebiere, 1990). Its gradient
with respect to an incoming weight ``w_i`` is ``sum_p sum_o s_o (E_po - mean E_o) f'_p I_pi`` with
``s_o`` the sign of output o's covariance; the candidate climbs it with Adam. The function is pure
and deterministic for a task's seed, so an in-process run and a remote worker agree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from juniper_cascor_fake_server.learner.activations import activation_by_name
from juniper_cascor_fake_server.learner.optim import Adam

__all__ = ["MAX_WEIGHT", "CandidateResult", "CandidateTask", "score_candidate", "train_candidate"]

FloatArray = NDArray[np.float64]
ProgressCallback = Callable[[int, float], None]

MAX_WEIGHT = 100.0
"""Candidate weights are clipped to this magnitude (the worker protocol rejects larger ones)."""

_IMPROVEMENT = 0.01


@dataclass(frozen=True)
class CandidateTask:
    """Everything needed to train one candidate: data, seed and training parameters."""

    candidate_index: int
    candidate_uuid: str
    seed: int
    activation: str
    epochs: int
    learning_rate: float
    patience: int
    candidate_input: FloatArray
    residual_error: FloatArray
    targets: FloatArray | None = None
    """The training targets (``y``); remote workers are sent them, training does not use them."""


@dataclass(frozen=True)
class CandidateResult:
    """A trained candidate: weights over the task's input columns, bias and its scores."""

    candidate_index: int
    candidate_uuid: str
    weights: FloatArray
    bias: float
    correlation: float
    numerator: float
    denominator: float
    all_correlations: tuple[float, ...]
    best_corr_idx: int
    epochs_completed: int
    activation: str


@dataclass(frozen=True)
class _Score:
    numerator: float
    denominator: float
    per_output: FloatArray
    signs: FloatArray


def _score(values: FloatArray, centred_error: FloatArray) -> _Score:
    centred_values = values - values.mean()
    covariance = centred_values @ centred_error
    norms = np.linalg.norm(centred_values) * np.linalg.norm(centred_error, axis=0)
    per_output = np.abs(covariance) / np.where(norms > 0.0, norms, 1.0)
    return _Score(
        numerator=float(np.abs(covariance).sum()),
        denominator=float(norms.sum()),
        per_output=per_output,
        signs=np.sign(covariance),
    )


def score_candidate(
    weights: FloatArray, bias: float, activation: str, task_input: FloatArray, error: FloatArray
) -> tuple[float, float, float]:
    """``(correlation, numerator, denominator)`` of a unit on the given data.

    ``correlation = numerator / denominator`` lies in [0, 1]: the summed absolute covariances
    over the summed products of standard deviations (times n).
    """
    values = activation_by_name(activation).forward(task_input @ weights + bias)
    score = _score(values, error - error.mean(axis=0))
    return _correlation(score), score.numerator, score.denominator


def _correlation(score: _Score) -> float:
    if score.denominator <= 0.0:
        return 0.0
    return min(1.0, score.numerator / score.denominator)


def train_candidate(
    task: CandidateTask, on_progress: ProgressCallback | None = None, progress_every: int = 25
) -> CandidateResult:
    """Train one candidate unit by gradient ascent on ``S``; stop early when ``S`` stalls.

    ``on_progress(epoch, correlation)`` is called every ``progress_every`` epochs.

    Raises:
        KeyError: when the task names an unknown activation.
        ValueError: when the task's arrays do not fit together.
    """
    activation = activation_by_name(task.activation)
    x, error = task.candidate_input, task.residual_error
    if x.ndim != 2 or error.ndim != 2 or x.shape[0] != error.shape[0]:
        raise ValueError("candidate_input and residual_error must be 2-D with equal rows")
    rng = np.random.default_rng(task.seed)
    params = rng.uniform(-1.0, 1.0, x.shape[1] + 1)
    inputs = np.hstack([x, np.ones((x.shape[0], 1))])
    centred_error = error - error.mean(axis=0)
    optimiser = Adam(params.shape, task.learning_rate)
    best, stalled, epoch = -1.0, 0, 0
    for epoch in range(1, task.epochs + 1):
        net = inputs @ params
        values = activation.forward(net)
        score = _score(values, centred_error)
        if score.numerator > best * (1.0 + _IMPROVEMENT):
            best, stalled = score.numerator, 0
        else:
            stalled += 1
        if on_progress is not None and epoch % progress_every == 0:
            on_progress(epoch, _correlation(score))
        if stalled >= task.patience:
            break
        delta = (centred_error @ score.signs) * activation.derivative(net, values)
        params = np.clip(params + optimiser.step(-(inputs.T @ delta)), -MAX_WEIGHT, MAX_WEIGHT)
    return _result(task, params, inputs, centred_error, epoch)


def _result(
    task: CandidateTask,
    params: FloatArray,
    inputs: FloatArray,
    centred_error: FloatArray,
    epochs: int,
) -> CandidateResult:
    score = _score(activation_by_name(task.activation).forward(inputs @ params), centred_error)
    return CandidateResult(
        candidate_index=task.candidate_index,
        candidate_uuid=task.candidate_uuid,
        weights=params[:-1].copy(),
        bias=float(params[-1]),
        correlation=_correlation(score),
        numerator=score.numerator,
        denominator=score.denominator,
        all_correlations=tuple(float(c) for c in score.per_output),
        best_corr_idx=int(np.argmax(score.per_output)),
        epochs_completed=epochs,
        activation=task.activation,
    )
