"""Training operations shared by the REST routes and the ``/ws/control`` commands.

Each method applies the real server's state rules and raises ``ServiceError`` with the real
server's status and message (409 "Training cannot be paused in the current state"...).
Methods may block briefly (stopping joins the trainer thread): call them off the event loop.
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Any

import numpy as np

from juniper_cascor_fake_server.domain.datasets import (
    TrainingData,
    check_fits,
    staged_data,
    start_data,
)
from juniper_cascor_fake_server.domain.errors import conflict
from juniper_cascor_fake_server.domain.machine import (
    ACTIVE,
    LOADED_SNAPSHOT,
    TrainingPhase,
    TrainingStatus,
)
from juniper_cascor_fake_server.domain.params import (
    NETWORK_MODEL,
    START_PARAMS_MODEL,
    UPDATE_MODEL,
    NetworkParams,
    TrainingParams,
    network_params,
)
from juniper_cascor_fake_server.domain.state import TrainingState
from juniper_cascor_fake_server.domain.trainer import Trainer
from juniper_cascor_fake_server.domain.validation import Spec, validate
from juniper_cascor_fake_server.domain.views import network_info
from juniper_cascor_fake_server.learner import CascadeCorrelationLearner, CascadeNetwork

__all__ = ["Operations"]

_START_MODEL = {"epochs": Spec(int, ge=1, le=1_000_000), "start_fresh": Spec(bool)}
_START_REFUSALS = {
    TrainingStatus.STARTED: "Training already in progress",
    TrainingStatus.PAUSED: "Cannot start training while paused — invoke /v1/training/resume",
    TrainingStatus.INVESTIGATING: (
        "Cannot start training while Investigating a snapshot — invoke "
        "/v1/snapshots/{id}/retrain or /resume to transition out of Investigating first"
    ),
    TrainingStatus.REPLAYING: (
        "Cannot start training while replaying a snapshot — invoke "
        "/v1/snapshots/{id}/replay/control with action='stop' first"
    ),
}
_FINISH_TIMEOUT = 5.0
_OWNED = ACTIVE | LOADED_SNAPSHOT


def _stamp(status: str) -> dict[str, Any]:
    return {"status": status, "timestamp": time.time()}


def fresh_network(sizes: tuple[int, int], params: TrainingParams, seed: int) -> CascadeNetwork:
    """A new network with ``params``' output weight initialisation."""
    network = CascadeNetwork(*sizes, np.random.default_rng(seed))
    if params.init_output_weights == "zero":
        network.output_weights = np.zeros_like(network.output_weights)
    return network


