"""The shapes of the data juniper-cascor 0.12 reports on both channels, as ``TypedDict`` classes.

The REST answers and the ``/ws/training`` frames carry the same objects: the training status
(``GET /v1/training/status``, ``initial_status`` frames), the training-state block (its
``training_state``, ``state`` frames, ``GET /v1/health/ready``), a metrics row
(``GET /v1/metrics/history``, ``metrics`` frames), the topology (``GET /v1/network/topology``,
``topology`` frames) and the training parameters (``GET|PATCH /v1/training/params``, the
``set_params`` control command). The clients declare their results with these types; at run
time they are plain dicts, checked by nothing.

Keys the server sends on every answer are required; keys it sends only in some states are
``NotRequired``. ``Any`` marks the parts the server leaves free-form (dataset configurations,
failure records). The modules defining these types do not postpone their annotations
(``from __future__ import annotations``): Python 3.11 only sees ``NotRequired`` in an evaluated
annotation, and ``__required_keys__`` must be right at run time too.
"""

from typing import Any, NotRequired, TypedDict

__all__ = [
    "HiddenUnitData",
    "MetricsEntry",
    "MonitorData",
    "ParamsUpdateData",
    "SkippedParam",
    "StateMachineData",
    "StatusData",
    "TopologyData",
    "TrainingParamsData",
    "TrainingStateData",
]


class StateMachineData(TypedDict):
    """``state_machine``: the state in upper case (``STARTED``...) and the phase (``OUTPUT``...)."""

    status: str
    phase: str
    paused_phase: str | None
    has_candidate_state: bool


class MonitorData(TypedDict):
    """``monitor``: the training monitor's counters."""

    current_epoch: int
    current_hidden_units: int
    current_phase: str
    is_training: bool
    total_metrics: int


class TrainingStateData(TypedDict):
    """``training_state`` (and the data of ``state`` frames): progress in title case
    (``status: "Started"``, ``phase: "Output"``); the sizes only while a network exists."""

    status: str
    phase: str
    phase_detail: str
    phase_started_at: str
    current_epoch: int
    current_step: int
    max_epochs: int
    learning_rate: float
    max_hidden_units: int
    max_iterations: int
    network_name: str
    dataset_name: str
    optimizer_name: str
    threshold_function: str
    grow_iteration: int
    grow_max: int
    output_epoch: int
    output_total_epochs: int
    candidate_epoch: int
    candidate_total_epochs: int
    candidates_total: int
    candidates_trained: int
    all_correlations: list[float]
    best_candidate_id: int
    best_candidate_uuid: str
    best_correlation: float
    second_candidate_id: int | None
    second_candidate_correlation: float
    timestamp: float
    input_size: NotRequired[int]
    output_size: NotRequired[int]


class StatusData(TypedDict):
    """The training status as ``initial_status`` frames carry it (``GET /v1/training/status``
    adds ``server_instance_id`` and ``snapshot_seq``)."""

    state_machine: StateMachineData
    training_state: TrainingStateData
    monitor: MonitorData
    training_active: bool
    network_loaded: bool
    completion_reason: str | None
    pending_dataset: dict[str, Any] | None
    current_dataset: dict[str, Any] | None
    dataset_shortfall: dict[str, Any] | None
    auto_start_failure: dict[str, Any] | None
    metrics_clear_undo_available: bool


class MetricsEntry(TypedDict):
    """One metrics row: ``kind`` is ``output_epoch`` or ``training_step``; the values a row
    does not measure are ``None``."""

    epoch: int
    timestamp: str
    kind: str
    phase: str
    loss: float | None
    accuracy: float | None
    validation_loss: float | None
    validation_accuracy: float | None
    learning_rate: float
    hidden_units: int
    f1: float | None
    precision: float | None
    recall: float | None
    roc_auc: float | None


class HiddenUnitData(TypedDict):
    """One hidden unit: a weight per input and earlier unit, its bias and activation."""

    id: int
    weights: list[float]
    bias: float
    activation: str


class TopologyData(TypedDict):
    """The network: ``output_weights`` has a row per input and hidden unit, a column per
    output; ``output_bias`` a value per output."""

    input_size: int
    output_size: int
    hidden_units: list[HiddenUnitData]
    output_weights: list[list[float]]
    output_bias: list[float]


class TrainingParamsData(TypedDict):
    """The training parameters (``GET /v1/training/params``)."""

    learning_rate: float
    candidate_learning_rate: float
    correlation_threshold: float
    candidate_pool_size: int
    max_hidden_units: int
    max_iterations: int
    epochs_max: int
    patience: int
    convergence_threshold: float
    candidate_convergence_threshold: float
    candidate_patience: int
    candidate_epochs: int
    output_epochs: int
    init_output_weights: str
    optimizer_type: str
    activation_function_name: str
    auto_snap_best: bool
    auto_snap_min_epochs: int
    multi_candidate: bool
    candidate_selection: str
    selected_candidates: int
    top_candidates: int
    random_candidates: int


class SkippedParam(TypedDict):
    """A key an update did not apply, and why (``not-updatable``...)."""

    key: str
    reason: str


class ParamsUpdateData(TrainingParamsData):
    """The parameters after an update, with the keys it ``applied`` and those it ``skipped``."""

    applied: list[str]
    skipped: list[SkippedParam]
