"""The data routes: the loaded data set, staging the next one, the live swap and its history.

A staged data set (``stage_dataset``) is used by the next start; a live swap
(``swap_dataset_live``) replaces the data of a running training at once, and only while the
experimental functions are enabled (``set_experimental_functions(True)``), else
``JuniperCascorAuthenticationError`` (HTTP 403, ``experimental_functions_disabled``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from juniper_cascor_client_core.constants import (
    ENDPOINT_DATASET,
    ENDPOINT_DATASET_DATA,
    ENDPOINT_DATASET_SWAPS,
    ENDPOINT_TRAINING_DATASET,
    ENDPOINT_TRAINING_DATASET_LIVE,
    ENDPOINT_TRAINING_DATASET_PENDING,
)
from juniper_cascor_client_rest.responses import (
    DatasetDataResponse,
    DatasetResponse,
    DatasetStagedResponse,
    DatasetSwapsResponse,
    LiveSwapCancelledResponse,
    LiveSwapResponse,
    PendingDatasetResponse,
    StagedDatasetDiscardedResponse,
)
from juniper_cascor_client_rest.routes.base import Requester, compact

__all__ = ["DatasetRoutes"]


def _dataset_config(
    dataset_type: str | None,
    n_samples: int | None,
    noise: float | None,
    rotations: float | None,
    n_spirals: int | None,
    n_squares: int | None,
    params: Mapping[str, Any] | None,
) -> dict[str, Any]:
    return compact(
        {
            "dataset_type": dataset_type,
            "n_samples": n_samples,
            "noise": noise,
            "rotations": rotations,
            "n_spirals": n_spirals,
            "n_squares": n_squares,
            "params": params,
        }
    )


class DatasetRoutes(Requester):
    """``/dataset``, ``/dataset/data``, ``/training/dataset[/pending|/live]`` and
    ``/history/dataset_swaps``."""

    def get_dataset(self) -> DatasetResponse:
        """``GET /dataset``: sizes of the loaded data set (``loaded``, ``train_samples``...).

        Raises:
            JuniperCascorClientError: As ``request()``.
        """
        return cast(DatasetResponse, self.request("GET", ENDPOINT_DATASET))

    def get_dataset_data(self) -> DatasetDataResponse:
        """``GET /dataset/data``: the training samples, ``{train_x, train_y}``.

        Raises:
            JuniperCascorClientError: As ``request()``.
        """
        return cast(DatasetDataResponse, self.request("GET", ENDPOINT_DATASET_DATA))

    def stage_dataset(
        self,
        *,
        dataset_type: str | None = None,
        n_samples: int | None = None,
        noise: float | None = None,
        rotations: float | None = None,
        n_spirals: int | None = None,
        n_squares: int | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> DatasetStagedResponse:
        """``POST /training/dataset``: stage the data set the next start trains on.

        Only the arguments that are not ``None`` are sent; with none, the staging is cleared.

        Args:
            dataset_type: A generator: ``spirals``, ``xor``, ``circles``, ``moons``,
                ``gaussian``, ``checkerboard``, ``mnist``, ``equities``.
            n_samples: Total number of samples.
            noise: Generator noise, 0 to 1.
            rotations: Spiral rotations (spirals only).
            n_spirals: Number of spirals (spirals only).
            n_squares: Squares per side (checkerboard only).
            params: Other generator parameters, forwarded as they are.

        Raises:
            JuniperCascorValidationError: When the server rejects a value.
            JuniperCascorClientError: As ``request()``.
        """
        body = _dataset_config(
            dataset_type, n_samples, noise, rotations, n_spirals, n_squares, params
        )
        return cast(
            DatasetStagedResponse, self.request("POST", ENDPOINT_TRAINING_DATASET, json=body)
        )

    def discard_staged_dataset(self) -> StagedDatasetDiscardedResponse:
        """``DELETE /training/dataset``: forget the staged data set (``{status, discarded}``).

        Raises:
            JuniperCascorClientError: As ``request()``.
        """
        return cast(
            StagedDatasetDiscardedResponse, self.request("DELETE", ENDPOINT_TRAINING_DATASET)
        )

    def get_pending_dataset(self) -> PendingDatasetResponse:
        """``GET /training/dataset/pending``: ``{pending}``, the staged configuration or null.

        Raises:
            JuniperCascorClientError: As ``request()``.
        """
        return cast(PendingDatasetResponse, self.request("GET", ENDPOINT_TRAINING_DATASET_PENDING))

    def swap_dataset_live(
        self,
        *,
        dataset_type: str | None = None,
        n_samples: int | None = None,
        noise: float | None = None,
        rotations: float | None = None,
        n_spirals: int | None = None,
        n_squares: int | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> LiveSwapResponse:
        """``POST /training/dataset/live``: train on another data set now, without stopping.

        The arguments are those of :meth:`stage_dataset`; the new data must have the network's
        input and output sizes.

        Raises:
            JuniperCascorAuthenticationError: While the experimental functions are disabled
                (HTTP 403).
            JuniperCascorValidationError: When training is not running or the sizes differ.
            JuniperCascorClientError: As ``request()``.
        """
        body = _dataset_config(
            dataset_type, n_samples, noise, rotations, n_spirals, n_squares, params
        )
        return cast(
            LiveSwapResponse, self.request("POST", ENDPOINT_TRAINING_DATASET_LIVE, json=body)
        )

    def cancel_live_swap(self) -> LiveSwapCancelledResponse:
        """``DELETE /training/dataset/live``: cancel a live swap in progress.

        Raises:
            JuniperCascorAuthenticationError: While the experimental functions are disabled.
            JuniperCascorNotFoundError: When no swap is in progress.
            JuniperCascorClientError: As ``request()``.
        """
        return cast(
            LiveSwapCancelledResponse, self.request("DELETE", ENDPOINT_TRAINING_DATASET_LIVE)
        )

    def get_dataset_swaps(self, since: str | None = None) -> DatasetSwapsResponse:
        """``GET /history/dataset_swaps[?since=]``: ``{events}``, the live swaps so far.

        Args:
            since: An ISO-8601 UTC timestamp; only later events are returned.

        Raises:
            JuniperCascorClientError: As ``request()``.
        """
        params = None if since is None else {"since": since}
        return cast(
            DatasetSwapsResponse, self.request("GET", ENDPOINT_DATASET_SWAPS, params=params)
        )
