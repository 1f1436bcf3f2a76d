"""The network routes: its lifecycle, its shape, its surgery and its decision boundary.

The surgery routes (``patch_network_weights``, ``add_hidden_unit``, ``remove_hidden_unit``) are
only allowed while the server is ``INVESTIGATING`` a restored snapshot (``load_snapshot``);
in any other state they raise ``JuniperCascorConflictError``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any, cast

from juniper_cascor_client_core.constants import (
    ENDPOINT_DECISION_BOUNDARY,
    ENDPOINT_HIDDEN_UNIT_BY_INDEX_TEMPLATE,
    ENDPOINT_HIDDEN_UNITS,
    ENDPOINT_NETWORK,
    ENDPOINT_NETWORK_STATS,
    ENDPOINT_NETWORK_TOPOLOGY,
    ENDPOINT_NETWORK_WEIGHTS,
)
from juniper_cascor_client_core.defaults import DEFAULT_DECISION_BOUNDARY_RESOLUTION
from juniper_cascor_client_rest.responses import (
    DecisionBoundaryResponse,
    HiddenUnitAddedResponse,
    HiddenUnitRemovedResponse,
    NetworkDeletedResponse,
    NetworkResponse,
    NetworkStatsResponse,
    TopologyResponse,
    WeightsPatchedResponse,
)
from juniper_cascor_client_rest.routes.base import Requester, compact, path_index

__all__ = ["NetworkRoutes"]

logger = logging.getLogger("juniper_cascor_client_rest")


class NetworkRoutes(Requester):
    """``/network``, ``/network/topology``, ``/network/stats``, ``/network/weights``,
    ``/network/hidden-units`` and ``/decision-boundary``."""

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
    ) -> NetworkResponse:
        """``POST /network``: create a network. Only the arguments that are not ``None`` are sent.

        Keys in ``extra`` are forwarded as they are (for options newer than this client), and a
        WARNING naming them is logged: the server ignores keys it does not know, so a misspelt
        option would otherwise pass unnoticed.

        Raises:
            JuniperCascorValidationError: When the server rejects the configuration.
            JuniperCascorClientError: As ``request()``.
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
        return cast(
            NetworkResponse,
            self.request("POST", ENDPOINT_NETWORK, json=compact({**named, **extra})),
        )

    def get_network(self) -> NetworkResponse:
        """``GET /network``: ``{uuid, input_size, output_size, hidden_units, ...}``.

        Raises:
            JuniperCascorNotFoundError: When no network exists.
            JuniperCascorClientError: As ``request()``.
        """
        return cast(NetworkResponse, self.request("GET", ENDPOINT_NETWORK))

    def delete_network(self) -> NetworkDeletedResponse:
        """``DELETE /network``: ``{deleted}``.

        Raises:
            JuniperCascorClientError: As ``request()``.
        """
        return cast(NetworkDeletedResponse, self.request("DELETE", ENDPOINT_NETWORK))

    def get_topology(self) -> TopologyResponse:
        """``GET /network/topology``: hidden units, output weights and bias.

        Raises:
            JuniperCascorNotFoundError: When no network exists.
            JuniperCascorClientError: As ``request()``.
        """
        return cast(TopologyResponse, self.request("GET", ENDPOINT_NETWORK_TOPOLOGY))

    def get_statistics(self) -> NetworkStatsResponse:
        """``GET /network/stats``: output-weight statistics and the hidden-unit count.

        Raises:
            JuniperCascorNotFoundError: When no network exists.
            JuniperCascorClientError: As ``request()``.
        """
        return cast(NetworkStatsResponse, self.request("GET", ENDPOINT_NETWORK_STATS))

    def patch_network_weights(
        self,
        *,
        target: str,
        field: str,
        values: Sequence[Any],
        hidden_unit_index: int | None = None,
        dtype: str | None = None,
    ) -> WeightsPatchedResponse:
        """``PATCH /network/weights``: replace one group of weights, whole.

        Args:
            target: ``"output"`` or ``"hidden_unit"``.
            field: ``"weights"`` or ``"bias"``.
            values: The new values, in exactly the shape of what they replace (for the output
                weights one row per input and hidden unit, one column per output).
            hidden_unit_index: Which unit, required with ``target="hidden_unit"``.
            dtype: ``"float32"`` (the server's default) or ``"float64"``.

        Raises:
            JuniperCascorConflictError: Unless the server is ``INVESTIGATING``.
            JuniperCascorValidationError: For a wrong shape or non-finite values.
            JuniperCascorNotFoundError: For an unknown hidden unit.
            JuniperCascorClientError: As ``request()``.
        """
        body = compact(
            {
                "target": target,
                "field": field,
                "values": values,
                "hidden_unit_index": hidden_unit_index,
                "dtype": dtype,
            }
        )
        return cast(
            WeightsPatchedResponse, self.request("PATCH", ENDPOINT_NETWORK_WEIGHTS, json=body)
        )

    def add_hidden_unit(
        self,
        weights: Sequence[float],
        *,
        bias: float | None = None,
        activation: str | None = None,
        position: str | None = None,
    ) -> HiddenUnitAddedResponse:
        """``POST /network/hidden-units``: append a unit whose output weights start at zero.

        Args:
            weights: One weight per input and per existing hidden unit.
            bias: The unit's bias (the server's default is 0.0).
            activation: Its activation, e.g. ``"Tanh"`` (the default) or ``"Sigmoid"``.
            position: Where to insert it; the server accepts only ``"tail"`` (the default).

        Raises:
            JuniperCascorConflictError: Unless the server is ``INVESTIGATING``, or at
                ``max_hidden_units``.
            JuniperCascorValidationError: For a wrong number of weights or non-finite values.
            JuniperCascorClientError: As ``request()``.
        """
        body = compact(
            {"weights": weights, "bias": bias, "activation": activation, "position": position}
        )
        return cast(HiddenUnitAddedResponse, self.request("POST", ENDPOINT_HIDDEN_UNITS, json=body))

    def remove_hidden_unit(self, idx: int) -> HiddenUnitRemovedResponse:
        """``DELETE /network/hidden-units/{idx}``: remove a unit; the later ones move down.

        Raises:
            JuniperCascorValidationError: When ``idx`` is not an int (nothing is sent).
            JuniperCascorConflictError: Unless the server is ``INVESTIGATING``.
            JuniperCascorNotFoundError: For an index out of range.
            JuniperCascorClientError: As ``request()``.
        """
        path = ENDPOINT_HIDDEN_UNIT_BY_INDEX_TEMPLATE.format(idx=path_index(idx, "idx"))
        return cast(HiddenUnitRemovedResponse, self.request("DELETE", path))

    def get_decision_boundary(
        self, resolution: int = DEFAULT_DECISION_BOUNDARY_RESOLUTION
    ) -> DecisionBoundaryResponse:
        """``GET /decision-boundary?resolution=``: the network's output over a grid of the first
        two inputs (``grid_x``, ``grid_y``, ``predictions``...); the server accepts 5 to 200.

        Raises:
            JuniperCascorValidationError: When the server rejects the resolution.
            JuniperCascorNotFoundError: Without a network or training data.
            JuniperCascorClientError: As ``request()``.
        """
        return cast(
            DecisionBoundaryResponse,
            self.request("GET", ENDPOINT_DECISION_BOUNDARY, params={"resolution": resolution}),
        )
