"""The answers of the worker and administration routes."""

from typing import Any, TypeAlias, TypedDict

from juniper_cascor_client_rest.responses._envelope import Envelope


class WorkerInfo(TypedDict):
    """One remote candidate worker; ``capabilities`` are what it registered with."""

    worker_id: str
    capabilities: dict[str, Any]
    connected_at: float
    last_heartbeat: float
    idle: bool
    active_task_id: str | None
    in_flight_tasks: int
    tasks_completed: int
    tasks_failed: int
    health_score: float
    last_task_completed_at: float | None
    last_task_duration_seconds: float | None
    recent_task_durations_seconds: list[float]
    rss_mb: float | None
    gpu_utilization_pct: float | None


class WorkerList(TypedDict):
    """``GET /workers``."""

    count: int
    workers: list[WorkerInfo]


class WorkerStats(TypedDict):
    """``GET /workers/stats``."""

    total: int
    idle: int
    busy: int
    stale: int
    total_tasks_completed: int
    total_tasks_failed: int
    average_health_score: float
    timestamp: float


class ExperimentalFunctions(TypedDict):
    """``GET /admin/experimental_functions``."""

    enabled: bool


class ExperimentalFunctionsSet(TypedDict):
    """``POST /admin/experimental_functions``."""

    experimental_functions_enabled: bool


WorkerListResponse: TypeAlias = Envelope[WorkerList]
WorkerStatsResponse: TypeAlias = Envelope[WorkerStats]
WorkerResponse: TypeAlias = Envelope[WorkerInfo]
ExperimentalFunctionsResponse: TypeAlias = Envelope[ExperimentalFunctions]
ExperimentalFunctionsSetResponse: TypeAlias = Envelope[ExperimentalFunctionsSet]
