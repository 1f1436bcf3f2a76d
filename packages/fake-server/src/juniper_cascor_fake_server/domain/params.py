"""Training parameters: the real server's request models and the values a network carries.

``TrainingParams`` holds every parameter ``GET /v1/training/params`` reports. The learner reads
the ones it implements (learning rates, pool size, unit and epoch limits, patience, activation);
the others are kept and echoed like the real server does, without changing how the fake trains
(its output layer always trains with Adam, for instance). The defaults are the fake learner's
own (they train XOR and the two spirals reliably), not the real engine's.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from juniper_cascor_fake_server.domain.validation import Spec
from juniper_cascor_fake_server.learner import LearnerConfig
from juniper_cascor_fake_server.learner.activations import activation_by_name

__all__ = [
    "NETWORK_MODEL",
    "START_PARAMS_MODEL",
    "UPDATE_MODEL",
    "NetworkParams",
    "TrainingParams",
    "canonical_activation",
    "network_params",
]

OPTIMIZERS = (
    "Adam",
    "AdamW",
    "SGD",
    "RMSprop",
    "NAdam",
    "RAdam",
    "Adamax",
    "Adagrad",
    "Adadelta",
    "Adafactor",
    "ASGD",
    "LBFGS",
    "Rprop",
    "Muon",
)
ACTIVATIONS = (
    "Identity",
    "Tanh",
    "Sigmoid",
    "ReLU",
    "LeakyReLU",
    "ELU",
    "SELU",
    "GELU",
    "Softmax",
    "Softplus",
    "Hardtanh",
    "Softshrink",
    "Tanhshrink",
    "tanh",
    "sigmoid",
    "relu",
)
"""The hidden-unit activations a request may name (the real server's list)."""

NETWORK_MODEL: dict[str, Spec] = {
    "input_size": Spec(int, ge=1),
    "output_size": Spec(int, ge=1),
    "learning_rate": Spec(float, gt=0),
    "candidate_learning_rate": Spec(float, gt=0),
    "max_hidden_units": Spec(int, ge=1),
    "candidate_pool_size": Spec(int, ge=1),
    "correlation_threshold": Spec(float, ge=0),
    "patience": Spec(int, ge=1),
    "candidate_epochs": Spec(int, ge=1),
    "output_epochs": Spec(int, ge=1),
    "max_iterations": Spec(int, ge=1),
    "init_output_weights": Spec(choices=("zero", "random")),
    "optimizer_type": Spec(choices=OPTIMIZERS),
    "activation_function_name": Spec(choices=ACTIVATIONS),
}
"""``POST /v1/network`` (``NetworkCreateRequest``; unknown keys are ignored)."""

UPDATE_MODEL: dict[str, Spec] = {
    "learning_rate": Spec(float, gt=0, le=10.0),
    "candidate_learning_rate": Spec(float, gt=0, le=10.0),
    "correlation_threshold": Spec(float, gt=0, le=1.0),
    "candidate_pool_size": Spec(int, ge=1, le=256),
    "max_hidden_units": Spec(int, ge=1, le=10_000),
    "epochs_max": Spec(int, ge=1),
    "max_iterations": Spec(int, ge=1),
    "patience": Spec(int, ge=1, le=100_000),
    "convergence_threshold": Spec(float, gt=0),
    "candidate_convergence_threshold": Spec(float, gt=0),
    "candidate_patience": Spec(int, ge=1, le=100_000),
    "candidate_epochs": Spec(int, ge=1, le=1_000_000),
    "output_epochs": Spec(int, ge=1, le=1_000_000),
    "init_output_weights": Spec(choices=("zero", "random")),
    "optimizer_type": Spec(choices=OPTIMIZERS),
    "activation_function_name": Spec(choices=ACTIVATIONS),
    "auto_snap_best": Spec(bool),
    "auto_snap_min_epochs": Spec(int, ge=0, le=1_000_000),
    "multi_candidate": Spec(bool),
    "candidate_selection": Spec(choices=("top", "random", "mixed")),
    "selected_candidates": Spec(int, ge=1, le=256),
    "top_candidates": Spec(int, ge=0, le=256),
    "random_candidates": Spec(int, ge=0, le=256),
}
"""``PATCH /v1/training/params`` and ``set_params`` (unknown keys are ignored)."""

START_PARAMS_MODEL: dict[str, Spec] = {
    "max_epochs": Spec(int, ge=1, le=1_000_000),
    "early_stopping": Spec(bool),
    **UPDATE_MODEL,
}
"""``params`` of ``POST /v1/training/start`` (unknown keys are refused)."""


def canonical_activation(name: str) -> str:
    """``name`` as the learner spells it (``tanh`` is ``Tanh``); unknown names are kept."""
    try:
        return activation_by_name(name).name
    except KeyError:
        return name


@dataclass(frozen=True)
class TrainingParams:
    """The parameters of a network, named as ``GET /v1/training/params`` reports them."""

    learning_rate: float = 0.05
    candidate_learning_rate: float = 0.05
    max_hidden_units: int = 30
    max_iterations: int = 1000
    patience: int = 25
    candidate_pool_size: int = 8
    correlation_threshold: float = 0.0
    convergence_threshold: float = 0.001
    candidate_patience: int = 50
    candidate_convergence_threshold: float = 0.001
    candidate_epochs: int = 300
    output_epochs: int = 400
    init_output_weights: str = "random"
    optimizer_type: str = "Adam"
    activation_function_name: str = "Tanh"
    auto_snap_best: bool = False
    auto_snap_min_epochs: int = 50
    multi_candidate: bool = False
    candidate_selection: str = "top"
    selected_candidates: int = 1
    top_candidates: int = 1
    random_candidates: int = 0

    @property
    def epochs_max(self) -> int:
        """The derived epoch cap: one output pass plus one candidate and output pass per unit."""
        iterations = min(self.max_iterations, self.max_hidden_units)
        return self.output_epochs + iterations * (self.candidate_epochs + self.output_epochs)

    def to_dict(self) -> dict[str, Any]:
        """``GET /v1/training/params``."""
        return {**asdict(self), "epochs_max": self.epochs_max}

    def learner(self, seed: int) -> LearnerConfig:
        """The learner configuration these parameters stand for."""
        return LearnerConfig(
            learning_rate=self.learning_rate,
            candidate_learning_rate=self.candidate_learning_rate,
            max_hidden_units=min(self.max_hidden_units, self.max_iterations),
            candidate_pool_size=self.candidate_pool_size,
            correlation_threshold=self.correlation_threshold,
            patience=self.patience,
            candidate_epochs=self.candidate_epochs,
            output_epochs=self.output_epochs,
            max_epochs=self.epochs_max,
            activation=self.activation_function_name,
            seed=seed,
        )

    def apply(self, changes: dict[str, Any]) -> tuple[TrainingParams, dict[str, Any]]:
        """The parameters with ``changes`` applied, and the ``applied``/``skipped`` report.

        Keys that are not parameters (``epochs_max`` is derived) are reported as skipped
        ``not-updatable``, as the real server does.
        """
        names = {item.name for item in fields(self)}
        known = {key: value for key, value in changes.items() if key in names}
        if "activation_function_name" in known:
            known["activation_function_name"] = canonical_activation(
                known["activation_function_name"]
            )
        skipped = [{"key": key, "reason": "not-updatable"} for key in changes if key not in names]
        return replace(self, **known), {"applied": list(known), "skipped": skipped}


@dataclass(frozen=True)
class NetworkParams:
    """A validated ``POST /v1/network`` body: the sizes and the training parameters."""

    input_size: int = 2
    output_size: int = 1
    training: TrainingParams = TrainingParams()


def network_params(values: dict[str, Any]) -> NetworkParams:
    """``NetworkParams`` from the validated values of a ``POST /v1/network`` body."""
    sizes = {key: values.pop(key) for key in ("input_size", "output_size") if key in values}
    training, _ = TrainingParams().apply(values)
    return NetworkParams(training=training, **sizes)
