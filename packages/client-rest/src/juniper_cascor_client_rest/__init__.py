"""Synchronous REST client for the juniper-cascor training service.

    >>> from juniper_cascor_client_rest import JuniperCascorClient
    >>> with JuniperCascorClient("http://localhost:8200") as client:  # doctest: +SKIP
    ...     client.get_training_status()["data"]["training_active"]

The exceptions are those of :mod:`juniper_cascor_client_core`, re-exported here;
``SharedSession`` is the type of ``client.session``. Each method's answer type (an
``...Response`` ``TypedDict``, :class:`Envelope` of its ``data``) is importable from here, and
every part of it from :mod:`juniper_cascor_client_rest.responses`.
"""

import logging

from juniper_cascor_client_core.exceptions import (
    JuniperCascorAuthenticationError,
    JuniperCascorClientError,
    JuniperCascorConfigurationError,
    JuniperCascorConflictError,
    JuniperCascorConnectionError,
    JuniperCascorNotFoundError,
    JuniperCascorProtocolError,
    JuniperCascorRateLimitedError,
    JuniperCascorServiceUnavailableError,
    JuniperCascorTimeoutError,
    JuniperCascorValidationError,
)
from juniper_cascor_client_rest._version import __version__
from juniper_cascor_client_rest.client import JuniperCascorClient
from juniper_cascor_client_rest.responses import (
    ControlResponse,
    DatasetDataResponse,
    DatasetResponse,
    DatasetStagedResponse,
    DatasetSwapsResponse,
    DecisionBoundaryResponse,
    Envelope,
    ExperimentalFunctionsResponse,
    ExperimentalFunctionsSetResponse,
    HealthResponse,
    HiddenUnitAddedResponse,
    HiddenUnitRemovedResponse,
    LatestMetricsResponse,
    LivenessResponse,
    LiveSwapCancelledResponse,
    LiveSwapResponse,
    Meta,
    MetricsClearedResponse,
    MetricsHistoryResponse,
    MetricsRestoredResponse,
    NetworkDeletedResponse,
    NetworkResponse,
    NetworkStatsResponse,
    ParamsUpdateResponse,
    PendingDatasetResponse,
    ReadinessResponse,
    ReplayControlResponse,
    ReplayOpenedResponse,
    SnapshotListResponse,
    SnapshotLoadedResponse,
    SnapshotResponse,
    SnapshotSavedResponse,
    StagedDatasetDiscardedResponse,
    TopologyResponse,
    TrainingParamsResponse,
    TrainingStatusResponse,
    TransportMetricsResponse,
    WeightsPatchedResponse,
    WorkerListResponse,
    WorkerResponse,
    WorkerStatsResponse,
)
from juniper_cascor_client_rest.retry import RetryPolicy
from juniper_cascor_client_rest.sessions import SharedSession

# A library never prints on its own: without logging configured, its records go nowhere
# (not to the last-resort stderr handler).
logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__ = [
    "ControlResponse",
    "DatasetDataResponse",
    "DatasetResponse",
    "DatasetStagedResponse",
    "DatasetSwapsResponse",
    "DecisionBoundaryResponse",
    "Envelope",
    "ExperimentalFunctionsResponse",
    "ExperimentalFunctionsSetResponse",
    "HealthResponse",
    "HiddenUnitAddedResponse",
    "HiddenUnitRemovedResponse",
    "JuniperCascorAuthenticationError",
    "JuniperCascorClient",
    "JuniperCascorClientError",
    "JuniperCascorConfigurationError",
    "JuniperCascorConflictError",
    "JuniperCascorConnectionError",
    "JuniperCascorNotFoundError",
    "JuniperCascorProtocolError",
    "JuniperCascorRateLimitedError",
    "JuniperCascorServiceUnavailableError",
    "JuniperCascorTimeoutError",
    "JuniperCascorValidationError",
    "LatestMetricsResponse",
    "LiveSwapCancelledResponse",
    "LiveSwapResponse",
    "LivenessResponse",
    "Meta",
    "MetricsClearedResponse",
    "MetricsHistoryResponse",
    "MetricsRestoredResponse",
    "NetworkDeletedResponse",
    "NetworkResponse",
    "NetworkStatsResponse",
    "ParamsUpdateResponse",
    "PendingDatasetResponse",
    "ReadinessResponse",
    "ReplayControlResponse",
    "ReplayOpenedResponse",
    "RetryPolicy",
    "SharedSession",
    "SnapshotListResponse",
    "SnapshotLoadedResponse",
    "SnapshotResponse",
    "SnapshotSavedResponse",
    "StagedDatasetDiscardedResponse",
    "TopologyResponse",
    "TrainingParamsResponse",
    "TrainingStatusResponse",
    "TransportMetricsResponse",
    "WeightsPatchedResponse",
    "WorkerListResponse",
    "WorkerResponse",
    "WorkerStatsResponse",
    "__version__",
]