class Operations:
    """Network lifecycle and training control over one ``TrainingState`` and its ``Trainer``."""

    def __init__(self, state: TrainingState, trainer: Trainer) -> None:
        self.state = state
        self.trainer = trainer

    # -- network -------------------------------------------------------------------------------
    def create_network(self, body: Any) -> dict[str, Any]:
        """``POST /v1/network``.

        Raises:
            ServiceError: 422 for bad parameters, 409 while training or a snapshot is loaded.
        """
        params = network_params(validate(body, NETWORK_MODEL))
        state = self.state
        with state.lock:
            state.refuse_when(_OWNED, "Network cannot be created in the current state")
            self._install(params)
            state.reset_progress()
            return network_info(state)

    def _install(self, params: NetworkParams) -> None:
        sizes = (params.input_size, params.output_size)
        network = fresh_network(sizes, params.training, self.state.seed)
        self.state.install_network(network, params.training)

    def delete_network(self) -> dict[str, Any]:
        """``DELETE /v1/network`` (also without a network).

        Raises:
            ServiceError: 409 while training, investigating or replaying.
        """
        state = self.state
        with state.lock:
            refused = ACTIVE | {TrainingStatus.INVESTIGATING, TrainingStatus.REPLAYING}
            state.refuse_when(refused, "Network cannot be deleted in the current state")
            state.network, state.learner = None, None
            state.set_status(TrainingStatus.STOPPED)
        return {"deleted": True}

    # -- training control ----------------------------------------------------------------------
    def start(self, body: Any) -> dict[str, Any]:
        """``POST /v1/training/start``: train on the request's data, a staged data set or the
        data last used; a missing network is created from the data's sizes.

        Raises:
            ServiceError: 422 for a bad body, 409 in a state that refuses a start or without
                data.
        """
        if body is None:
            body = {}
        options = validate(body, _START_MODEL)
        changes = {}
        if body.get("params") is not None:
            changes = validate(
                body["params"], START_PARAMS_MODEL, ("body", "params"), forbid_extra=True
            )
        request_data = start_data(body)
        if not self.state.training_active:
            self.trainer.join(_FINISH_TIMEOUT)
        with self.state.lock:
            learner, first_pass = self._prepare(request_data, options, changes)
        self.trainer.start(learner, first_pass)
        return _stamp("training_started")

    def _prepare(
        self, request_data: TrainingData | None, options: dict[str, Any], changes: dict[str, Any]
    ) -> tuple[CascadeCorrelationLearner, int | None]:
        state = self.state
        refusal = _START_REFUSALS.get(state.status)
        if refusal is not None:
            raise conflict(f"Training cannot be started: {refusal}")
        if request_data is not None:
            state.data = request_data
        if state.pending_config is not None:
            outputs = state.network.output_size if state.network else 1
            staged = staged_data(state.pending_config, outputs)
            if staged is None:
                kind = state.pending_config.get("dataset_type")
                raise conflict(f"Training cannot be started: cannot generate dataset {kind!r}")
            state.data, state.pending_config = staged, None
        data = state.data
        if data is None:
            raise conflict("Training cannot be started: Training data not provided")
        if options.get("start_fresh") or state.network is None:
            params = state.params if state.network is not None else TrainingParams()
            self._install(NetworkParams(*data.sizes, params))
            state.reset_progress()
        network = state.require_network()
        check_fits(data, (network.input_size, network.output_size))
        first_pass = options.get("epochs", changes.pop("max_epochs", None))
        changes.pop("early_stopping", None)
        state.params, _ = state.params.apply(changes)
        config = state.params.learner(state.seed)
        config = replace(config, max_epochs=state.epochs_done + config.max_epochs)
        learner = CascadeCorrelationLearner(config, data.train, data.validation, network=network)
        learner.epoch = state.epochs_done
        state.learner, state.completion_reason, state.cleared = learner, None, None
        state.resume_point_epoch = None
        state.progress.dataset_name = data.train.name
        state.set_status(TrainingStatus.STARTED, TrainingPhase.OUTPUT)
        return learner, first_pass

    def stop(self) -> dict[str, Any]:
        """``POST /v1/training/stop``: 200 also when idle.

        Raises:
            ServiceError: 409 while investigating or replaying a snapshot.
        """
        state = self.state
        with state.lock:
            refused = frozenset({TrainingStatus.INVESTIGATING, TrainingStatus.REPLAYING})
            state.refuse_when(refused, "Training cannot be stopped in the current state")
            active = state.training_active
        self.trainer.stop()
        if active:
            state.set_status(TrainingStatus.STOPPED)
        return _stamp("stop_requested")

    def pause(self) -> dict[str, Any]:
        """``POST /v1/training/pause``.

        Raises:
            ServiceError: 409 unless training is running.
        """
        state = self.state
        with state.lock:
            if state.status is not TrainingStatus.STARTED:
                raise conflict("Training cannot be paused in the current state")
            self.trainer.pause()
            state.set_status(TrainingStatus.PAUSED)
        return _stamp("paused")

    def resume(self) -> dict[str, Any]:
        """``POST /v1/training/resume``.

        Raises:
            ServiceError: 409 unless training is paused.
        """
        state = self.state
        with state.lock:
            if state.status is not TrainingStatus.PAUSED:
                raise conflict("Training cannot be resumed in the current state")
            state.set_status(TrainingStatus.STARTED, state.paused_phase or TrainingPhase.OUTPUT)
            self.trainer.resume()
        return _stamp("resumed")

    def reset(self) -> dict[str, Any]:
        """``POST /v1/training/reset``: stop training or replay, clear the metrics and counters
        (the network and its weights stay)."""
        self.trainer.stop()
        state = self.state
        with state.lock:
            replay, state.replay = state.replay, None
        if replay is not None:
            replay.stop()
        with state.lock:
            state.reset_progress()
            state.set_status(TrainingStatus.STOPPED)
        return _stamp("reset")

    def set_params(self, params: Any, loc_root: tuple[str | int, ...]) -> dict[str, Any]:
        """``PATCH /v1/training/params`` and ``set_params``: unknown keys are ignored.

        Returns the parameters with ``applied`` and ``skipped``.

        Raises:
            ServiceError: 422 for a bad value, 404 without a network, 409 while replaying.
        """
        changes = validate(params, UPDATE_MODEL, loc_root)
        state = self.state
        with state.lock:
            state.require_network()
            if state.status is TrainingStatus.REPLAYING:
                raise conflict(
                    "Cannot update training parameters while replaying a snapshot — invoke "
                    "/v1/snapshots/{id}/replay/control with action='stop' first"
                )
            state.params, report = state.params.apply(changes)
            if state.learner is not None:
                config = state.params.learner(state.seed)
                state.learner.reconfigure(
                    **{key: getattr(config, key) for key in _LIVE_KEYS},
                    max_epochs=state.learner.config.max_epochs,
                )
            return {**state.params.to_dict(), **report}


_LIVE_KEYS = (
    "learning_rate",
    "candidate_learning_rate",
    "max_hidden_units",
    "candidate_pool_size",
    "correlation_threshold",
    "patience",
    "candidate_epochs",
    "output_epochs",
    "activation",
)
