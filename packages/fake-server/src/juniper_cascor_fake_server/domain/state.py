"""The fake server's training state: network, data, state machine, metrics history, counters.

One ``TrainingState`` per server, shared by the REST routes, the control channel and the trainer
thread, guarded by one re-entrant lock. Every change that clients can observe is emitted as a
frame through the ``emit(type, data)`` callback (the server hands it to the broadcaster).
"""

from __future__ import annotations

import threading
import uuid
from collections import deque
from collections.abc import Callable
from datetime import datetime
from typing import Any

from juniper_cascor_fake_server.domain.datasets import TrainingData
from juniper_cascor_fake_server.domain.errors import conflict, not_found
from juniper_cascor_fake_server.domain.machine import ACTIVE, TrainingPhase, TrainingStatus
from juniper_cascor_fake_server.domain.params import TrainingParams
from juniper_cascor_fake_server.domain.progress import Progress
from juniper_cascor_fake_server.domain.replay import ReplaySession
from juniper_cascor_fake_server.learner import (
    CascadeCorrelationLearner,
    CascadeNetwork,
    EpochMetrics,
    Outcome,
)

__all__ = ["COMPLETION_REASONS", "Emit", "TrainingPhase", "TrainingState", "TrainingStatus"]

Emit = Callable[[str, dict[str, Any]], None]
_HISTORY = 10_000
_NO_UNDO = "No metrics clear to undo (nothing cleared, or a training run has started since)"

COMPLETION_REASONS = {
    Outcome.CONVERGED: "early_stopped",
    Outcome.UNIT_LIMIT: "max_iterations",
    Outcome.EPOCH_LIMIT: "max_iterations",
    Outcome.NO_CORRELATION: "below_threshold",
}
"""``completion_reason`` of each learner outcome (the real server's growth-loop exits)."""


