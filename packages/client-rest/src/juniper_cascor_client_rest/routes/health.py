"""The health routes. The server answers them with flat bodies, not the success envelope, and
without asking for an API key."""

from __future__ import annotations

from typing import cast

from juniper_cascor_client_core.constants import (
    ENDPOINT_HEALTH,
    ENDPOINT_HEALTH_LIVE,
    ENDPOINT_HEALTH_READY,
)
from juniper_cascor_client_rest.responses import HealthResponse, LivenessResponse, ReadinessResponse
from juniper_cascor_client_rest.routes.base import Requester

__all__ = ["HealthRoutes"]


class HealthRoutes(Requester):
    """``GET /health``, ``/health/live`` and ``/health/ready``, returned as the server sends
    them (the yes/no probes ``is_alive`` and ``is_ready`` are on the client)."""

    def health_check(self) -> HealthResponse:
        """``GET /health``: ``{status, version, service, git_sha, build_date}``.

        Raises:
            JuniperCascorClientError: As ``request()``.
        """
        return cast(HealthResponse, self.request("GET", ENDPOINT_HEALTH))

    def get_liveness(self) -> LivenessResponse:
        """``GET /health/live``: ``{status: "alive", ...}``.

        Raises:
            JuniperCascorClientError: As ``request()``.
        """
        return cast(LivenessResponse, self.request("GET", ENDPOINT_HEALTH_LIVE))

    def get_readiness(self) -> ReadinessResponse:
        """``GET /health/ready``: ``{status, dependencies, details: {network_loaded,
        training_state}, ...}``.

        Raises:
            JuniperCascorServiceUnavailableError: When the server answers 503 (not ready).
            JuniperCascorClientError: As ``request()``.
        """
        return cast(ReadinessResponse, self.request("GET", ENDPOINT_HEALTH_READY))
