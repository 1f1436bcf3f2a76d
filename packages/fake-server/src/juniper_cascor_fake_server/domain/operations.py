"""Training operations shared by the REST routes and the ``/ws/control`` commands.

Each method applies the real server's state rules and raises ``ServiceError`` (404 without a
network, 409 when training is not active / not paused / has no data, 422 for bad values).
Methods may block briefly (stopping joins the trainer thread): call them off the event loop.
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Any

from juniper_cascor_fake_server.learner import CascadeCorrelationLearner, LearnerConfig
from juniper_cascor_fake_server.domain.errors import conflict, invalid
from juniper_cascor_fake_server.domain.params import (
    parse_dataset,
    parse_network_params,
    parse_runtime_params,
    training_params,
)
from juniper_cascor_fake_server.domain.state import TrainingPhase, TrainingState, TrainingStatus
from juniper_cascor_fake_server.domain.trainer import Trainer

__all__ = ["Operations"]

_MAX_EPOCHS = 10_000_000


class Operations:
    """Network lifecycle and training control over one ``TrainingState`` and its ``Trainer``."""

    def __init__(self, state: TrainingState, trainer: Trainer) -> None:
        self.state = state
        self.trainer = trainer

    def create_network(self, body: dict[str, Any]) -> dict[str, Any]:
        """``POST /network``.

        Raises:
            ServiceError: 422 for bad parameters, 409 while training.
        """
        return self.state.create_network(parse_network_params(body, self.state.seed))

    def start(self, body: dict[str, Any]) -> dict[str, Any]:
        """``POST /training/start`` and the ``start`` command.

        Raises:
            ServiceError: 404 without a network, 409 while training or without data, 422 for
                bad epochs, params or data.
        """
        state = self.state
        with state.lock:
            network = state.require_network()
            if state.training_active:
                raise conflict("Training is already in progress")
            sizes = (network.input_size, network.output_size)
            data = parse_dataset(body.get("dataset"), body.get("inline_data"), sizes)
            train, validation = data or state.require_data()
            config = state.config
            if body.get("params") is not None:
                config = replace(config, **parse_runtime_params(body["params"], ("body", "params")))
            epochs = _epochs(body.get("epochs"))
            if epochs is not None:
                config = replace(config, max_epochs=state.epochs_done + epochs)
            elif config.max_epochs <= state.epochs_done:
                config = replace(config, max_epochs=state.epochs_done + LearnerConfig().max_epochs)
            learner = CascadeCorrelationLearner(config, train, validation, network=network)
            learner.epoch = state.epochs_done
            state.learner, state.config = learner, config
            state.data, state.pending = (train, validation), None
            state.outcome, state.started_at = None, time.time()
            state.set_status(TrainingStatus.STARTED, TrainingPhase.OUTPUT)
        self.trainer.start(learner)
        return {
            "status": "started",
            "training_active": True,
            "dataset": train.name,
            "max_epochs": config.max_epochs,
        }

    def stop(self) -> dict[str, Any]:
        """``POST /training/stop``.

        Raises:
            ServiceError: 409 when training is not active.
        """
        with self.state.lock:
            if not self.state.training_active:
                raise conflict("Training is not active")
        self.trainer.stop()
        self.state.set_status(TrainingStatus.STOPPED, TrainingPhase.IDLE)
        return {"status": "stopped", "training_active": False}

    def pause(self) -> dict[str, Any]:
        """``POST /training/pause``.

        Raises:
            ServiceError: 409 when training is not running (or already paused).
        """
        state = self.state
        with state.lock:
            if state.status is not TrainingStatus.STARTED:
                raise conflict(
                    "Training is already paused"
                    if state.status is TrainingStatus.PAUSED
                    else "Training is not active"
                )
            self.trainer.pause()
            state.set_status(TrainingStatus.PAUSED, state.phase)
        return {"status": "paused"}

    def resume(self) -> dict[str, Any]:
        """``POST /training/resume``.

        Raises:
            ServiceError: 409 when training is not paused.
        """
        state = self.state
        with state.lock:
            if state.status is not TrainingStatus.PAUSED:
                raise conflict("Training is not paused")
            state.set_status(TrainingStatus.STARTED, state.phase)
            self.trainer.resume()
        return {"status": "resumed"}

    def reset(self) -> dict[str, Any]:
        """``POST /training/reset``: stop, fresh network weights, history cleared.

        Raises:
            ServiceError: 404 without a network.
        """
        self.state.require_network()
        self.trainer.stop()
        self.state.reset_network()
        self.state.emit("topology", self.state.topology())
        return {"status": "reset"}

    def retrain(self) -> dict[str, Any]:
        """``POST /training/retrain``: reset, then start on the data last used.

        Raises:
            ServiceError: 404 without a network, 409 without data.
        """
        self.state.require_data()
        self.reset()
        return self.start({})

    def set_params(self, params: Any, loc_root: tuple[str | int, ...]) -> dict[str, Any]:
        """``PATCH /training/params`` and ``set_params``: change runtime-safe parameters.

        Raises:
            ServiceError: 422 for an empty body, an unknown key or a bad value.
        """
        changes = parse_runtime_params(params, loc_root)
        state = self.state
        with state.lock:
            state.config = replace(state.config, **changes)
            if state.learner is not None:
                state.learner.reconfigure(**changes)
            return training_params(state.config)

    def set_pending_dataset(self, body: dict[str, Any]) -> dict[str, Any]:
        """``POST /training/dataset``: the data the next start uses.

        Raises:
            ServiceError: 404 without a network, 422 for bad data.
        """
        state = self.state
        with state.lock:
            network = state.require_network()
            sizes = (network.input_size, network.output_size)
            data = parse_dataset(body.get("dataset", body), body.get("inline_data"), sizes)
            if data is None:
                raise invalid(("body", "dataset"), "Field required", "missing")
            state.pending = data
            return {"status": "pending", "name": data[0].name, "train_samples": len(data[0])}

    def pending_dataset(self) -> dict[str, Any] | None:
        """``GET /training/dataset/pending``: the pending data set, if any."""
        with self.state.lock:
            pending = self.state.pending
            return (
                None if pending is None else {"name": pending[0].name, "samples": len(pending[0])}
            )

    def clear_datasets(self, pending_only: bool) -> dict[str, Any]:
        """``DELETE /training/dataset[/pending]``.

        Raises:
            ServiceError: 409 when clearing the active data set while training.
        """
        state = self.state
        with state.lock:
            state.pending = None
            if not pending_only:
                state.require_idle()
                state.data = None
        return {"status": "cleared"}


def _epochs(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= _MAX_EPOCHS:
        raise invalid(("body", "epochs"), f"Input should be an integer in 1..{_MAX_EPOCHS}")
    return value
