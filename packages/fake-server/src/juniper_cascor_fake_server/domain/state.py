"""The fake server's training state: network, data set, learner, status and metrics history.

One ``TrainingState`` per server, shared by the REST routes, the control channel and the trainer
thread, guarded by one re-entrant lock. Every change that clients can observe is emitted as a
frame through the ``emit(type, data)`` callback (the server hands it to the broadcaster).
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from enum import StrEnum
from typing import Any

import numpy as np

from juniper_cascor_fake_server.learner import (
    CascadeCorrelationLearner,
    CascadeNetwork,
    Dataset,
    EpochMetrics,
    LearnerConfig,
    Outcome,
)
from juniper_cascor_fake_server.domain.errors import conflict, not_found
from juniper_cascor_fake_server.domain.params import NetworkParams

__all__ = ["Emit", "TrainingPhase", "TrainingState", "TrainingStatus"]

Emit = Callable[[str, dict[str, Any]], None]
_HISTORY = 10_000


class TrainingStatus(StrEnum):
    """States of the training state machine (``data.state_machine.status``)."""

    STOPPED = "Stopped"
    STARTED = "Started"
    PAUSED = "Paused"
    COMPLETED = "Completed"
    FAILED = "Failed"


class TrainingPhase(StrEnum):
    """Phases of the training state machine (``data.state_machine.phase``)."""

    IDLE = "Idle"
    OUTPUT = "Output"
    CANDIDATE = "Candidate"


class TrainingState:
    """Everything the server knows about its one network and its training."""

    def __init__(self, seed: int, emit: Emit) -> None:
        self.lock = threading.RLock()
        self.seed = seed
        self.emit = emit
        self.params: NetworkParams | None = None
        self.network: CascadeNetwork | None = None
        self.network_id: str | None = None
        self.created_at = 0.0
        self.learner: CascadeCorrelationLearner | None = None
        self.data: tuple[Dataset, Dataset | None] | None = None
        self.pending: tuple[Dataset, Dataset | None] | None = None
        self.config = LearnerConfig(seed=seed)
        self.status = TrainingStatus.STOPPED
        self.phase = TrainingPhase.IDLE
        self.outcome: Outcome | None = None
        self.history: deque[dict[str, Any]] = deque(maxlen=_HISTORY)
        self.epochs_done = 0
        self.started_at: float | None = None

    # -- network -------------------------------------------------------------------------------
    def require_network(self) -> CascadeNetwork:
        """The network.

        Raises:
            ServiceError: 404 "No network created".
        """
        if self.network is None:
            raise not_found("No network created")
        return self.network

    def require_idle(self) -> None:
        """Refuse changes while training runs.

        Raises:
            ServiceError: 409 when training is active.
        """
        if self.training_active:
            raise conflict("Training is in progress")

    def create_network(self, params: NetworkParams) -> dict[str, Any]:
        """Create (or replace) the network; clears the learner and history.

        Raises:
            ServiceError: 409 when training is active.
        """
        with self.lock:
            self.require_idle()
            self.params, self.config = params, params.learner
            self.network = self._fresh_network(params)
            self.network_id, self.created_at = uuid.uuid4().hex[:12], time.time()
            self._clear_progress()
            self.emit("topology", self.network.to_dict())
            return self.network_info()

    def _fresh_network(self, params: NetworkParams) -> CascadeNetwork:
        network = CascadeNetwork(
            params.input_size, params.output_size, np.random.default_rng(params.learner.seed)
        )
        if params.init_output_weights == "zero":
            network.output_weights = np.zeros_like(network.output_weights)
        return network

    def reset_network(self) -> None:
        """Back to a fresh network with the creation parameters; history cleared."""
        with self.lock:
            if self.params is not None:
                self.config = self.params.learner
                self.network = self._fresh_network(self.params)
            self._clear_progress()
            self.set_status(TrainingStatus.STOPPED, TrainingPhase.IDLE)

    def delete_network(self) -> None:
        """Forget the network.

        Raises:
            ServiceError: 404 without a network, 409 while training.
        """
        with self.lock:
            self.require_network()
            self.require_idle()
            self.network = self.params = self.network_id = None
            self._clear_progress()

    def _clear_progress(self) -> None:
        self.learner, self.outcome, self.started_at = None, None, None
        self.history.clear()
        self.epochs_done = 0

    def network_info(self) -> dict[str, Any]:
        """``GET /network``."""
        with self.lock:
            network = self.require_network()
            return {
                "network_id": self.network_id,
                "input_size": network.input_size,
                "output_size": network.output_size,
                "hidden_units": len(network.hidden),
                "total_weights": network.weight_count(),
                "created_at": self.created_at,
                "activation_function_name": self.config.activation,
                "output_activation": "sigmoid",
            }

    def topology(self) -> dict[str, Any]:
        """``GET /network/topology`` and the ``topology`` frames."""
        with self.lock:
            return self.require_network().to_dict()

    def stats(self) -> dict[str, Any]:
        """``GET /network/stats``."""
        with self.lock:
            network = self.require_network()
            accuracies = [m["train_accuracy"] for m in self.history]
            losses = [m["train_loss"] for m in self.history]
            return {
                "hidden_units": len(network.hidden),
                "total_weights": network.weight_count(),
                "epochs_trained": self.epochs_done,
                "best_train_accuracy": max(accuracies, default=None),
                "best_train_loss": min(losses, default=None),
                "correlations": [unit.correlation for unit in network.hidden],
            }

    # -- status and metrics --------------------------------------------------------------------
    @property
    def training_active(self) -> bool:
        """Started or paused."""
        return self.status in (TrainingStatus.STARTED, TrainingStatus.PAUSED)

    def set_status(self, status: TrainingStatus, phase: TrainingPhase) -> None:
        """Move the state machine and emit a ``state`` frame when it changed."""
        with self.lock:
            if (status, phase) == (self.status, self.phase):
                return
            self.status, self.phase = status, phase
            self.emit("state", self.state_frame())

    def state_frame(self) -> dict[str, Any]:
        """The data of a ``state`` frame."""
        return {
            "status": self.status.value,
            "phase": self.phase.value,
            "epoch": self.epochs_done,
            "hidden_units": len(self.network.hidden) if self.network else 0,
        }

    def status_dict(self) -> dict[str, Any]:
        """``GET /training/status`` (and ``initial_status``)."""
        with self.lock:
            latest = self.history[-1] if self.history else {}
            return {
                "training_active": self.training_active,
                "network_loaded": self.network is not None,
                "status": self.status.value,
                "phase": self.phase.value,
                "state_machine": {
                    "status": self.status.value,
                    "phase": self.phase.value,
                    "is_training": self.status is TrainingStatus.STARTED,
                    "is_paused": self.status is TrainingStatus.PAUSED,
                    "is_completed": self.status is TrainingStatus.COMPLETED,
                },
                "current_epoch": self.epochs_done,
                "max_epochs": self.config.max_epochs,
                "hidden_units": len(self.network.hidden) if self.network else 0,
                "outcome": self.outcome.value if self.outcome else None,
                "started_at": self.started_at,
                "dataset": self.data[0].name if self.data else None,
                "train_loss": latest.get("train_loss"),
                "train_accuracy": latest.get("train_accuracy"),
            }

    def record_metrics(self, metrics: EpochMetrics) -> None:
        """Append one epoch's metrics to the history and broadcast them."""
        data = metrics.to_dict()
        with self.lock:
            self.epochs_done = metrics.epoch
            self.history.append(data)
        self.emit("metrics", data)

    def latest_metrics(self) -> dict[str, Any]:
        """``GET /metrics``: the newest epoch's metrics (empty before the first epoch)."""
        with self.lock:
            return dict(self.history[-1]) if self.history else {}

    def metrics_history(self, count: int | None) -> list[dict[str, Any]]:
        """The newest ``count`` metrics (all when ``None``), oldest first."""
        with self.lock:
            items = list(self.history)
        return items if count is None else items[-count:]

    def require_data(self) -> tuple[Dataset, Dataset | None]:
        """The data set to train on: the pending one, else the last one used.

        Raises:
            ServiceError: 409 when there is none.
        """
        data = self.pending or self.data
        if data is None:
            raise conflict("No training data: pass a dataset or load one first")
        return data

    def dataset_info(self) -> dict[str, Any]:
        """``GET /dataset``."""
        with self.lock:
            train, validation = self._dataset()
            return {
                "name": train.name,
                "train_samples": len(train),
                "val_samples": len(validation) if validation else 0,
                "input_size": train.input_size,
                "output_size": train.output_size,
            }

    def dataset_data(self) -> dict[str, Any]:
        """``GET /dataset/data``."""
        with self.lock:
            train, validation = self._dataset()
            return {"train": train.to_dict(), "val": validation.to_dict() if validation else None}

    def _dataset(self) -> tuple[Dataset, Dataset | None]:
        if self.data is None and self.pending is None:
            raise not_found("No dataset loaded")
        return self.require_data()

    def fail(self, error: BaseException) -> None:
        """Record a training failure."""
        self.set_status(TrainingStatus.FAILED, TrainingPhase.IDLE)
        self.emit("event", {"event": "training_failed", "error": str(error)})
