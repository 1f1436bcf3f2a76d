"""Typed worker messages: the base class and the session messages of ``/ws/v1/workers``.

One frozen dataclass per message. ``from_dict``/``from_json`` validate every field and raise
``WorkerProtocolError`` naming the offending one; ``to_dict``/``to_json`` write the wire form.

Unknown keys: unknown keys of a message, and of its closed sub-objects (the ``data`` of
``connection_established`` and ``registration_ack``, manifest entries), are accepted and
dropped, so ``to_dict`` writes exactly the documented fields; ``task_result`` is the
exception: its extra top-level keys (e.g. ``training_duration``) are kept in
``TaskResult.extras`` and written back. The open objects ``capabilities``,
``candidate_data``, ``training_params`` and ``details`` keep every key they arrive with.
A nullable field (``rss_mb``, ``error_message``...) may be omitted or ``null``; both read as
``None``.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import field
from typing import Any, ClassVar, Self

from juniper_cascor_protocol.worker._records import Record, record
from juniper_cascor_protocol.worker.errors import WorkerProtocolError
from juniper_cascor_protocol.worker.message_types import WorkerMessageType
from juniper_cascor_protocol.worker.validators import (
    WORKER_ID_PATTERN,
    Fields,
    load_json_object,
)

MAX_RECENT_TASK_DURATIONS = 16
"""Most entries a heartbeat's ``recent_task_durations_seconds`` may hold."""


class WorkerMessage(Record, ABC):
    """Base of every typed worker message; ``type`` names the message on the wire."""

    __slots__ = ()
    type: ClassVar[WorkerMessageType]

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        """Validate a decoded message and build it.

        Raises:
            WorkerProtocolError: When ``data`` is not an object, its ``type`` is not this
                message's, or any field is missing, mistyped or out of range.
        """
        fields = Fields(data)
        fields.string("type", choices=(cls.type.value,))
        return cls._read(fields)

    @classmethod
    def from_json(cls, text: str) -> Self:
        """Parse and validate a text frame.

        Raises:
            WorkerProtocolError: When the frame is over ``MAX_TEXT_FRAME_CHARS`` characters,
                is not a JSON object, or fails ``from_dict``.
        """
        return cls.from_dict(load_json_object(text))

    @classmethod
    @abstractmethod
    def _read(cls, fields: Fields) -> Self:
        """Build the message from its validated fields."""

    @abstractmethod
    def to_dict(self) -> dict[str, Any]:
        """Return the message as a JSON-ready dict in its wire form."""

    def to_json(self) -> str:
        """Return the message as a compact JSON text frame.

        Raises:
            WorkerProtocolError: When a field holds something JSON cannot carry (NaN,
                infinity, a non-JSON object), which only a message built by hand can.
        """
        try:
            return json.dumps(self.to_dict(), separators=(",", ":"), allow_nan=False)
        except (TypeError, ValueError) as exc:
            raise WorkerProtocolError(
                f"{self.type.value} cannot be written as JSON: {exc}"
            ) from exc


@record
class ConnectionEstablished(WorkerMessage):
    """Server greeting: ``{"type": "connection_established", "data": {"channel": "workers"}}``."""

    type: ClassVar[WorkerMessageType] = WorkerMessageType.CONNECTION_ESTABLISHED
    channel: str = "workers"

    @classmethod
    def _read(cls, fields: Fields) -> Self:
        return cls(channel=fields.nested("data").string("channel", choices=("workers",)))

    def to_dict(self) -> dict[str, Any]:
        """Return the wire form."""
        return {"type": self.type.value, "data": {"channel": self.channel}}


@record
class WorkerCapabilities(Record):
    """The host facts a worker usually reports in ``register``; ``to_dict`` writes them.

    The server takes ``capabilities`` as a free-form object, so this is a convenience for
    building one, not a schema: ``Register`` accepts any JSON object.
    """

    cpu_cores: int
    gpu: bool
    python_version: str
    os: str
    gpu_name: str | None = None
    torch_version: str | None = None
    numpy_version: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the capabilities object."""
        return {
            "cpu_cores": self.cpu_cores,
            "gpu": self.gpu,
            "gpu_name": self.gpu_name,
            "python_version": self.python_version,
            "torch_version": self.torch_version,
            "numpy_version": self.numpy_version,
            "os": self.os,
        }


@record
class Register(WorkerMessage):
    """A worker's first message: its proposed id and its capabilities.

    ``capabilities`` is a free-form JSON object (``{"cpu_cores": 1}`` will do); every key is
    kept. ``WorkerCapabilities(...).to_dict()`` builds the usual one.
    """

    type: ClassVar[WorkerMessageType] = WorkerMessageType.REGISTER
    worker_id: str
    capabilities: Mapping[str, Any]

    @classmethod
    def _read(cls, fields: Fields) -> Self:
        return cls(
            worker_id=fields.string("worker_id", pattern=WORKER_ID_PATTERN),
            capabilities=fields.json_object("capabilities"),
        )

    def to_dict(self) -> dict[str, Any]:
        """Return the wire form."""
        return {
            "type": self.type.value,
            "worker_id": self.worker_id,
            "capabilities": dict(self.capabilities),
        }


@record
class RegistrationAck(WorkerMessage):
    """The server's answer to ``register``: the id it assigned and the id proposed."""

    type: ClassVar[WorkerMessageType] = WorkerMessageType.REGISTRATION_ACK
    worker_id: str
    client_name: str
    status: str = "registered"

    @classmethod
    def _read(cls, fields: Fields) -> Self:
        data = fields.nested("data")
        return cls(
            worker_id=fields.string("worker_id", pattern=WORKER_ID_PATTERN),
            client_name=data.string("client_name", pattern=WORKER_ID_PATTERN),
            status=data.string("status", choices=("registered",)),
        )

    def to_dict(self) -> dict[str, Any]:
        """Return the wire form."""
        return {
            "type": self.type.value,
            "worker_id": self.worker_id,
            "data": {"status": self.status, "client_name": self.client_name},
        }


