"""Names of the juniper-cascor wire contract: paths, defaults and training states.

Every path is relative to the service base URL; REST paths include the ``/v1`` prefix.
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "API_PREFIX",
    "DEFAULT_BACKOFF_FACTOR",
    "DEFAULT_BASE_URL",
    "DEFAULT_POLL_INTERVAL",
    "DEFAULT_READY_TIMEOUT",
    "DEFAULT_RETRIES",
    "DEFAULT_TIMEOUT",
    "DEFAULT_WS_BASE_URL",
    "ENDPOINT_DATASET",
    "ENDPOINT_DATASET_DATA",
    "ENDPOINT_DECISION_BOUNDARY",
    "ENDPOINT_HEALTH",
    "ENDPOINT_HEALTH_LIVE",
    "ENDPOINT_HEALTH_READY",
    "ENDPOINT_METRICS",
    "ENDPOINT_METRICS_HISTORY",
    "ENDPOINT_NETWORK",
    "ENDPOINT_NETWORK_STATS",
    "ENDPOINT_NETWORK_TOPOLOGY",
    "ENDPOINT_SNAPSHOTS",
    "ENDPOINT_TRAINING_PARAMS",
    "ENDPOINT_TRAINING_PAUSE",
    "ENDPOINT_TRAINING_RESET",
    "ENDPOINT_TRAINING_RESUME",
    "ENDPOINT_TRAINING_START",
    "ENDPOINT_TRAINING_STATUS",
    "ENDPOINT_TRAINING_STOP",
    "ENDPOINT_WORKERS",
    "ENDPOINT_WORKERS_STATS",
    "PHASE_CANDIDATE",
    "PHASE_IDLE",
    "PHASE_OUTPUT",
    "RUNTIME_PARAMS",
    "STATE_COMPLETED",
    "STATE_FAILED",
    "STATE_PAUSED",
    "STATE_STARTED",
    "STATE_STOPPED",
    "TRAINING_STATES",
    "WS_CONTROL_PATH",
    "WS_TRAINING_PATH",
    "WS_WORKERS_PATH",
]

API_PREFIX: Final = "/v1"

ENDPOINT_HEALTH: Final = "/v1/health"
ENDPOINT_HEALTH_LIVE: Final = "/v1/health/live"
ENDPOINT_HEALTH_READY: Final = "/v1/health/ready"
ENDPOINT_NETWORK: Final = "/v1/network"
ENDPOINT_NETWORK_TOPOLOGY: Final = "/v1/network/topology"
ENDPOINT_NETWORK_STATS: Final = "/v1/network/stats"
ENDPOINT_TRAINING_START: Final = "/v1/training/start"
ENDPOINT_TRAINING_STOP: Final = "/v1/training/stop"
ENDPOINT_TRAINING_PAUSE: Final = "/v1/training/pause"
ENDPOINT_TRAINING_RESUME: Final = "/v1/training/resume"
ENDPOINT_TRAINING_RESET: Final = "/v1/training/reset"
ENDPOINT_TRAINING_STATUS: Final = "/v1/training/status"
ENDPOINT_TRAINING_PARAMS: Final = "/v1/training/params"
ENDPOINT_METRICS: Final = "/v1/metrics"
ENDPOINT_METRICS_HISTORY: Final = "/v1/metrics/history"
ENDPOINT_DATASET: Final = "/v1/dataset"
ENDPOINT_DATASET_DATA: Final = "/v1/dataset/data"
ENDPOINT_DECISION_BOUNDARY: Final = "/v1/decision-boundary"
ENDPOINT_SNAPSHOTS: Final = "/v1/snapshots"
ENDPOINT_WORKERS: Final = "/v1/workers"
ENDPOINT_WORKERS_STATS: Final = "/v1/workers/stats"

WS_TRAINING_PATH: Final = "/ws/training"
WS_CONTROL_PATH: Final = "/ws/control"
WS_WORKERS_PATH: Final = "/ws/v1/workers"

DEFAULT_BASE_URL: Final = "http://localhost:8200"
DEFAULT_WS_BASE_URL: Final = "ws://localhost:8200"
DEFAULT_TIMEOUT: Final = 30.0
DEFAULT_RETRIES: Final = 3
DEFAULT_BACKOFF_FACTOR: Final = 0.5
DEFAULT_READY_TIMEOUT: Final = 30.0
DEFAULT_POLL_INTERVAL: Final = 0.5

# Training state machine (``data.state_machine.status`` of the training status).
STATE_STOPPED: Final = "Stopped"
STATE_STARTED: Final = "Started"
STATE_PAUSED: Final = "Paused"
STATE_COMPLETED: Final = "Completed"
STATE_FAILED: Final = "Failed"
TRAINING_STATES: Final = (STATE_STOPPED, STATE_STARTED, STATE_PAUSED, STATE_COMPLETED, STATE_FAILED)

# Training phases (``data.state_machine.phase``).
PHASE_IDLE: Final = "Idle"
PHASE_OUTPUT: Final = "Output"
PHASE_CANDIDATE: Final = "Candidate"

# Keys that ``PATCH /v1/training/params`` accepts while training runs.
RUNTIME_PARAMS: Final = frozenset(
    {
        "learning_rate",
        "candidate_learning_rate",
        "correlation_threshold",
        "candidate_pool_size",
        "max_hidden_units",
        "epochs_max",
        "patience",
    }
)
