"""Frames of ``/ws/training`` other than the greeting, the heartbeat and the resume handshake.

Server to client: ``initial_status`` (fresh connections only, no timestamp), ``state``,
``initial_metrics``, ``metrics``, ``topology``, ``cascade_add``, ``candidate_progress``,
``event`` and ``chunked_message``. Client to server: ``subscribe_metrics``.

``metrics`` data is free-form: juniper-cascor 0.12 (like the 0.3 line, which sends no ``seq``)
sends ``epoch, loss, accuracy, validation_loss, validation_accuracy, learning_rate,
hidden_units, phase, ...``; some servers send ``train_loss, train_accuracy, val_loss,
val_accuracy`` instead. Both validate.
"""

from __future__ import annotations

from typing import Any, Final, Literal, Self

from pydantic import Field, StrictFloat, StrictInt, StrictStr, model_validator

from juniper_cascor_protocol.envelope._base import BaseEnvelope, FrameData, server_stamp

__all__ = [
    "CHUNK_PAYLOAD_SIZE",
    "CHUNK_THRESHOLD_BYTES",
    "BroadcastEnvelope",
    "CandidateProgressEnvelope",
    "CascadeAddEnvelope",
    "ChunkedMessageData",
    "ChunkedMessageEnvelope",
    "EventEnvelope",
    "InitialMetricsData",
    "InitialMetricsEnvelope",
    "InitialStatusEnvelope",
    "MetricsEnvelope",
    "StateEnvelope",
    "SubscribeMetricsData",
    "SubscribeMetricsEnvelope",
    "TopologyEnvelope",
]

CHUNK_THRESHOLD_BYTES: Final = 60_000
"""A frame whose JSON is longer than this is sent as ``chunked_message`` frames. Servers measure
``json.dumps(frame)`` (default separators) before they add ``seq``; the payloads are slices of
that text."""
CHUNK_PAYLOAD_SIZE: Final = 32_000
"""Length of each chunk's payload slice."""


class BroadcastEnvelope(BaseEnvelope):
    """A stamped server frame with free-form ``data``."""

    timestamp: StrictFloat
    data: dict[str, Any]

    @classmethod
    def build(
        cls,
        data: dict[str, Any],
        *,
        seq: int | None = None,
        emitted_at_monotonic: float | None = None,
        timestamp: float | None = None,
    ) -> Self:
        """Build the frame a server broadcasts, stamped now unless ``timestamp`` is given.

        Raises:
            pydantic.ValidationError: when ``seq`` is not an int or a stamp is not a number.
        """
        return cls(data=data, **server_stamp(timestamp, seq, emitted_at_monotonic))


class InitialStatusEnvelope(BaseEnvelope):
    """``initial_status``: the ``GET /training/status`` object, sent without a timestamp."""

    type: Literal["initial_status"] = "initial_status"
    data: dict[str, Any]

    @classmethod
    def build(cls, status: dict[str, Any]) -> Self:
        """Build the status frame a server sends to a fresh connection.

        Raises:
            pydantic.ValidationError: when ``status`` has a non-string key.
        """
        return cls(data=status)


class StateEnvelope(BroadcastEnvelope):
    """``state``, e.g. ``{"status": "Started", "phase": "Output"}``."""

    type: Literal["state"] = "state"


class MetricsEnvelope(BroadcastEnvelope):
    """``metrics``: one epoch's metrics, in either key set."""

    type: Literal["metrics"] = "metrics"


class TopologyEnvelope(BroadcastEnvelope):
    """``topology``: the network topology."""

    type: Literal["topology"] = "topology"


class CascadeAddEnvelope(BroadcastEnvelope):
    """``cascade_add``: the hidden unit just installed."""

    type: Literal["cascade_add"] = "cascade_add"


class CandidateProgressEnvelope(BroadcastEnvelope):
    """``candidate_progress``, e.g. ``{"candidate_id": 0, "epoch": 5, "correlation": 0.42}``."""

    type: Literal["candidate_progress"] = "candidate_progress"