class TrainingState:
    """Everything the server knows about its one network and its training."""

    def __init__(self, seed: int, emit: Emit) -> None:
        self.lock = threading.RLock()
        self.seed = seed
        self.emit = emit
        self.network: CascadeNetwork | None = None
        self.network_uuid = ""
        self.params = TrainingParams()
        self.learner: CascadeCorrelationLearner | None = None
        self.data: TrainingData | None = None
        self.pending_config: dict[str, Any] | None = None
        self.status = TrainingStatus.STOPPED
        self.phase = TrainingPhase.IDLE
        self.paused_phase: TrainingPhase | None = None
        self.completion_reason: str | None = None
        self.history: deque[dict[str, Any]] = deque(maxlen=_HISTORY)
        self.cleared: list[dict[str, Any]] | None = None
        self.epochs_done = 0
        self.progress = Progress()
        self.experimental_functions = False
        self.swap_events: list[dict[str, Any]] = []
        self.replay: ReplaySession | None = None
        self.resume_point_epoch: int | None = None

    # -- network -------------------------------------------------------------------------------
    def require_network(self) -> CascadeNetwork:
        """The network.

        Raises:
            ServiceError: 404 "No network created".
        """
        if self.network is None:
            raise not_found("No network created")
        return self.network

    def install_network(self, network: CascadeNetwork, params: TrainingParams) -> None:
        """Make ``network`` (with ``params``) the current network, with a new uuid."""
        with self.lock:
            self.network, self.params = network, params
            self.network_uuid = str(uuid.uuid4())
            self.learner = None
            self.completion_reason = None

    def refuse_when(self, states: frozenset[TrainingStatus], message: str) -> None:
        """Refuse an operation in ``states``.

        Raises:
            ServiceError: 409 with ``message``.
        """
        if self.status in states:
            raise conflict(message)

    # -- the state machine ---------------------------------------------------------------------
    @property
    def training_active(self) -> bool:
        """A training thread owns the network (started or paused)."""
        return self.status in ACTIVE

    def set_status(self, status: TrainingStatus, phase: TrainingPhase | None = None) -> None:
        """Move the state machine (``phase`` defaults to the current one); emit a ``state`` frame.

        ``STOPPED`` always goes with ``IDLE``. Pausing remembers the phase (a phase the trainer
        enters while paused replaces it); leaving ``PAUSED`` forgets it.
        """
        with self.lock:
            new_phase = TrainingPhase.IDLE if status is TrainingStatus.STOPPED else phase
            new_phase = self.phase if new_phase is None else new_phase
            if (status, new_phase) == (self.status, self.phase):
                return
            if new_phase is not self.phase:
                self.progress.phase_started()
            paused = status is TrainingStatus.PAUSED
            self.paused_phase = (
                (new_phase if self.status is status else self.phase) if paused else None
            )
            self.status, self.phase = status, new_phase
            self.progress.touch()
            frame = self.state_frame()
        self.emit("state", frame)

    def state_frame(self) -> dict[str, Any]:
        """The real server's ``training_state`` without the network sizes (``state`` frames)."""
        with self.lock:
            network = self.network
            running = self.status in ACTIVE
            limits = {
                "learning_rate": 0.0,
                "max_hidden_units": 0,
                "max_epochs": 0,
                "max_iterations": 0,
                "network_name": "",
            }
            if network is not None:
                params = self.params
                limits = {
                    "learning_rate": params.learning_rate,
                    "max_hidden_units": params.max_hidden_units,
                    "max_epochs": params.epochs_max,
                    "max_iterations": params.max_iterations,
                    "network_name": f"CasCor-{network.input_size}x{network.output_size}",
                }
            return {
                **self.progress.to_dict(),
                **limits,
                "status": self.status.label,
                "phase": self.phase.label if running else TrainingPhase.IDLE.label,
                "grow_max": limits["max_iterations"] if self.progress.grow_iteration else 0,
                "threshold_function": "",
                "optimizer_name": "",
                "phase_detail": "",
            }

    def training_state(self) -> dict[str, Any]:
        """``training_state`` of ``GET /v1/training/status`` (the sizes when there is a network)."""
        with self.lock:
            data = self.state_frame()
            if self.network is not None:
                data["input_size"] = self.network.input_size
                data["output_size"] = self.network.output_size
            return data

    def status_dict(self) -> dict[str, Any]:
        """``GET /v1/training/status`` without the stream's counters (``initial_status`` data)."""
        with self.lock:
            latest = self.history[-1] if self.history else {}
            data = self.data
            return {
                "state_machine": {
                    "status": self.status.value,
                    "phase": self.phase.value,
                    "paused_phase": self.paused_phase.value if self.paused_phase else None,
                    "has_candidate_state": False,
                },
                "monitor": {
                    "is_training": self.status in ACTIVE,
                    "current_epoch": self.epochs_done,
                    "current_hidden_units": latest.get("hidden_units", 0),
                    "current_phase": "candidate"
                    if self.phase is TrainingPhase.CANDIDATE
                    else "output",
                    "total_metrics": len(self.history),
                },
                "training_state": self.training_state(),
                "network_loaded": self.network is not None,
                "training_active": self.status is TrainingStatus.STARTED,
                "pending_dataset": dict(self.pending_config) if self.pending_config else None,
                "completion_reason": self.completion_reason,
                "metrics_clear_undo_available": self.cleared is not None,
                "dataset_shortfall": None,
                "auto_start_failure": None,
                "current_dataset": None
                if data is None
                else dict(data.config or {"dataset_type": None}),
            }

    # -- metrics -------------------------------------------------------------------------------
    def record_metrics(self, metrics: EpochMetrics) -> None:
        """Append one epoch's metrics to the history and broadcast them (a ``metrics`` frame)."""
        with self.lock:
            row = {
                "epoch": metrics.epoch,
                "timestamp": datetime.now().isoformat(),
                "loss": metrics.train_loss,
                "accuracy": metrics.train_accuracy,
                "learning_rate": self.params.learning_rate,
                "hidden_units": metrics.hidden_units,
                "phase": metrics.phase,
                "validation_loss": metrics.val_loss,
                "validation_accuracy": metrics.val_accuracy,
                "kind": "training_step",
                "f1": None,
                "precision": None,
                "recall": None,
                "roc_auc": None,
            }
            self.epochs_done = metrics.epoch
            self.progress.current_epoch = metrics.epoch
            self.progress.output_epoch += 1
            self.progress.touch()
            self.history.append(row)
        self.emit("metrics", row)

    def metrics_history(self, count: int | None) -> list[dict[str, Any]]:
        """The newest ``count`` metrics (all when ``None``), oldest first."""
        with self.lock:
            items = list(self.history)
        return items if count is None else items[-count:]

    def clear_metrics(self) -> dict[str, Any]:
        """``POST /v1/training/metrics/clear``: empty the history, keeping it for an undo."""
        with self.lock:
            self.cleared = list(self.history)
            self.history.clear()
            return {"status": "cleared", "cleared_count": len(self.cleared), "undo_available": True}

    def undo_clear(self) -> dict[str, Any]:
        """``POST /v1/training/metrics/clear/undo``.

        Raises:
            ServiceError: 409 when nothing was cleared since the last start.
        """
        with self.lock:
            if self.cleared is None:
                raise conflict(_NO_UNDO)
            rows, self.cleared = self.cleared, None
            self.history.clear()
            self.history.extend(rows)
            return {"status": "restored", "restored_count": len(rows), "undo_available": False}

    def reset_progress(self) -> None:
        """Forget the metrics history and the run's counters (the network stays)."""
        with self.lock:
            self.history.clear()
            self.epochs_done = 0
            self.progress = Progress(dataset_name=self.progress.dataset_name)

    def fail(self) -> None:
        """Record a training failure: a running or paused run ends ``FAILED``."""
        with self.lock:
            if self.status in ACTIVE:
                self.set_status(TrainingStatus.FAILED)
