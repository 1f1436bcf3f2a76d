"""Names of the juniper-cascor wire contract: paths, defaults, message types and states.

Every name of the upstream client's ``juniper_cascor_client.constants`` (0.8) is here with its
upstream value, so code written against it keeps working, plus a few names of our own
(``API_PREFIX``, ``DEFAULT_TIMEOUT``, ``DEFAULT_RETRIES``, ``DEFAULT_POLL_INTERVAL``,
``WS_WORKERS_PATH``, ``STATE_*``, ``TRAINING_STATES``, ``PHASE_*``, ``RUNTIME_PARAMS``, and
the ``ENDPOINT_*`` names of the routes the upstream client had none for).

REST endpoints (``ENDPOINT_*``) are relative to ``API_VERSION_PATH`` (``/v1``), as the REST
client's ``request()`` and its ``_get``/``_post``/``_patch``/``_delete`` take them:
``client.request("POST", ENDPOINT_TRAINING_START)``. WebSocket paths (``WS_*_PATH``) are
absolute. The ``*_TEMPLATE`` endpoints take ``str.format`` keywords (``snapshot_id``,
``worker_id``, ``idx``). The clients build their requests from these names, so they are the
paths actually sent.

State names are spelled as the real server sends them: ``TRAINING_STATE_*`` (upper case) in
``data.state_machine.status`` of ``GET /v1/training/status`` and ``initial_status`` frames;
``STATE_*`` (title case) in ``data.training_state.status`` and ``state`` frames. The server's
phases are ``IDLE``/``OUTPUT``/``CANDIDATE`` in ``state_machine.phase`` and ``PHASE_*`` (title
case) in ``training_state.phase``.

Some values describe the upstream client's own transport (``DEFAULT_POOL_MAXSIZE``,
``RETRYABLE_STATUS_CODES``...). The defaults our clients use are those of
:mod:`juniper_cascor_client_core.defaults`; the ``DEFAULT_*`` names here that they share are
read from it.
"""

from __future__ import annotations

from typing import Final

from juniper_cascor_client_core import credentials, defaults