class EventEnvelope(BroadcastEnvelope):
    """``event``, e.g. ``{"event": "training_complete"}``."""

    type: Literal["event"] = "event"


class InitialMetricsData(FrameData):
    """``initial_metrics`` data: the metrics history, oldest first."""

    metrics: list[dict[str, Any]]
    count: StrictInt = Field(ge=0)
    current_seq: StrictInt | None = None


class InitialMetricsEnvelope(BaseEnvelope):
    """``initial_metrics``: sent on connect and after ``subscribe_metrics``."""

    type: Literal["initial_metrics"] = "initial_metrics"
    timestamp: StrictFloat
    data: InitialMetricsData

    @classmethod
    def build(
        cls,
        metrics: list[dict[str, Any]],
        *,
        current_seq: int | None = None,
        timestamp: float | None = None,
    ) -> Self:
        """Build a metrics-history frame; ``count`` is ``len(metrics)``.

        Raises:
            pydantic.ValidationError: when an entry is not an object or a value has the wrong
                type.
        """
        data = InitialMetricsData(metrics=metrics, count=len(metrics), current_seq=current_seq)
        return cls(data=data, **server_stamp(timestamp, None, None))


class SubscribeMetricsData(FrameData):
    """``subscribe_metrics`` data."""

    max_count: StrictInt = Field(ge=0)


class SubscribeMetricsEnvelope(BaseEnvelope):
    """``subscribe_metrics``: client to server, asks for an ``initial_metrics`` frame."""

    type: Literal["subscribe_metrics"] = "subscribe_metrics"
    data: SubscribeMetricsData

    @classmethod
    def build(cls, max_count: int) -> Self:
        """Build a metrics-history request for at most ``max_count`` entries.

        Raises:
            pydantic.ValidationError: when ``max_count`` is negative or not an int.
        """
        return cls(data=SubscribeMetricsData(max_count=max_count))


class ChunkedMessageData(FrameData):
    """One slice of an oversized broadcast; join the payloads in index order and parse them."""

    chunk_id: StrictStr
    chunk_index: StrictInt = Field(ge=0)
    total_chunks: StrictInt = Field(ge=1)
    original_type: StrictStr
    payload: StrictStr

    @model_validator(mode="after")
    def _index_within_total(self) -> Self:
        if self.chunk_index >= self.total_chunks:
            msg = f"chunk_index {self.chunk_index} is not below total_chunks {self.total_chunks}"
            raise ValueError(msg)
        return self


class ChunkedMessageEnvelope(BaseEnvelope):
    """``chunked_message``: one chunk of a broadcast over ``CHUNK_THRESHOLD_BYTES``."""

    type: Literal["chunked_message"] = "chunked_message"
    timestamp: StrictFloat
    data: ChunkedMessageData

    @classmethod
    def split(
        cls,
        frame_json: str,
        *,
        chunk_id: str,
        original_type: str,
        first_seq: int | None = None,
        slice_size: int = CHUNK_PAYLOAD_SIZE,
        timestamp: float | None = None,
        emitted_at_monotonic: float | None = None,
    ) -> list[Self]:
        """Split a serialised broadcast into chunks of ``slice_size`` characters, the way a
        server does; chunk ``i`` gets ``seq = first_seq + i`` when ``first_seq`` is given, and
        every chunk the ``emitted_at_monotonic`` stamp when given.

        Raises:
            ValueError: when ``slice_size`` is below 1.
        """
        if slice_size < 1:
            msg = f"slice_size must be at least 1, got {slice_size}"
            raise ValueError(msg)
        slices = [frame_json[i : i + slice_size] for i in range(0, len(frame_json), slice_size)]
        slices = slices or [""]
        stamp = server_stamp(timestamp, None, emitted_at_monotonic)
        return [
            cls(
                data=ChunkedMessageData(
                    chunk_id=chunk_id,
                    chunk_index=index,
                    total_chunks=len(slices),
                    original_type=original_type,
                    payload=payload,
                ),
                seq=None if first_seq is None else first_seq + index,
                **stamp,
            )
            for index, payload in enumerate(slices)
        ]
