"""``FrameIntake``: the server's frames in, events for the session out (no I/O).

It wraps protocol-worker's ``TensorSequenceAssembler`` and decides what each problem means,
so the session never meets an exception from a frame:

- ``Delivered``: a message to dispatch (a ``task_assign`` arrives with its tensors, as an
  ``AssembledMessage``);
- ``Refused``: a task that cannot be done as sent (an invalid ``task_assign``, a tensor that
  cannot be decoded or does not match its manifest, a text frame before its last tensor,
  more tensors than ``max_task_tensors``): answer it ``success: false`` with the reason;
- ``Dropped``: a frame that is not usable and answers nothing (invalid JSON, an unknown type,
  a binary frame outside a task): log and count it.

After a refused task, the binary frames its manifest still announced are skipped quietly.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from juniper_cascor_numpy_worker.results import TaskIdentity
from juniper_cascor_protocol.worker import (
    MAX_TEXT_FRAME_CHARS,
    AssembledMessage,
    BinaryFrameError,
    TaskAssign,
    TensorSequenceAssembler,
    WorkerMessage,
    WorkerProtocolError,
    parse_worker_message,
)

__all__ = [
    "DEFAULT_MAX_TASK_TENSORS",
    "Delivered",
    "Dropped",
    "FrameIntake",
    "IntakeEvent",
    "Refused",
]

DEFAULT_MAX_TASK_TENSORS = 8
"""Most tensors a task may announce (the real server sends three)."""


@dataclass(frozen=True)
class Delivered:
    """A complete message for its handler."""

    message: WorkerMessage | AssembledMessage

    @property
    def kind(self) -> str:
        """The message's ``type``."""
        inner = self.message.message if isinstance(self.message, AssembledMessage) else self.message
        return inner.type.value


@dataclass(frozen=True)
class Refused:
    """A task to answer ``success: false`` because of ``reason``."""

    task: TaskIdentity
    reason: str


@dataclass(frozen=True)
class Dropped:
    """An unusable frame; ``unknown_type`` when it was a JSON object of a type nobody knows."""

    reason: str
    unknown_type: bool = False


IntakeEvent = Delivered | Refused | Dropped


def _json_object(text: str) -> dict[str, Any] | None:
    if len(text) > MAX_TEXT_FRAME_CHARS:
        return None
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


class FrameIntake:
    """Turns the server's frames, in arrival order, into ``IntakeEvent`` lists.

    Args:
        max_frame_bytes: Largest binary frame decoded.
        max_task_tensors: Most tensors a ``task_assign`` may announce.
    """

    def __init__(
        self, *, max_frame_bytes: int, max_task_tensors: int = DEFAULT_MAX_TASK_TENSORS
    ) -> None:
        self.max_task_tensors = max_task_tensors
        self._assembler = TensorSequenceAssembler(max_frame_size=max_frame_bytes)
        self._pending_text: str | None = None  # the task text whose tensors are arriving
        self._skip = 0  # binary frames still due for a refused task

    def feed(self, frame: str | bytes) -> list[IntakeEvent]:
        """Take the next frame; the events it produces (possibly none)."""
        if isinstance(frame, str):
            return self._feed_text(frame)
        return self._feed_binary(frame)

    def _feed_text(self, text: str) -> list[IntakeEvent]:
        events: list[IntakeEvent] = []
        self._skip = 0
        if self._pending_text is not None:
            events += self._abandon("a text frame arrived before the task's last tensor")
        try:
            result = self._assembler.feed(text)
        except WorkerProtocolError as exc:
            events.append(self._unreadable(text, exc))
            return events
        if result is None:
            self._pending_text = text
            announced = len(self._assembler.pending)
            if announced > self.max_task_tensors:
                events += self._abandon(
                    f"the task announces {announced} tensors; at most {self.max_task_tensors} "
                    "are accepted"
                )
                self._skip = announced
            return events
        events.append(Delivered(result))
        return events

    def _feed_binary(self, data: bytes) -> list[IntakeEvent]:
        if self._pending_text is None:
            if self._skip:
                self._skip -= 1
                return []
            return [Dropped("a binary frame arrived outside a task")]
        pending = self._assembler.pending
        try:
            result = self._assembler.feed(data)
        except (BinaryFrameError, WorkerProtocolError) as exc:
            events = self._abandon(f"tensor {pending[0]!r} is unusable: {exc}")
            self._skip = len(pending) - 1
            return events
        if result is None:
            return []
        self._pending_text = None
        return [Delivered(result)]

    def _abandon(self, reason: str) -> list[IntakeEvent]:
        """Give up the pending sequence; the refusal of its task, when it is a task."""
        text, self._pending_text = self._pending_text, None
        self._assembler.reset()
        assert text is not None  # only called with a sequence pending
        message = parse_worker_message(text)  # it parsed once already
        if isinstance(message, TaskAssign):
            return [Refused(TaskIdentity.of(message), reason)]
        return [Dropped(f"{message.type.value} abandoned: {reason}")]

    def _unreadable(self, text: str, error: WorkerProtocolError) -> IntakeEvent:
        frame = _json_object(text)
        if frame is not None and frame.get("type") == "task_assign":
            manifest = frame.get("tensor_manifest")
            self._skip = len(manifest) if isinstance(manifest, dict) else 0
            identity = TaskIdentity.of_frame(frame)
            if identity is not None:
                return Refused(identity, f"the task_assign is invalid: {error}")
            return Dropped(f"a task_assign that cannot be answered: {error}")
        if frame is not None and error.field == "type":
            return Dropped(f"unknown message: {error}", unknown_type=True)
        return Dropped(f"unreadable text frame: {error}")
