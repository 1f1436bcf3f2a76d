"""The training routes: start and the other controls, status, parameters, metrics clearing.

State rules of the server (``data.state_machine.status`` of the status): ``start`` is refused
(``JuniperCascorConflictError``) while ``STARTED``, ``PAUSED`` or ``INVESTIGATING`` a restored
snapshot; ``pause`` needs ``STARTED`` and ``resume`` needs ``PAUSED``; ``stop`` and ``reset``
are always accepted.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from juniper_cascor_client_core.constants import (
    ENDPOINT_TRAINING_METRICS_CLEAR,
    ENDPOINT_TRAINING_METRICS_CLEAR_UNDO,
    ENDPOINT_TRAINING_PARAMS,
    ENDPOINT_TRAINING_PAUSE,
    ENDPOINT_TRAINING_RESET,
    ENDPOINT_TRAINING_RESUME,
    ENDPOINT_TRAINING_START,
    ENDPOINT_TRAINING_STATUS,
    ENDPOINT_TRAINING_STOP,
)
from juniper_cascor_client_rest.responses import (
    ControlResponse,
    MetricsClearedResponse,
    MetricsRestoredResponse,
    ParamsUpdateResponse,
    TrainingParamsResponse,
    TrainingStatusResponse,
)
from juniper_cascor_client_rest.routes.base import Requester, compact

__all__ = ["TrainingRoutes"]


class TrainingRoutes(Requester):
    """``/training/start|stop|pause|resume|reset``, ``/training/status``,
    ``/training/params`` and ``/training/metrics/clear[/undo]``."""

    def start_training(
        self,
        epochs: int | None = None,
        dataset: Mapping[str, Any] | None = None,
        inline_data: Mapping[str, Any] | None = None,
        params: Mapping[str, Any] | None = None,
        *,
        start_fresh: bool = False,
    ) -> ControlResponse:
        """``POST /training/start``; the body holds only the arguments that are not ``None``.

        Args:
            epochs: Epoch budget of the first output-training pass.
            dataset: Dataset selection, e.g. ``{"source": "inline"}``.
            inline_data: ``{"train_x", "train_y", "val_x"?, "val_y"?, ...}``.
            params: Training parameters for this run (unknown keys are refused with 422).
            start_fresh: Discard the current model and its metrics first (snapshots are
                kept); sent only when true, the server's default being to continue the model.

        Raises:
            JuniperCascorConflictError: When training is running or paused, while
                investigating a snapshot, or when there is no data to train on.
            JuniperCascorValidationError: When the server rejects the body.
            JuniperCascorClientError: As ``request()``.
        """
        body = compact(
            {
                "epochs": epochs,
                "dataset": dataset,
                "inline_data": inline_data,
                "params": params,
                "start_fresh": True if start_fresh else None,
            }
        )
        return cast(ControlResponse, self.request("POST", ENDPOINT_TRAINING_START, json=body))

    def stop_training(self) -> ControlResponse:
        """``POST /training/stop`` (no body); accepted in any state.

        Raises:
            JuniperCascorClientError: As ``request()``.
        """
        return cast(ControlResponse, self.request("POST", ENDPOINT_TRAINING_STOP))

    def pause_training(self) -> ControlResponse:
        """``POST /training/pause`` (no body).

        Raises:
            JuniperCascorConflictError: When training is not running.
            JuniperCascorClientError: As ``request()``.
        """
        return cast(ControlResponse, self.request("POST", ENDPOINT_TRAINING_PAUSE))

    def resume_training(self) -> ControlResponse:
        """``POST /training/resume`` (no body).

        Raises:
            JuniperCascorConflictError: When training is not paused.
            JuniperCascorClientError: As ``request()``.
        """
        return cast(ControlResponse, self.request("POST", ENDPOINT_TRAINING_RESUME))

    def reset_training(self) -> ControlResponse:
        """``POST /training/reset`` (no body): back to ``STOPPED``, leaving any snapshot.

        Raises:
            JuniperCascorClientError: As ``request()``.
        """
        return cast(ControlResponse, self.request("POST", ENDPOINT_TRAINING_RESET))

    def clear_metrics(self) -> MetricsClearedResponse:
        """``POST /training/metrics/clear``: forget the metrics history, undoably
        (``{cleared_count, status, undo_available}``).

        Raises:
            JuniperCascorClientError: As ``request()``.
        """
        return cast(MetricsClearedResponse, self.request("POST", ENDPOINT_TRAINING_METRICS_CLEAR))

    def undo_clear_metrics(self) -> MetricsRestoredResponse:
        """``POST /training/metrics/clear/undo``: bring back the history the last clear forgot.

        Raises:
            JuniperCascorConflictError: When there is nothing to undo (nothing cleared, or a
                run started since).
            JuniperCascorClientError: As ``request()``.
        """
        return cast(
            MetricsRestoredResponse, self.request("POST", ENDPOINT_TRAINING_METRICS_CLEAR_UNDO)
        )

    def get_training_status(self) -> TrainingStatusResponse:
        """``GET /training/status``: ``data.training_active``, ``data.state_machine``...

        Raises:
            JuniperCascorClientError: As ``request()``.
        """
        return cast(TrainingStatusResponse, self.request("GET", ENDPOINT_TRAINING_STATUS))

    def get_training_params(self) -> TrainingParamsResponse:
        """``GET /training/params``: the current training parameters.

        Raises:
            JuniperCascorNotFoundError: When no network exists.
            JuniperCascorClientError: As ``request()``.
        """
        return cast(TrainingParamsResponse, self.request("GET", ENDPOINT_TRAINING_PARAMS))

    def update_params(
        self,
        params: Mapping[str, Any] | None = None,
        *,
        learning_rate: float | None = None,
        candidate_learning_rate: float | None = None,
        correlation_threshold: float | None = None,
        candidate_pool_size: int | None = None,
        max_hidden_units: int | None = None,
        max_iterations: int | None = None,
        patience: int | None = None,
        convergence_threshold: float | None = None,
        candidate_convergence_threshold: float | None = None,
        candidate_patience: int | None = None,
        candidate_epochs: int | None = None,
        output_epochs: int | None = None,
        init_output_weights: str | None = None,
        optimizer_type: str | None = None,
        activation_function_name: str | None = None,
        auto_snap_best: bool | None = None,
        auto_snap_min_epochs: int | None = None,
        multi_candidate: bool | None = None,
        candidate_selection: str | None = None,
        selected_candidates: int | None = None,
        top_candidates: int | None = None,
        random_candidates: int | None = None,
    ) -> ParamsUpdateResponse:
        """``PATCH /training/params``: change parameters, also while training runs.

        The body is ``params`` (sent as given) updated with the keyword arguments that are not
        ``None``. The server answers the full parameters with ``applied``, the keys it changed;
        keys it does not know are ignored, not refused.

        Raises:
            JuniperCascorValidationError: When the server rejects a value.
            JuniperCascorNotFoundError: When no network exists.
            JuniperCascorClientError: As ``request()``.
        """
        named = {
            "learning_rate": learning_rate,
            "candidate_learning_rate": candidate_learning_rate,
            "correlation_threshold": correlation_threshold,
            "candidate_pool_size": candidate_pool_size,
            "max_hidden_units": max_hidden_units,
            "max_iterations": max_iterations,
            "patience": patience,
            "convergence_threshold": convergence_threshold,
            "candidate_convergence_threshold": candidate_convergence_threshold,
            "candidate_patience": candidate_patience,
            "candidate_epochs": candidate_epochs,
            "output_epochs": output_epochs,
            "init_output_weights": init_output_weights,
            "optimizer_type": optimizer_type,
            "activation_function_name": activation_function_name,
            "auto_snap_best": auto_snap_best,
            "auto_snap_min_epochs": auto_snap_min_epochs,
            "multi_candidate": multi_candidate,
            "candidate_selection": candidate_selection,
            "selected_candidates": selected_candidates,
            "top_candidates": top_candidates,
            "random_candidates": random_candidates,
        }
        body = {**(params or {}), **compact(named)}
        return cast(
            ParamsUpdateResponse, self.request("PATCH", ENDPOINT_TRAINING_PARAMS, json=body)
        )
