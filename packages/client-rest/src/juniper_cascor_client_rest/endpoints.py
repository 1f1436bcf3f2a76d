"""The named REST endpoints of the juniper-cascor service, one method each.

:class:`CascorEndpoints` turns each method into a :meth:`~CascorEndpoints.request` call under
``/v1``; :class:`~juniper_cascor_client_rest.client.JuniperCascorClient` supplies ``request``.
Every method returns the parsed JSON envelope (``{"status", "data", "meta"}``) and raises the
exceptions listed for ``request`` (for example ``JuniperCascorNotFoundError`` when no network
exists, ``JuniperCascorConflictError`` when training is not in the right state).
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import Any

from juniper_cascor_client_rest.paths import snapshot_segment, worker_segment

__all__ = ["CascorEndpoints"]

logger = logging.getLogger("juniper_cascor_client_rest")


class CascorEndpoints(ABC):
    """One method per REST endpoint; subclasses provide :meth:`request`."""

    @abstractmethod
    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        timeout: float | tuple[float, float] | None = None,
    ) -> dict[str, Any]:
        """Send ``method`` to ``{base_url}/v1{path}`` and return the parsed JSON body."""

    # -- health -----------------------------------------------------------------------------

    def health_check(self) -> dict[str, Any]:
        """``GET /health``: the service's health report.

        Raises:
            JuniperCascorClientError: As :meth:`request`.
        """
        return self.request("GET", "/health")

    # -- network ----------------------------------------------------------------------------

    def create_network(
        self,
        *,
        input_size: int | None = None,
        output_size: int | None = None,
        learning_rate: float | None = None,
        candidate_learning_rate: float | None = None,
        max_hidden_units: int | None = None,
        candidate_pool_size: int | None = None,
        correlation_threshold: float | None = None,
        patience: int | None = None,
        candidate_epochs: int | None = None,
        output_epochs: int | None = None,
        max_iterations: int | None = None,
        init_output_weights: str | None = None,
        optimizer_type: str | None = None,
        activation_function_name: str | None = None,
        **extra: Any,
    ) -> dict[str, Any]:
        """``POST /network``: create a network. Only the arguments that are not ``None`` are sent.

        Keys in ``extra`` are forwarded as they are (for options newer than this client), and a
        WARNING naming them is logged so a misspelt option does not pass unnoticed.

        Raises:
            JuniperCascorValidationError: When the server rejects the configuration.
            JuniperCascorClientError: As :meth:`request`.
        """
        named = {
            "input_size": input_size,
            "output_size": output_size,
            "learning_rate": learning_rate,
            "candidate_learning_rate": candidate_learning_rate,
            "max_hidden_units": max_hidden_units,
            "candidate_pool_size": candidate_pool_size,
            "correlation_threshold": correlation_threshold,
            "patience": patience,
            "candidate_epochs": candidate_epochs,
            "output_epochs": output_epochs,
            "max_iterations": max_iterations,
            "init_output_weights": init_output_weights,
            "optimizer_type": optimizer_type,
            "activation_function_name": activation_function_name,
        }
        forwarded = sorted(key for key, value in extra.items() if value is not None)
        if forwarded:
            logger.warning(
                "create_network: forwarding keys this client does not know: %s",
                ", ".join(forwarded),
            )
        body = {key: value for key, value in {**named, **extra}.items() if value is not None}
        return self.request("POST", "/network", json=body)

    def get_network(self) -> dict[str, Any]:
        """``GET /network``: the current network.

        Raises:
            JuniperCascorNotFoundError: When no network exists.
            JuniperCascorClientError: As :meth:`request`.
        """
        return self.request("GET", "/network")

    def delete_network(self) -> dict[str, Any]:
        """``DELETE /network``: delete the current network.

        Raises:
            JuniperCascorClientError: As :meth:`request`.
        """
        return self.request("DELETE", "/network")

    def get_topology(self) -> dict[str, Any]:
        """``GET /network/topology``: units and connections of the network.

        Raises:
            JuniperCascorClientError: As :meth:`request`.
        """
        return self.request("GET", "/network/topology")

    def get_statistics(self) -> dict[str, Any]:
        """``GET /network/stats``: statistics of the network.

        Raises:
            JuniperCascorClientError: As :meth:`request`.
        """
        return self.request("GET", "/network/stats")

    # -- training ---------------------------------------------------------------------------

    def start_training(
        self,
        epochs: int | None = None,
        dataset: Mapping[str, Any] | None = None,
        inline_data: Mapping[str, Any] | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """``POST /training/start``; the body holds only the arguments that are not ``None``.

        Args:
            epochs: Epoch budget of the run.
            dataset: Dataset selection, e.g. ``{"source": "inline"}``.
            inline_data: ``{"train_x", "train_y", "val_x"?, "val_y"?}`` for an inline dataset.
            params: Training parameters for this run.

        Raises:
            JuniperCascorConflictError: When training is already running.
            JuniperCascorClientError: As :meth:`request`.
        """
        fields = {
            "epochs": epochs,
            "dataset": dataset,
            "inline_data": inline_data,
            "params": params,
        }
        body = {key: value for key, value in fields.items() if value is not None}
        return self.request("POST", "/training/start", json=body)

    def stop_training(self) -> dict[str, Any]:
        """``POST /training/stop`` (no body).

        Raises:
            JuniperCascorClientError: As :meth:`request`.
        """
        return self.request("POST", "/training/stop")

    def pause_training(self) -> dict[str, Any]:
        """``POST /training/pause`` (no body).

        Raises:
            JuniperCascorClientError: As :meth:`request`.
        """
        return self.request("POST", "/training/pause")

    def resume_training(self) -> dict[str, Any]:
        """``POST /training/resume`` (no body).

        Raises:
            JuniperCascorClientError: As :meth:`request`.
        """
        return self.request("POST", "/training/resume")

    def reset_training(self) -> dict[str, Any]:
        """``POST /training/reset`` (no body).

        Raises:
            JuniperCascorClientError: As :meth:`request`.
        """
        return self.request("POST", "/training/reset")

    def get_training_status(self) -> dict[str, Any]:
        """``GET /training/status``: ``data.training_active``, ``data.state_machine``...

        Raises:
            JuniperCascorClientError: As :meth:`request`.
        """
        return self.request("GET", "/training/status")

    def get_training_params(self) -> dict[str, Any]:
        """``GET /training/params``: the current training parameters.

        Raises:
            JuniperCascorClientError: As :meth:`request`.
        """
        return self.request("GET", "/training/params")

    def update_params(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """``PATCH /training/params`` with ``params`` as the body.

        Raises:
            JuniperCascorValidationError: When the server rejects a key or a value.
            JuniperCascorClientError: As :meth:`request`.
        """
        return self.request("PATCH", "/training/params", json=dict(params))

    # -- metrics, dataset -------------------------------------------------------------------

    def get_metrics(self) -> dict[str, Any]:
        """``GET /metrics``: the latest metrics (e.g. ``data.train_loss``).

        Raises:
            JuniperCascorClientError: As :meth:`request`.
        """
        return self.request("GET", "/metrics")

    def get_metrics_history(self, count: int | None = None) -> dict[str, Any]:
        """``GET /metrics/history``, with ``?count=`` only when ``count`` is given.

        Raises:
            JuniperCascorClientError: As :meth:`request`.
        """
        params = None if count is None else {"count": count}
        return self.request("GET", "/metrics/history", params=params)

    def get_dataset(self) -> dict[str, Any]:
        """``GET /dataset``: the dataset's description.

        Raises:
            JuniperCascorClientError: As :meth:`request`.
        """
        return self.request("GET", "/dataset")

    def get_dataset_data(self) -> dict[str, Any]:
        """``GET /dataset/data``: the dataset's samples.

        Raises:
            JuniperCascorClientError: As :meth:`request`.
        """
        return self.request("GET", "/dataset/data")

    def get_decision_boundary(self, resolution: int = 50) -> dict[str, Any]:
        """``GET /decision-boundary?resolution=``; the server accepts 5 to 200.

        Raises:
            JuniperCascorValidationError: When the server rejects the resolution.
            JuniperCascorClientError: As :meth:`request`.
        """
        return self.request("GET", "/decision-boundary", params={"resolution": resolution})

    # -- snapshots --------------------------------------------------------------------------

    def list_snapshots(self) -> dict[str, Any]:
        """``GET /snapshots``: ``data`` lists ``{id, path, size_bytes, modified, ...}``.

        Raises:
            JuniperCascorClientError: As :meth:`request`.
        """
        return self.request("GET", "/snapshots")

    def get_snapshot(self, snapshot_id: str) -> dict[str, Any]:
        """``GET /snapshots/{snapshot_id}``.

        Raises:
            JuniperCascorValidationError: When the id does not match ``^[A-Za-z0-9_-]{1,128}$``
                (nothing is sent).
            JuniperCascorNotFoundError: When there is no such snapshot.
            JuniperCascorClientError: As :meth:`request`.
        """
        return self.request("GET", f"/snapshots/{snapshot_segment(snapshot_id)}")

    def save_snapshot(self, description: str = "") -> dict[str, Any]:
        """``POST /snapshots`` with ``{"description": description}``.

        Raises:
            JuniperCascorClientError: As :meth:`request`.
        """
        return self.request("POST", "/snapshots", json={"description": description})

    def load_snapshot(self, snapshot_id: str) -> dict[str, Any]:
        """``POST /snapshots/{snapshot_id}/restore``: restore a snapshot.

        Raises:
            JuniperCascorValidationError: When the id does not match ``^[A-Za-z0-9_-]{1,128}$``
                (nothing is sent).
            JuniperCascorNotFoundError: When there is no such snapshot.
            JuniperCascorClientError: As :meth:`request`.
        """
        return self.request("POST", f"/snapshots/{snapshot_segment(snapshot_id)}/restore")

    # -- workers ----------------------------------------------------------------------------

    def list_workers(self) -> dict[str, Any]:
        """``GET /workers``: ``data = {"workers": [...], "count": n}``.

        Raises:
            JuniperCascorServiceUnavailableError: When the worker system is off.
            JuniperCascorClientError: As :meth:`request`.
        """
        return self.request("GET", "/workers")

    def get_worker(self, worker_id: str) -> dict[str, Any]:
        """``GET /workers/{worker_id}``.

        Raises:
            JuniperCascorValidationError: When the id is not a valid worker id (nothing is sent).
            JuniperCascorNotFoundError: When the worker is unknown.
            JuniperCascorServiceUnavailableError: When the worker system is off.
            JuniperCascorClientError: As :meth:`request`.
        """
        return self.request("GET", f"/workers/{worker_segment(worker_id)}")

    def get_worker_stats(self) -> dict[str, Any]:
        """``GET /workers/stats``: counts of idle, busy and stale workers, task totals...

        Raises:
            JuniperCascorServiceUnavailableError: When the worker system is off.
            JuniperCascorClientError: As :meth:`request`.
        """
        return self.request("GET", "/workers/stats")
