"""Tensor sequences: a task text frame followed by one binary frame per manifest entry.

``TensorSequenceAssembler`` is a sans-I/O state machine for the receiving side: feed it
every frame of the socket in order and it hands back complete messages. ``encode_sequence``
produces the frames of one sequence for the sending side. Both apply the same tensor
checks: the exact manifest shape, the manifest dtype (byte order aside), no NaN or
infinity, and for ``task_result`` a ``weights`` tensor with max |w| <= ``MAX_WEIGHT_MAGNITUDE``.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np

from juniper_cascor_protocol.worker._records import Record, record
from juniper_cascor_protocol.worker.binary_frame import (
    MAX_BINARY_FRAME_BYTES,
    BinaryFrame,
    BytesLike,
)
from juniper_cascor_protocol.worker.errors import BinaryFrameError, WorkerProtocolError
from juniper_cascor_protocol.worker.messages import WorkerMessage
from juniper_cascor_protocol.worker.parsing import parse_worker_message
from juniper_cascor_protocol.worker.task_messages import TaskAssign, TaskResult, TensorSpec

if TYPE_CHECKING:
    import numpy.typing as npt

MAX_WEIGHT_MAGNITUDE = 100.0
"""Largest absolute value a ``task_result``'s ``weights`` tensor may hold."""

TaskMessage = TaskAssign | TaskResult


@record
class AssembledMessage(Record):
    """A task message with all of its tensors, keyed by name in manifest order."""

    message: TaskMessage
    tensors: Mapping[str, npt.NDArray[Any]]


def check_tensor(
    message: TaskMessage, name: str, spec: TensorSpec, array: npt.NDArray[Any] | np.generic
) -> None:
    """Check one tensor of ``message`` against its manifest entry ``spec``.

    Raises:
        WorkerProtocolError: (``field`` is ``"tensors.<name>"``) when the shape differs, the
            dtype differs (byte order aside), a value is NaN or infinite, or ``message`` is
            a ``task_result`` whose ``weights`` exceed ``MAX_WEIGHT_MAGNITUDE`` in magnitude.
    """
    field = f"tensors.{name}"

    def fail(problem: str) -> WorkerProtocolError:
        return WorkerProtocolError(f"{field}: {problem}", field=field)

    if array.shape != spec.shape:
        raise fail(f"shape {array.shape} does not match the manifest's {spec.shape}")
    expected = spec.numpy_dtype
    if array.dtype.newbyteorder("=") != expected.newbyteorder("="):
        raise fail(f"dtype {array.dtype} does not match the manifest's {spec.dtype!r}")
    if array.dtype.kind in "fc" and not np.isfinite(array).all():
        raise fail("holds NaN or infinite values")
    if isinstance(message, TaskResult) and name == "weights" and array.size:
        # abs() of a signed integer type's minimum wraps to itself, so widen those first.
        signed = array.dtype.kind == "i"
        largest = float(np.abs(array.astype(np.float64) if signed else array).max())
        if largest > MAX_WEIGHT_MAGNITUDE:
            raise fail(f"max |w| is {largest}, over the limit of {MAX_WEIGHT_MAGNITUDE}")