__all__ = [
    "API_KEY_ENV_VAR",
    "API_KEY_HEADER_NAME",
    "API_PREFIX",
    "API_VERSION_PATH",
    "AUTO_PONG_REMOVAL_VERSION",
    "DEFAULT_BACKOFF_FACTOR",
    "DEFAULT_BACKOFF_JITTER",
    "DEFAULT_BASE_URL",
    "DEFAULT_CONTROL_STREAM_TIMEOUT",
    "DEFAULT_DECISION_BOUNDARY_RESOLUTION",
    "DEFAULT_EPOCHS_MAX_FALLBACK",
    "DEFAULT_LIVENESS_WINDOW_SEC",
    "DEFAULT_POLL_INTERVAL",
    "DEFAULT_POOL_CONNECTIONS",
    "DEFAULT_POOL_MAXSIZE",
    "DEFAULT_READY_POLL_INTERVAL",
    "DEFAULT_READY_TIMEOUT",
    "DEFAULT_REQUEST_TIMEOUT",
    "DEFAULT_RETRIES",
    "DEFAULT_RETRY_COUNT",
    "DEFAULT_SET_PARAMS_TIMEOUT",
    "DEFAULT_TIMEOUT",
    "DEFAULT_URL_SCHEME_PREFIX",
    "DEFAULT_WS_BASE_URL",
    "ENDPOINT_DATASET",
    "ENDPOINT_DATASET_DATA",
    "ENDPOINT_DATASET_SWAPS",
    "ENDPOINT_DECISION_BOUNDARY",
    "ENDPOINT_EXPERIMENTAL_FUNCTIONS",
    "ENDPOINT_HEALTH",
    "ENDPOINT_HEALTH_LIVE",
    "ENDPOINT_HEALTH_READY",
    "ENDPOINT_HIDDEN_UNITS",
    "ENDPOINT_HIDDEN_UNIT_BY_INDEX_TEMPLATE",
    "ENDPOINT_METRICS",
    "ENDPOINT_METRICS_HISTORY",
    "ENDPOINT_METRICS_TRANSPORT",
    "ENDPOINT_NETWORK",
    "ENDPOINT_NETWORK_STATS",
    "ENDPOINT_NETWORK_TOPOLOGY",
    "ENDPOINT_NETWORK_WEIGHTS",
    "ENDPOINT_SNAPSHOTS",
    "ENDPOINT_SNAPSHOT_BY_ID_TEMPLATE",
    "ENDPOINT_SNAPSHOT_DATASET_SWAPS_TEMPLATE",
    "ENDPOINT_SNAPSHOT_REPLAY_CONTROL_TEMPLATE",
    "ENDPOINT_SNAPSHOT_REPLAY_TEMPLATE",
    "ENDPOINT_SNAPSHOT_RESTORE_TEMPLATE",
    "ENDPOINT_SNAPSHOT_RESUME_TEMPLATE",
    "ENDPOINT_SNAPSHOT_RETRAIN_TEMPLATE",
    "ENDPOINT_TRAINING_DATASET",
    "ENDPOINT_TRAINING_DATASET_LIVE",
    "ENDPOINT_TRAINING_DATASET_PENDING",
    "ENDPOINT_TRAINING_METRICS_CLEAR",
    "ENDPOINT_TRAINING_METRICS_CLEAR_UNDO",
    "ENDPOINT_TRAINING_PARAMS",
    "ENDPOINT_TRAINING_PAUSE",
    "ENDPOINT_TRAINING_RESET",
    "ENDPOINT_TRAINING_RESUME",
    "ENDPOINT_TRAINING_START",
    "ENDPOINT_TRAINING_STATUS",
    "ENDPOINT_TRAINING_STOP",
    "ENDPOINT_WORKERS",
    "ENDPOINT_WORKERS_STATS",
    "ENDPOINT_WORKER_BY_ID_TEMPLATE",
    "HTTP_400_BAD_REQUEST",
    "HTTP_404_NOT_FOUND",
    "HTTP_409_CONFLICT",
    "HTTP_422_UNPROCESSABLE_ENTITY",
    "HTTP_503_SERVICE_UNAVAILABLE",
    "MAX_DECISION_BOUNDARY_RESOLUTION",
    "MAX_PENDING_COMMANDS",
    "MIN_DECISION_BOUNDARY_RESOLUTION",
    "PHASE_CANDIDATE",
    "PHASE_IDLE",
    "PHASE_OUTPUT",
    "RETRYABLE_STATUS_CODES",
    "RETRY_ALLOWED_METHODS",
    "RUNTIME_PARAMS",
    "STATE_COMPLETED",
    "STATE_FAILED",
    "STATE_PAUSED",
    "STATE_STARTED",
    "STATE_STOPPED",
    "TRAINING_STATES",
    "TRAINING_STATE_COMPLETED",
    "TRAINING_STATE_FAILED",
    "TRAINING_STATE_PAUSED",
    "TRAINING_STATE_STARTED",
    "TRAINING_STATE_STOPPED",
    "URL_SCHEME_PREFIXES",
    "WS_CONTROL_PATH",
    "WS_MSG_TYPE_CANDIDATE_PROGRESS",
    "WS_MSG_TYPE_CASCADE_ADD",
    "WS_MSG_TYPE_COMMAND_OUT",
    "WS_MSG_TYPE_COMMAND_RESPONSE",
    "WS_MSG_TYPE_CONNECTION_ESTABLISHED",
    "WS_MSG_TYPE_EVENT",
    "WS_MSG_TYPE_METRICS",
    "WS_MSG_TYPE_PING",
    "WS_MSG_TYPE_PONG",
    "WS_MSG_TYPE_STATE",
    "WS_MSG_TYPE_TOPOLOGY",
    "WS_ORIGIN_ENV_VAR",
    "WS_TRAINING_PATH",
    "WS_WORKERS_PATH",
]

# -- service ---------------------------------------------------------------------------------
DEFAULT_BASE_URL: Final = defaults.DEFAULT_BASE_URL
DEFAULT_WS_BASE_URL: Final = defaults.DEFAULT_WS_BASE_URL
API_VERSION_PATH: Final = "/v1"
API_PREFIX: Final = API_VERSION_PATH
URL_SCHEME_PREFIXES: Final = ("http://", "https://")
"""Prefixes a base URL may carry; anything else gets ``DEFAULT_URL_SCHEME_PREFIX``."""
DEFAULT_URL_SCHEME_PREFIX: Final = "http://"

# -- authentication and origin ---------------------------------------------------------------
API_KEY_HEADER_NAME: Final = credentials.API_KEY_HEADER
API_KEY_ENV_VAR: Final = credentials.API_KEY_ENV
WS_ORIGIN_ENV_VAR: Final = credentials.WS_ORIGIN_ENV
"""Environment variable holding the ``Origin`` the streams send (``/ws/control`` needs one on
the server's allowlist)."""

