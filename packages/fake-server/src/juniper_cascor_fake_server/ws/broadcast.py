"""Sequence numbers, the replay buffer, chunking and resume decisions for ``/ws/training``.

Sans-I/O. Frames are protocol-envelope models; ``SequenceLog.number`` turns one broadcast into
the JSON texts to send, each with its own ``seq`` and ``emitted_at_monotonic``, and keeps them
for replay; ``personal_texts`` does the same for a frame sent to one client, which carries no
``seq``. A frame whose ``json.dumps`` (default separators, before ``seq`` is added) is longer than
``CHUNK_THRESHOLD_BYTES`` goes out as ``chunked_message`` frames holding slices of that text.
``SequenceLog.resume`` decides a client's ``resume`` frame the way the real server does.
"""

from __future__ import annotations

import json
import time
import uuid
from collections import deque
from dataclasses import dataclass
from typing import Any

from juniper_cascor_protocol.envelope import (
    CHUNK_PAYLOAD_SIZE,
    CHUNK_THRESHOLD_BYTES,
    BaseEnvelope,
    CandidateProgressEnvelope,
    CascadeAddEnvelope,
    ChunkedMessageEnvelope,
    EventEnvelope,
    MetricsEnvelope,
    StateEnvelope,
    TopologyEnvelope,
)
from juniper_cascor_protocol.envelope.training import BroadcastEnvelope

__all__ = [
    "BROADCAST_MODELS",
    "ResumeDecision",
    "SequenceLog",
    "broadcast_envelope",
    "personal_texts",
]

BROADCAST_MODELS: dict[str, type[BroadcastEnvelope]] = {
    model.model_fields["type"].default: model
    for model in (
        StateEnvelope,
        MetricsEnvelope,
        TopologyEnvelope,
        CascadeAddEnvelope,
        CandidateProgressEnvelope,
        EventEnvelope,
    )
}
"""The frame types ``/ws/training`` broadcasts, and their models."""


def broadcast_envelope(frame_type: str, data: dict[str, Any]) -> BroadcastEnvelope:
    """The envelope of a broadcast of ``frame_type``, stamped now, not numbered yet.

    Raises:
        ValueError: for a type that is not broadcast (see ``BROADCAST_MODELS``).
        pydantic.ValidationError: when ``data`` is not a JSON object.
    """
    model = BROADCAST_MODELS.get(frame_type)
    if model is None:
        raise ValueError(f"{frame_type!r} is not a /ws/training broadcast type")
    return model.build(data)


def _chunks(envelope: BaseEnvelope) -> list[ChunkedMessageEnvelope] | None:
    """The chunks of a frame over the threshold, unnumbered; ``None`` when it fits."""
    text = json.dumps(envelope.model_dump(exclude_none=True), default=str)
    if len(text) <= CHUNK_THRESHOLD_BYTES:
        return None
    return ChunkedMessageEnvelope.split(
        text,
        chunk_id=str(uuid.uuid4()),
        original_type=envelope.type,
        slice_size=CHUNK_PAYLOAD_SIZE,
    )


def personal_texts(envelope: BaseEnvelope) -> list[str]:
    """The wire texts of a frame sent to one client: the frame, or its chunks (no ``seq``)."""
    chunks = _chunks(envelope)
    return [envelope.to_json()] if chunks is None else [chunk.to_json() for chunk in chunks]


@dataclass(frozen=True)
class ResumeDecision:
    """``frames`` to replay when ``reason`` is ``None``; otherwise the ``resume_failed`` reason."""

    frames: tuple[str, ...] = ()
    reason: str | None = None


class SequenceLog:
    """Numbering and replay state of one server instance.

    ``start_time`` is monotonic seconds, as the real server reports ``server_start_time``.
    """

    def __init__(self, capacity: int = 1024) -> None:
        self.capacity = capacity
        self.restart()

    def restart(self) -> None:
        """A new server instance: new id, seq back to 0, replay buffer emptied."""
        self.instance_id = str(uuid.uuid4())
        self.start_time = time.monotonic()
        self._seq = 0
        self._buffer: deque[tuple[int, str]] = deque(maxlen=max(self.capacity, 0))

    @property
    def current_seq(self) -> int:
        """The seq of the newest frame (0 before the first)."""
        return self._seq

    @property
    def buffered(self) -> int:
        """How many frames the replay buffer holds."""
        return len(self._buffer)

    def uptime(self) -> float:
        """Seconds since this instance started."""
        return time.monotonic() - self.start_time

    def number(self, envelope: BroadcastEnvelope) -> list[str]:
        """The wire texts of one broadcast: numbered, stamped and kept for replay."""
        chunks = _chunks(envelope)
        frames: list[BaseEnvelope] = [envelope] if chunks is None else list(chunks)
        texts = []
        for frame in frames:
            self._seq += 1
            text = frame.model_copy(
                update={"seq": self._seq, "emitted_at_monotonic": time.monotonic()}
            ).to_json()
            self._buffer.append((self._seq, text))
            texts.append(text)
        return texts

    def resume(self, data: object) -> ResumeDecision | None:
        """Decide the ``data`` of a ``resume`` frame.

        Returns:
            The frames to replay, or the ``resume_failed`` reason: ``malformed_resume`` without
            ``last_seq`` or ``server_instance_id``, ``server_restarted`` for another instance,
            ``out_of_range`` when the buffer cannot bridge the gap (an empty buffer bridges
            only ``last_seq <= 0``; a ``last_seq`` beyond the newest frame replays nothing).
            ``None`` when the frame is not understood at all (``data`` is not an object or
            ``last_seq`` is not a number): the connection then goes on as a fresh one, without
            a ``resume_failed``.
        """
        if not isinstance(data, dict):
            return None
        last_seq, instance = data.get("last_seq"), data.get("server_instance_id")
        if last_seq is None or instance is None:
            return ResumeDecision(reason="malformed_resume")
        if instance != self.instance_id:
            return ResumeDecision(reason="server_restarted")
        if not isinstance(last_seq, int | float):
            return None
        if self.capacity <= 0 or (not self._buffer and last_seq > 0):
            return ResumeDecision(reason="out_of_range")
        if self._buffer and last_seq < self._buffer[0][0] - 1:
            return ResumeDecision(reason="out_of_range")
        return ResumeDecision(frames=tuple(text for seq, text in self._buffer if seq > last_seq))