@record
class Heartbeat(WorkerMessage):
    """The worker's periodic heartbeat (every 10 s) with its load and task statistics."""

    type: ClassVar[WorkerMessageType] = WorkerMessageType.HEARTBEAT
    worker_id: str
    timestamp: float
    in_flight_tasks: int
    tasks_completed: int
    tasks_failed: int
    recent_task_durations_seconds: tuple[float, ...] = ()
    last_task_completed_at: float | None = None
    rss_mb: float | None = None
    last_task_duration_seconds: float | None = None
    gpu_utilization_pct: float | None = None

    @classmethod
    def _read(cls, fields: Fields) -> Self:
        return cls(
            worker_id=fields.string("worker_id", pattern=WORKER_ID_PATTERN),
            timestamp=fields.number("timestamp", minimum=0),
            in_flight_tasks=fields.integer("in_flight_tasks"),
            tasks_completed=fields.integer("tasks_completed"),
            tasks_failed=fields.integer("tasks_failed"),
            recent_task_durations_seconds=fields.number_list(
                "recent_task_durations_seconds", max_items=MAX_RECENT_TASK_DURATIONS, minimum=0
            ),
            last_task_completed_at=fields.optional_number("last_task_completed_at", minimum=0),
            rss_mb=fields.optional_number("rss_mb", minimum=0),
            last_task_duration_seconds=fields.optional_number(
                "last_task_duration_seconds", minimum=0
            ),
            gpu_utilization_pct=fields.optional_number(
                "gpu_utilization_pct", minimum=0, maximum=100
            ),
        )

    def to_dict(self) -> dict[str, Any]:
        """Return the wire form."""
        return {
            "type": self.type.value,
            "worker_id": self.worker_id,
            "timestamp": self.timestamp,
            "in_flight_tasks": self.in_flight_tasks,
            "last_task_completed_at": self.last_task_completed_at,
            "rss_mb": self.rss_mb,
            "tasks_completed": self.tasks_completed,
            "tasks_failed": self.tasks_failed,
            "last_task_duration_seconds": self.last_task_duration_seconds,
            "recent_task_durations_seconds": list(self.recent_task_durations_seconds),
            "gpu_utilization_pct": self.gpu_utilization_pct,
        }


@record
class HeartbeatEcho(WorkerMessage):
    """The server's echo of a heartbeat: ``{"type": "heartbeat", "worker_id", "timestamp"}``."""

    type: ClassVar[WorkerMessageType] = WorkerMessageType.HEARTBEAT
    worker_id: str
    timestamp: float

    @classmethod
    def _read(cls, fields: Fields) -> Self:
        return cls(
            worker_id=fields.string("worker_id", pattern=WORKER_ID_PATTERN),
            timestamp=fields.number("timestamp", minimum=0),
        )

    def to_dict(self) -> dict[str, Any]:
        """Return the wire form."""
        return {"type": self.type.value, "worker_id": self.worker_id, "timestamp": self.timestamp}


@record
class TokenRefresh(WorkerMessage):
    """A new credential from the server, optionally with its expiry (epoch seconds).

    The token never appears in the message's repr.
    """

    type: ClassVar[WorkerMessageType] = WorkerMessageType.TOKEN_REFRESH
    token: str = field(repr=False)
    expires_at: float | None = None

    @classmethod
    def _read(cls, fields: Fields) -> Self:
        return cls(
            token=fields.string("token"),
            expires_at=fields.optional_number("expires_at", minimum=0),
        )

    def to_dict(self) -> dict[str, Any]:
        """Return the wire form."""
        return {"type": self.type.value, "token": self.token, "expires_at": self.expires_at}


@record
class ErrorMessage(WorkerMessage):
    """An error report, sent either way; ``details`` is free-form JSON and may be absent."""

    type: ClassVar[WorkerMessageType] = WorkerMessageType.ERROR
    error: str
    timestamp: float
    details: Any = None

    @classmethod
    def _read(cls, fields: Fields) -> Self:
        return cls(
            error=fields.string("error"),
            timestamp=fields.number("timestamp", minimum=0),
            details=fields.optional_json("details"),
        )

    def to_dict(self) -> dict[str, Any]:
        """Return the wire form; ``details`` is written only when it is not ``None``."""
        wire: dict[str, Any] = {
            "type": self.type.value,
            "error": self.error,
            "timestamp": self.timestamp,
        }
        if self.details is not None:
            wire["details"] = self.details
        return wire