# -- REST endpoints, relative to API_VERSION_PATH ----------------------------------------------
ENDPOINT_HEALTH: Final = "/health"
ENDPOINT_HEALTH_LIVE: Final = "/health/live"
ENDPOINT_HEALTH_READY: Final = "/health/ready"
ENDPOINT_NETWORK: Final = "/network"
ENDPOINT_NETWORK_TOPOLOGY: Final = "/network/topology"
ENDPOINT_NETWORK_STATS: Final = "/network/stats"
ENDPOINT_TRAINING_START: Final = "/training/start"
ENDPOINT_TRAINING_STOP: Final = "/training/stop"
ENDPOINT_TRAINING_PAUSE: Final = "/training/pause"
ENDPOINT_TRAINING_RESUME: Final = "/training/resume"
ENDPOINT_TRAINING_RESET: Final = "/training/reset"
ENDPOINT_TRAINING_STATUS: Final = "/training/status"
ENDPOINT_TRAINING_PARAMS: Final = "/training/params"
ENDPOINT_METRICS: Final = "/metrics"
ENDPOINT_METRICS_HISTORY: Final = "/metrics/history"
ENDPOINT_DATASET: Final = "/dataset"
ENDPOINT_DATASET_DATA: Final = "/dataset/data"
ENDPOINT_DECISION_BOUNDARY: Final = "/decision-boundary"
ENDPOINT_SNAPSHOTS: Final = "/snapshots"
ENDPOINT_SNAPSHOT_BY_ID_TEMPLATE: Final = "/snapshots/{snapshot_id}"
ENDPOINT_SNAPSHOT_RESTORE_TEMPLATE: Final = "/snapshots/{snapshot_id}/restore"
ENDPOINT_WORKERS: Final = "/workers"
ENDPOINT_WORKER_BY_ID_TEMPLATE: Final = "/workers/{worker_id}"
ENDPOINT_WORKERS_STATS: Final = "/workers/stats"
# routes of juniper-cascor 0.12 the upstream client had no name for
ENDPOINT_EXPERIMENTAL_FUNCTIONS: Final = "/admin/experimental_functions"
ENDPOINT_METRICS_TRANSPORT: Final = "/metrics/transport"
ENDPOINT_NETWORK_WEIGHTS: Final = "/network/weights"
ENDPOINT_HIDDEN_UNITS: Final = "/network/hidden-units"
ENDPOINT_HIDDEN_UNIT_BY_INDEX_TEMPLATE: Final = "/network/hidden-units/{idx}"
ENDPOINT_TRAINING_METRICS_CLEAR: Final = "/training/metrics/clear"
ENDPOINT_TRAINING_METRICS_CLEAR_UNDO: Final = "/training/metrics/clear/undo"
ENDPOINT_TRAINING_DATASET: Final = "/training/dataset"
ENDPOINT_TRAINING_DATASET_PENDING: Final = "/training/dataset/pending"
ENDPOINT_TRAINING_DATASET_LIVE: Final = "/training/dataset/live"
ENDPOINT_DATASET_SWAPS: Final = "/history/dataset_swaps"
ENDPOINT_SNAPSHOT_DATASET_SWAPS_TEMPLATE: Final = "/snapshots/{snapshot_id}/history/dataset_swaps"
ENDPOINT_SNAPSHOT_RETRAIN_TEMPLATE: Final = "/snapshots/{snapshot_id}/retrain"
ENDPOINT_SNAPSHOT_RESUME_TEMPLATE: Final = "/snapshots/{snapshot_id}/resume"
ENDPOINT_SNAPSHOT_REPLAY_TEMPLATE: Final = "/snapshots/{snapshot_id}/replay"
ENDPOINT_SNAPSHOT_REPLAY_CONTROL_TEMPLATE: Final = "/snapshots/{snapshot_id}/replay/control"

# -- WebSocket paths (absolute) ----------------------------------------------------------------
WS_TRAINING_PATH: Final = "/ws/training"
WS_CONTROL_PATH: Final = "/ws/control"
WS_WORKERS_PATH: Final = "/ws/v1/workers"