class TensorSequenceAssembler:
    """Reassemble ``task_assign``/``task_result`` messages from a socket's frames.

    Feed every frame in arrival order: ``str`` for text frames, bytes-like for binary
    frames. A task text frame starts a sequence; ``feed`` returns ``None`` until the last
    tensor of its manifest has arrived, then an ``AssembledMessage`` (at once when the
    manifest is empty). Other text frames pass through as parsed messages while no
    sequence is pending. Any rejection discards the pending sequence, so the next one
    starts clean.

    Args:
        max_frame_size: Largest binary frame accepted, in bytes.
    """

    def __init__(self, *, max_frame_size: int = MAX_BINARY_FRAME_BYTES) -> None:
        self._max_frame_size = max_frame_size
        self._message: TaskMessage | None = None
        self._tensors: dict[str, npt.NDArray[Any]] = {}

    @property
    def pending(self) -> tuple[str, ...]:
        """Names of the tensors still expected, in order (empty when idle)."""
        if self._message is None:
            return ()
        return tuple(itertools.islice(self._message.tensor_manifest, len(self._tensors), None))

    def reset(self) -> None:
        """Discard the pending sequence, if any."""
        self._message = None
        self._tensors = {}

    def feed(self, frame: str | BytesLike) -> WorkerMessage | AssembledMessage | None:
        """Take the next frame of the socket.

        Returns:
            ``None`` while a sequence is incomplete, an ``AssembledMessage`` when one
            completes, or the parsed message of any other text frame.

        Raises:
            WorkerProtocolError: For an invalid text frame, a text frame that interrupts a
                pending sequence, a binary frame when no sequence is pending (a stray or
                extra frame), or a tensor that does not match its manifest entry.
            BinaryFrameError: For a binary frame that cannot be decoded.
        """
        if isinstance(frame, str):
            return self._feed_text(frame)
        return self._feed_binary(frame)

    def _feed_text(self, text: str) -> WorkerMessage | AssembledMessage | None:
        if self._message is not None:
            pending, message = self.pending, self._message
            self.reset()
            raise WorkerProtocolError(
                f"text frame arrived while {message.type.value} {message.task_id!r} was "
                f"waiting for tensors {', '.join(map(repr, pending))}; sequence discarded"
            )
        parsed = parse_worker_message(text)
        if not isinstance(parsed, TaskAssign | TaskResult):
            return parsed
        self._message = parsed
        return self._complete()

    def _feed_binary(self, data: BytesLike) -> AssembledMessage | None:
        if self._message is None:
            raise WorkerProtocolError(
                "binary frame arrived with no tensor sequence pending (a stray or extra frame)"
            )
        name = self.pending[0]
        try:
            array = BinaryFrame.decode(data, max_size=self._max_frame_size)
            check_tensor(self._message, name, self._message.tensor_manifest[name], array)
        except (BinaryFrameError, WorkerProtocolError):
            self.reset()
            raise
        self._tensors[name] = array
        return self._complete()

    def _complete(self) -> AssembledMessage | None:
        if self._message is None or self.pending:
            return None
        assembled = AssembledMessage(self._message, self._tensors)
        self.reset()
        return assembled


def encode_sequence(
    message: TaskMessage, tensors: Mapping[str, npt.NDArray[Any] | np.generic]
) -> Iterator[str | bytes]:
    """Return the frames of one sequence: the text frame, then one binary frame per tensor.

    When ``message.tensor_manifest`` is empty it is built from ``tensors`` in their order;
    otherwise ``tensors`` must hold exactly its names and match each entry, and the binary
    frames follow the manifest's order. Everything is validated before this returns, with
    the receiver's own checks, so a sender never starts a sequence it cannot finish; the
    binary frames are encoded lazily as the iterator advances.

    Raises:
        WorkerProtocolError: When the tensors and manifest disagree, a tensor fails
            ``check_tensor``, or the resulting text frame would be refused by the receiver
            (a missing required tensor, over ``MAX_TEXT_FRAME_CHARS`` characters...).
        BinaryFrameError: When a tensor cannot be framed (unsupported dtype, over 10 dims).
    """
    manifest = message.tensor_manifest or {
        name: TensorSpec.from_array(array) for name, array in tensors.items()
    }
    if set(manifest) != set(tensors):
        raise WorkerProtocolError(
            f"tensors {sorted(tensors)} do not match the manifest's {sorted(manifest)}",
            field="tensor_manifest",
        )
    for name, spec in manifest.items():
        TensorSpec.from_array(tensors[name])  # refuses now what BinaryFrame.encode would later
        check_tensor(message, name, spec, tensors[name])
    complete = replace(message, tensor_manifest=manifest)
    text = complete.to_json()
    type(complete).from_json(text)
    frames = (BinaryFrame.encode(tensors[name]) for name in manifest)
    return itertools.chain((text,), frames)
