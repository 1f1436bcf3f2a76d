"""``parse_worker_message``: turn any worker text frame into its typed message."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from juniper_cascor_protocol.worker.message_types import WorkerMessageType
from juniper_cascor_protocol.worker.messages import (
    ConnectionEstablished,
    ErrorMessage,
    Heartbeat,
    HeartbeatEcho,
    Register,
    RegistrationAck,
    TokenRefresh,
    WorkerMessage,
)
from juniper_cascor_protocol.worker.task_messages import ResultAck, TaskAssign, TaskResult
from juniper_cascor_protocol.worker.validators import Fields, load_json_object

_MESSAGE_CLASSES: dict[str, type[WorkerMessage]] = {
    WorkerMessageType.REGISTER: Register,
    WorkerMessageType.TASK_RESULT: TaskResult,
    WorkerMessageType.REGISTRATION_ACK: RegistrationAck,
    WorkerMessageType.RESULT_ACK: ResultAck,
    WorkerMessageType.TASK_ASSIGN: TaskAssign,
    WorkerMessageType.TOKEN_REFRESH: TokenRefresh,
    WorkerMessageType.CONNECTION_ESTABLISHED: ConnectionEstablished,
    WorkerMessageType.ERROR: ErrorMessage,
}
# Keys only the worker's heartbeat carries; the server's echo has worker_id and timestamp.
_WORKER_HEARTBEAT_KEYS = frozenset(
    {
        "in_flight_tasks",
        "tasks_completed",
        "tasks_failed",
        "recent_task_durations_seconds",
        "last_task_completed_at",
        "rss_mb",
        "last_task_duration_seconds",
        "gpu_utilization_pct",
    }
)


def parse_worker_message(message: str | Mapping[str, Any]) -> WorkerMessage:
    """Validate a worker text frame (raw text or decoded dict) and return its typed message.

    The class is chosen by ``type``. Both directions use ``"heartbeat"``: a frame holding
    any of the worker heartbeat's statistics (``in_flight_tasks``, ``rss_mb``...) is a
    ``Heartbeat``, any other is the server's ``HeartbeatEcho``.

    Raises:
        WorkerProtocolError: When the text is over ``MAX_TEXT_FRAME_CHARS`` characters or
            not a JSON object, ``type`` is missing or unknown, or a field is invalid.
    """
    data = load_json_object(message) if isinstance(message, str) else message
    fields = Fields(data)
    kind = fields.string("type")
    if kind == WorkerMessageType.HEARTBEAT:
        worker_side = not _WORKER_HEARTBEAT_KEYS.isdisjoint(data)
        return (Heartbeat if worker_side else HeartbeatEcho).from_dict(data)
    message_class = _MESSAGE_CLASSES.get(kind)
    if message_class is None:
        fields.fail("type", f"unknown worker message type {kind!r}")
    return message_class.from_dict(data)