# -- HTTP defaults -----------------------------------------------------------------------------
DEFAULT_TIMEOUT: Final = defaults.DEFAULT_TIMEOUT
DEFAULT_REQUEST_TIMEOUT: Final = int(DEFAULT_TIMEOUT)
DEFAULT_RETRIES: Final = defaults.DEFAULT_RETRIES
DEFAULT_RETRY_COUNT: Final = DEFAULT_RETRIES
DEFAULT_BACKOFF_FACTOR: Final = defaults.DEFAULT_BACKOFF_FACTOR
DEFAULT_BACKOFF_JITTER: Final = 0.5
RETRYABLE_STATUS_CODES: Final = [429, 502, 503, 504]
RETRY_ALLOWED_METHODS: Final = ["HEAD", "GET"]
"""Methods retried on a failure: the safe ones (a mutation is never sent twice)."""
DEFAULT_POOL_CONNECTIONS: Final = 10
DEFAULT_POOL_MAXSIZE: Final = 10
DEFAULT_READY_TIMEOUT: Final = defaults.DEFAULT_READY_TIMEOUT
DEFAULT_POLL_INTERVAL: Final = defaults.DEFAULT_POLL_INTERVAL
DEFAULT_READY_POLL_INTERVAL: Final = DEFAULT_POLL_INTERVAL

HTTP_400_BAD_REQUEST: Final = 400
HTTP_404_NOT_FOUND: Final = 404
HTTP_409_CONFLICT: Final = 409
HTTP_422_UNPROCESSABLE_ENTITY: Final = 422
HTTP_503_SERVICE_UNAVAILABLE: Final = 503

# -- WebSocket defaults and message types --------------------------------------------------------
DEFAULT_CONTROL_STREAM_TIMEOUT: Final = defaults.DEFAULT_COMMAND_TIMEOUT
DEFAULT_SET_PARAMS_TIMEOUT: Final = defaults.DEFAULT_SET_PARAMS_TIMEOUT
MAX_PENDING_COMMANDS: Final = defaults.DEFAULT_MAX_PENDING
DEFAULT_LIVENESS_WINDOW_SEC: Final = defaults.DEFAULT_LIVENESS_WINDOW_SEC
AUTO_PONG_REMOVAL_VERSION: Final = "0.9.0"
"""The release without the upstream streams' ``auto_pong=False`` (pings are always answered)."""

WS_MSG_TYPE_METRICS: Final = "metrics"
WS_MSG_TYPE_STATE: Final = "state"
WS_MSG_TYPE_TOPOLOGY: Final = "topology"
WS_MSG_TYPE_CASCADE_ADD: Final = "cascade_add"
WS_MSG_TYPE_EVENT: Final = "event"
WS_MSG_TYPE_CANDIDATE_PROGRESS: Final = "candidate_progress"
WS_MSG_TYPE_CONNECTION_ESTABLISHED: Final = "connection_established"
WS_MSG_TYPE_COMMAND_RESPONSE: Final = "command_response"
WS_MSG_TYPE_PING: Final = "ping"
WS_MSG_TYPE_PONG: Final = "pong"
WS_MSG_TYPE_COMMAND_OUT: Final = "command"
"""``type`` of every frame a client sends on ``/ws/control``."""

# -- training states and phases ------------------------------------------------------------------
TRAINING_STATE_STOPPED: Final = "STOPPED"
TRAINING_STATE_STARTED: Final = "STARTED"
TRAINING_STATE_PAUSED: Final = "PAUSED"
TRAINING_STATE_FAILED: Final = "FAILED"
TRAINING_STATE_COMPLETED: Final = "COMPLETED"

STATE_STOPPED: Final = "Stopped"
STATE_STARTED: Final = "Started"
STATE_PAUSED: Final = "Paused"
STATE_COMPLETED: Final = "Completed"
STATE_FAILED: Final = "Failed"
TRAINING_STATES: Final = (STATE_STOPPED, STATE_STARTED, STATE_PAUSED, STATE_COMPLETED, STATE_FAILED)

PHASE_IDLE: Final = "Idle"
PHASE_OUTPUT: Final = "Output"
PHASE_CANDIDATE: Final = "Candidate"

# -- training parameters -------------------------------------------------------------------------
DEFAULT_EPOCHS_MAX_FALLBACK: Final = 10_000
"""An ``epochs_max`` to show before the server's own value is known."""
DEFAULT_DECISION_BOUNDARY_RESOLUTION: Final = defaults.DEFAULT_DECISION_BOUNDARY_RESOLUTION
MIN_DECISION_BOUNDARY_RESOLUTION: Final = 5
MAX_DECISION_BOUNDARY_RESOLUTION: Final = 200

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
"""Keys that ``PATCH /v1/training/params`` accepts while training runs."""
