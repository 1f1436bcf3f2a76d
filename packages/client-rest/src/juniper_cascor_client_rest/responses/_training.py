"""The answers of the training and metrics routes."""

from typing import Any, NotRequired, TypeAlias, TypedDict

from juniper_cascor_client_core.payloads import (
    MetricsEntry,
    ParamsUpdateData,
    StatusData,
    TrainingParamsData,
)
from juniper_cascor_client_rest.responses._envelope import Envelope


class ControlAck(TypedDict):
    """``POST /training/start|stop|pause|resume|reset``: ``status`` names what was done
    (``training_started``, ``stop_requested``...)."""

    status: str
    timestamp: float


class TrainingStatusData(StatusData):
    """``GET /training/status``: the status, and the training stream's identity and sequence."""

    server_instance_id: str
    snapshot_seq: int


class MetricsCleared(TypedDict):
    """``POST /training/metrics/clear``."""

    status: str
    cleared_count: int
    undo_available: bool


class MetricsRestored(TypedDict):
    """``POST /training/metrics/clear/undo``."""

    status: str
    restored_count: int
    undo_available: bool


class EvalMetrics(TypedDict):
    """``eval_metrics`` of the latest metrics: the classification scores' settings."""

    enabled: bool
    average: str
    split: str | None
    n_samples: int | None
    n_classes: int | None
    undefined: dict[str, Any]
    final: dict[str, Any] | None


class LatestMetrics(TypedDict):
    """``GET /metrics``: the newest values (``None`` before the first epoch)."""

    epoch: int
    timestamp: str
    hidden_units: int
    train_loss: float | None
    train_accuracy: float | None
    val_loss: float | None
    val_accuracy: float | None
    f1: float | None
    precision: float | None
    recall: float | None
    roc_auc: float | None
    dataset_shortfall: dict[str, Any] | None
    eval_metrics: EvalMetrics


class TransportMetrics(TypedDict):
    """``GET /metrics/transport``: counters of the ``/ws/training`` broadcaster."""

    active_connections: int
    pending_connections: int
    current_seq: int
    replay_buffer_capacity: int
    replay_buffer_size: int
    bytes_sent_total: int
    bytes_sent_by_type: dict[str, int]
    messages_sent_total: int
    messages_sent_by_type: dict[str, int]
    chunks_emitted_total: int
    messages_chunked_total: int
    send_failures: int
    unserializable_messages_total: int
    uptime_seconds: float
    chunk_payload_size_bytes: NotRequired[int]
    max_message_size_bytes: NotRequired[int]


ControlResponse: TypeAlias = Envelope[ControlAck]
TrainingStatusResponse: TypeAlias = Envelope[TrainingStatusData]
TrainingParamsResponse: TypeAlias = Envelope[TrainingParamsData]
ParamsUpdateResponse: TypeAlias = Envelope[ParamsUpdateData]
MetricsClearedResponse: TypeAlias = Envelope[MetricsCleared]
MetricsRestoredResponse: TypeAlias = Envelope[MetricsRestored]
LatestMetricsResponse: TypeAlias = Envelope[LatestMetrics]
MetricsHistoryResponse: TypeAlias = Envelope[list[MetricsEntry]]
TransportMetricsResponse: TypeAlias = Envelope[TransportMetrics]
