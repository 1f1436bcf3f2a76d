"""The answers of the health routes: flat bodies, not the envelope."""

from typing import TypedDict

from juniper_cascor_client_core.payloads import TrainingStateData


class HealthResponse(TypedDict):
    """``GET /health``: ``status`` is ``"ok"``."""

    status: str
    version: str
    service: str
    git_sha: str | None
    build_date: str | None


class LivenessResponse(TypedDict):
    """``GET /health/live``: ``status`` is ``"alive"``."""

    status: str
    tick: str
    duration_ms: float


class DependencyCheck(TypedDict):
    """One dependency of the readiness answer."""

    name: str
    status: str
    message: str
    latency_ms: float | None


class ReadinessDetails(TypedDict):
    """``details`` of the readiness answer."""

    network_loaded: bool
    training_state: TrainingStateData


class ReadinessResponse(HealthResponse):
    """``GET /health/ready``: ``status`` is ``"ready"``."""

    timestamp: float
    dependencies: dict[str, DependencyCheck]
    details: ReadinessDetails
