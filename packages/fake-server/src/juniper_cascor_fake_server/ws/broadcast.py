"""Sequence numbers, the replay buffer, chunking and resume decisions for ``/ws/training``.

Sans-I/O: ``SequenceLog.encode`` turns one broadcast into the JSON texts to send (one frame, or
``chunked_message`` frames when the frame's JSON exceeds 60,000 bytes), each with its own
``seq``, and keeps them for replay; ``SequenceLog.resume`` decides a client's ``resume`` frame.
"""

from __future__ import annotations

import json
import time
import uuid
from collections import deque
from dataclasses import dataclass
from typing import Any

__all__ = ["CHUNK_PAYLOAD_BYTES", "CHUNK_THRESHOLD_BYTES", "ResumeDecision", "SequenceLog"]

CHUNK_THRESHOLD_BYTES = 60_000
CHUNK_PAYLOAD_BYTES = 32_000


@dataclass(frozen=True)
class ResumeDecision:
    """``frames`` to replay when ``reason`` is ``None``; otherwise the ``resume_failed`` reason."""

    frames: tuple[str, ...] = ()
    reason: str | None = None


class SequenceLog:
    """Numbering and replay state of one server instance."""

    def __init__(self, capacity: int = 1024) -> None:
        self.capacity = capacity
        self.restart()

    def restart(self) -> None:
        """A new server instance: new id, seq back to 0, replay buffer emptied."""
        self.instance_id = uuid.uuid4().hex
        self.start_time = time.time()
        self._seq = 0
        self._buffer: deque[tuple[int, str]] = deque(maxlen=self.capacity)

    @property
    def current_seq(self) -> int:
        """The seq of the newest frame (0 before the first)."""
        return self._seq

    def encode(self, frame_type: str, data: Any) -> list[str]:
        """The wire texts of one broadcast, numbered and kept for replay."""
        frame: dict[str, Any] = {
            "type": frame_type,
            "timestamp": time.time(),
            "data": data,
            "emitted_at_monotonic": time.monotonic(),
        }
        # The threshold applies to the frame as sent, so measure it with its seq.
        if len(json.dumps({**frame, "seq": self._seq + 1})) <= CHUNK_THRESHOLD_BYTES:
            return [self._number(frame)]
        body = json.dumps(frame)
        chunk_id = uuid.uuid4().hex
        slices = [
            body[i : i + CHUNK_PAYLOAD_BYTES] for i in range(0, len(body), CHUNK_PAYLOAD_BYTES)
        ]
        return [
            self._number(
                {
                    "type": "chunked_message",
                    "timestamp": frame["timestamp"],
                    "data": {
                        "chunk_id": chunk_id,
                        "chunk_index": index,
                        "total_chunks": len(slices),
                        "original_type": frame_type,
                        "payload": payload,
                    },
                    "emitted_at_monotonic": time.monotonic(),
                }
            )
            for index, payload in enumerate(slices)
        ]

    def _number(self, frame: dict[str, Any]) -> str:
        self._seq += 1
        frame["seq"] = self._seq
        text = json.dumps(frame)
        self._buffer.append((self._seq, text))
        return text

    def resume(self, message: Any) -> ResumeDecision:
        """Decide a ``{"type": "resume", "data": {"last_seq", "server_instance_id"}}`` frame."""
        data = message.get("data") if isinstance(message, dict) else None
        last_seq = data.get("last_seq") if isinstance(data, dict) else None
        instance = data.get("server_instance_id") if isinstance(data, dict) else None
        if (
            not isinstance(last_seq, int)
            or isinstance(last_seq, bool)
            or last_seq < 0
            or not isinstance(instance, str)
        ):
            return ResumeDecision(reason="malformed_resume")
        if instance != self.instance_id:
            return ResumeDecision(reason="server_restarted")
        oldest = self._buffer[0][0] if self._buffer else self._seq + 1
        if last_seq > self._seq or last_seq < oldest - 1:
            return ResumeDecision(reason="out_of_range")
        return ResumeDecision(frames=tuple(text for seq, text in self._buffer if seq > last_seq))
