"""A step-wise, sans-I/O Cascade-Correlation learner (Fahlman and Lebiere, 1990).

The caller drives it: ``output_epoch()`` trains the output weights for one epoch on the current
units (inputs, bias, installed hidden units); when the outputs stall, ``needs_candidates`` turns
true, the caller trains the pool from ``candidate_tasks()`` (in process with ``train_candidate``
or on remote workers) and hands the results to ``install_best()``, which installs the best unit
with frozen weights. This repeats until the target accuracy or loss is reached or a limit hits.
Everything is seeded: the same configuration and data give the same network.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any

import numpy as np
from numpy.typing import NDArray

from juniper_cascor_fake_server.learner.candidates import (
    CandidateResult,
    CandidateTask,
    train_candidate,
)
from juniper_cascor_fake_server.learner.datasets import Dataset
from juniper_cascor_fake_server.learner.network import CascadeNetwork, HiddenUnit, with_bias
from juniper_cascor_fake_server.learner.optim import Adam

__all__ = ["CascadeCorrelationLearner", "EpochMetrics", "LearnerConfig", "Outcome", "evaluate"]

FloatArray = NDArray[np.float64]
_IMPROVEMENT = 0.01


@dataclass(frozen=True)
class LearnerConfig:
    """Hyper-parameters; the names follow the REST ``POST /network`` body."""

    learning_rate: float = 0.05
    candidate_learning_rate: float = 0.05
    max_hidden_units: int = 30
    candidate_pool_size: int = 8
    correlation_threshold: float = 0.0
    patience: int = 25
    candidate_epochs: int = 300
    output_epochs: int = 400
    max_epochs: int = 50_000
    loss_threshold: float = 0.0
    target_accuracy: float = 1.0
    score_threshold: float = 0.4
    activation: str = "tanh"
    seed: int = 0


class Outcome(StrEnum):
    """Why a learner stopped."""

    CONVERGED = "converged"
    UNIT_LIMIT = "unit_limit"
    EPOCH_LIMIT = "epoch_limit"
    NO_CORRELATION = "no_correlation"


@dataclass(frozen=True)
class EpochMetrics:
    """The metrics of one output-training epoch, as the ``metrics`` frames carry them."""

    epoch: int
    train_loss: float
    train_accuracy: float
    val_loss: float | None
    val_accuracy: float | None
    hidden_units: int
    phase: str

    def to_dict(self) -> dict[str, Any]:
        """The metrics as a JSON-ready dict."""
        return asdict(self)


def evaluate(outputs: FloatArray, targets: FloatArray) -> tuple[float, float]:
    """``(mean squared error, accuracy)``; one output is thresholded at 0.5, several use argmax."""
    loss = float(np.mean((outputs - targets) ** 2))
    if outputs.shape[1] == 1:
        hits = (outputs[:, 0] > 0.5) == (targets[:, 0] > 0.5)
    else:
        hits = np.argmax(outputs, axis=1) == np.argmax(targets, axis=1)
    return loss, float(np.mean(hits))


class CascadeCorrelationLearner:
    """Grows and trains a ``CascadeNetwork`` on one data set, one step at a time."""

    def __init__(
        self,
        config: LearnerConfig,
        train: Dataset,
        validation: Dataset | None = None,
        network: CascadeNetwork | None = None,
    ) -> None:
        self.config = config
        self.train = train
        self.validation = validation
        self._rng = np.random.default_rng(config.seed)
        self.network = network or CascadeNetwork(train.input_size, train.output_size, self._rng)
        self.epoch = 0
        self.outcome: Outcome | None = None
        self.needs_candidates = False
        self._phase_epochs = 0
        self._best_loss = float("inf")
        self._stalled = 0
        self._worst_error = float("inf")
        self._refresh_features()

    @property
    def done(self) -> bool:
        """Whether training has finished (``outcome`` says why)."""
        return self.outcome is not None

    def _refresh_features(self) -> None:
        self._features = with_bias(self.network.features(self.train.x))
        self._optimiser = Adam(self.network.output_weights.shape, self.config.learning_rate)
        self._phase_epochs, self._best_loss, self._stalled = 0, float("inf"), 0

    def reconfigure(self, **changes: Any) -> None:
        """Apply runtime-safe parameter changes (e.g. ``max_hidden_units``, ``patience``)."""
        self.config = _replace(self.config, **changes)
        self._optimiser.learning_rate = self.config.learning_rate

    def output_epoch(self) -> EpochMetrics:
        """Train the output weights for one epoch and decide what comes next.

        Raises:
            RuntimeError: when training is done or candidates are due.
        """
        if self.done or self.needs_candidates:
            raise RuntimeError("no output epoch is due")
        weights = self.network.output_weights
        outputs = self.network.outputs_from_features(self._features)
        delta = (outputs - self.train.y) * outputs * (1.0 - outputs)
        self.network.output_weights = weights + self._optimiser.step(
            self._features.T @ delta / len(self.train)
        )
        self.epoch += 1
        self._phase_epochs += 1
        metrics = self._metrics()
        self._decide(metrics)
        return metrics

    def _metrics(self) -> EpochMetrics:
        outputs = self.network.outputs_from_features(self._features)
        train_loss, train_accuracy = evaluate(outputs, self.train.y)
        self._worst_error = float(np.max(np.abs(outputs - self.train.y), initial=0.0))
        val_loss = val_accuracy = None
        if self.validation is not None:
            val_loss, val_accuracy = evaluate(
                self.network.predict(self.validation.x), self.validation.y
            )
        return EpochMetrics(
            self.epoch,
            train_loss,
            train_accuracy,
            val_loss,
            val_accuracy,
            len(self.network.hidden),
            "output",
        )

    def _decide(self, metrics: EpochMetrics) -> None:
        config = self.config
        if metrics.train_loss < self._best_loss * (1.0 - _IMPROVEMENT):
            self._best_loss, self._stalled = metrics.train_loss, 0
        else:
            self._stalled += 1
        # Fahlman's "score threshold": accuracy only counts once every output is within
        # score_threshold of its target, so a converged network has a real margin.
        if (
            metrics.train_accuracy >= config.target_accuracy
            and self._worst_error < config.score_threshold
        ) or metrics.train_loss <= config.loss_threshold:
            self.outcome = Outcome.CONVERGED
        elif self.epoch >= config.max_epochs:
            self.outcome = Outcome.EPOCH_LIMIT
        elif self._stalled >= config.patience or self._phase_epochs >= config.output_epochs:
            if len(self.network.hidden) >= config.max_hidden_units:
                self.outcome = Outcome.UNIT_LIMIT
            else:
                self.needs_candidates = True

    def candidate_tasks(self) -> list[CandidateTask]:
        """The pool of candidate tasks for the next unit, each with its own derived seed."""
        outputs = self.network.outputs_from_features(self._features)
        residual = (outputs - self.train.y) * outputs * (1.0 - outputs)
        candidate_input = np.ascontiguousarray(self._features[:, :-1])
        unit = len(self.network.hidden)
        tasks = []
        for index in range(self.config.candidate_pool_size):
            state = np.random.SeedSequence([self.config.seed, unit, index]).generate_state(4)
            tasks.append(
                CandidateTask(
                    candidate_index=index,
                    candidate_uuid=str(uuid.UUID(bytes=state.astype("<u4").tobytes())),
                    seed=int(state[0]),
                    activation=self.config.activation,
                    epochs=self.config.candidate_epochs,
                    learning_rate=self.config.candidate_learning_rate,
                    patience=self.config.patience,
                    candidate_input=candidate_input,
                    residual_error=residual,
                    targets=self.train.y,
                )
            )
        return tasks

    def install_best(self, results: list[CandidateResult]) -> HiddenUnit | None:
        """Install the candidate with the largest covariance score; ``None`` ends training.

        Training ends (``Outcome.NO_CORRELATION``) when no result reaches the configured
        ``correlation_threshold``.

        Raises:
            ValueError: when ``results`` is empty or a result does not fit the network.
        """
        if not results:
            raise ValueError("no candidate results")
        best = max(results, key=lambda r: (r.numerator, -r.candidate_index))
        self.needs_candidates = False
        if best.correlation < self.config.correlation_threshold:
            self.outcome = Outcome.NO_CORRELATION
            return None
        unit = HiddenUnit(
            index=len(self.network.hidden),
            weights=best.weights,
            bias=best.bias,
            activation=best.activation,
            correlation=best.correlation,
            installed_at_epoch=self.epoch,
        )
        self.network.install(unit, self._rng)
        self._refresh_features()
        return unit

    def run(self) -> Outcome:
        """Train to the end in process (scenarios and tests); returns the outcome."""
        while self.outcome is None:
            if self.needs_candidates:
                self.install_best([train_candidate(task) for task in self.candidate_tasks()])
            else:
                self.output_epoch()
        return self.outcome


def _replace(config: LearnerConfig, **changes: Any) -> LearnerConfig:
    values = asdict(config)
    values.update(changes)
    return LearnerConfig(**values)
