"""The metrics routes: the latest values, the history and the training stream's transport."""

from __future__ import annotations

from typing import cast

from juniper_cascor_client_core.constants import (
    ENDPOINT_METRICS,
    ENDPOINT_METRICS_HISTORY,
    ENDPOINT_METRICS_TRANSPORT,
)
from juniper_cascor_client_rest.responses import (
    LatestMetricsResponse,
    MetricsHistoryResponse,
    TransportMetricsResponse,
)
from juniper_cascor_client_rest.routes.base import Requester

__all__ = ["MetricsRoutes"]


class MetricsRoutes(Requester):
    """``GET /metrics``, ``/metrics/history`` and ``/metrics/transport``."""

    def get_metrics(self) -> LatestMetricsResponse:
        """``GET /metrics``: the latest metrics (``train_loss``, ``train_accuracy``...).

        Raises:
            JuniperCascorClientError: As ``request()``.
        """
        return cast(LatestMetricsResponse, self.request("GET", ENDPOINT_METRICS))

    def get_metrics_history(self, count: int | None = None) -> MetricsHistoryResponse:
        """``GET /metrics/history[?count=]``: ``data`` is a list of metric entries, the last
        ``count`` when it is given.

        Raises:
            JuniperCascorValidationError: When ``count`` is below 1.
            JuniperCascorClientError: As ``request()``.
        """
        params = None if count is None else {"count": count}
        return cast(
            MetricsHistoryResponse, self.request("GET", ENDPOINT_METRICS_HISTORY, params=params)
        )

    def get_transport_metrics(self) -> TransportMetricsResponse:
        """``GET /metrics/transport``: counters of the ``/ws/training`` broadcaster
        (connections, sequence, replay buffer, bytes and messages sent...).

        Raises:
            JuniperCascorClientError: As ``request()``.
        """
        return cast(TransportMetricsResponse, self.request("GET", ENDPOINT_METRICS_TRANSPORT))
