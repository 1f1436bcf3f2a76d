"""The ``task_result`` frames a worker answers with, checked before they are sent.

A trained candidate is answered ``success: true`` with four float32 tensors in this order:
``weights`` [input_size], ``bias`` [1], ``norm_output`` [N] and ``norm_error`` [N]. Before
anything is sent, the result passes the server's own checks (``encode_sequence`` applies the
receiver's: shapes and dtypes as the manifest says, finite values, max |w| <= 100, the
correlation in [0, 1], finite numbers) and this worker's (one correlation per output column, the
best column among them). A task that cannot be done is answered ``success: false`` with an
``error_message`` and no tensors. Both carry ``training_duration`` (seconds), which the real
server reads.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from juniper_cascor_numpy_worker.candidate import CandidateOutcome
from juniper_cascor_protocol.worker import (
    NO_BEST_CORR_IDX,
    TaskAssign,
    TaskResult,
    TensorSpec,
    WorkerProtocolError,
    encode_sequence,
)

__all__ = [
    "MAX_ERROR_MESSAGE_CHARS",
    "RESULT_TENSORS",
    "TaskIdentity",
    "failure_frames",
    "result_manifest",
    "success_frames",
]

RESULT_TENSORS = ("weights", "bias", "norm_output", "norm_error")
"""The tensors of a successful result, in the order they are sent."""
MAX_ERROR_MESSAGE_CHARS = 2000
"""Longest ``error_message`` sent; a longer one is cut and marked with ``...``."""
_FLOAT32 = "float32"

Frames = list[str | bytes]


@dataclass(frozen=True)
class TaskIdentity:
    """What a result repeats of its task: ids, candidate and activation names."""

    task_id: str
    candidate_index: int = 0
    candidate_uuid: str = ""
    activation_name: str = ""

    @classmethod
    def of(cls, assign: TaskAssign) -> TaskIdentity:
        """The identity of a valid ``task_assign``."""
        data = assign.candidate_data
        return cls(
            task_id=assign.task_id,
            candidate_index=assign.candidate_index,
            candidate_uuid=str(data["candidate_uuid"]),
            activation_name=str(data["activation_name"]),
        )

    @classmethod
    def of_frame(cls, frame: Mapping[str, Any]) -> TaskIdentity | None:
        """Whatever identity a ``task_assign`` frame that failed validation still gives.

        ``None`` when it has no usable ``task_id`` (such a task cannot be answered); missing
        or mistyped fields are answered as the torch worker does: candidate 0, empty names.
        """
        task_id = frame.get("task_id")
        if not isinstance(task_id, str) or not task_id:
            return None
        data = frame.get("candidate_data")
        data = data if isinstance(data, Mapping) else {}
        index = frame.get("candidate_index")
        return cls(
            task_id=task_id,
            candidate_index=index if type(index) is int and index >= 0 else 0,
            candidate_uuid=_text(data.get("candidate_uuid")),
            activation_name=_text(data.get("activation_name")),
        )


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def result_manifest(input_size: int, rows: int) -> dict[str, TensorSpec]:
    """The manifest of a successful result for ``input_size`` inputs and ``rows`` samples."""
    shapes = {"weights": (input_size,), "bias": (1,), "norm_output": (rows,), "norm_error": (rows,)}
    return {name: TensorSpec(shapes[name], _FLOAT32) for name in RESULT_TENSORS}


def _check_columns(outcome: CandidateOutcome, outputs: int) -> None:
    if len(outcome.all_correlations) != outputs:
        raise WorkerProtocolError(
            f"all_correlations: {len(outcome.all_correlations)} values for {outputs} outputs",
            field="all_correlations",
        )
    if not 0 <= outcome.best_corr_idx < outputs:
        raise WorkerProtocolError(
            f"best_corr_idx: {outcome.best_corr_idx} is not an output column (0..{outputs - 1})",
            field="best_corr_idx",
        )


def success_frames(
    assign: TaskAssign, outcome: CandidateOutcome, *, rows: int, outputs: int
) -> Frames:
    """The ``task_result`` of a trained candidate and its four float32 tensors.

    Args:
        assign: The task.
        outcome: What training returned.
        rows: N, the task's number of samples.
        outputs: The residual error's number of columns.

    Raises:
        WorkerProtocolError: When the result fails a check: a tensor of another shape than
            the manifest's, a NaN or infinity, |w| > 100, a correlation outside [0, 1], a
            non-finite number, correlations that do not match the output columns.
        BinaryFrameError: When a tensor cannot be framed.
    """
    _check_columns(outcome, outputs)
    identity = TaskIdentity.of(assign)
    message = TaskResult(
        task_id=identity.task_id,
        candidate_id=identity.candidate_index,
        candidate_uuid=identity.candidate_uuid,
        correlation=float(outcome.correlation),
        success=True,
        epochs_completed=int(outcome.epochs_completed),
        activation_name=identity.activation_name,
        all_correlations=tuple(float(c) for c in outcome.all_correlations),
        numerator=float(outcome.numerator),
        denominator=float(outcome.denominator),
        best_corr_idx=int(outcome.best_corr_idx),
        tensor_manifest=result_manifest(int(assign.candidate_data["input_size"]), rows),
        extras={"training_duration": float(outcome.training_duration)},
    )
    with np.errstate(over="ignore", invalid="ignore"):  # a cast overflow is caught as infinite
        tensors = {
            name: np.asarray(getattr(outcome, name), dtype=np.float32) for name in RESULT_TENSORS
        }
    return list(encode_sequence(message, tensors))


def failure_frames(identity: TaskIdentity, error: str, *, duration: float) -> Frames:
    """A ``success: false`` ``task_result`` (no tensors) saying why in ``error_message``.

    Raises:
        WorkerProtocolError: When the answer cannot be sent (a task id too long for a frame).
    """
    if len(error) > MAX_ERROR_MESSAGE_CHARS:
        error = error[: MAX_ERROR_MESSAGE_CHARS - 3] + "..."
    message = TaskResult(
        task_id=identity.task_id,
        candidate_id=identity.candidate_index,
        candidate_uuid=identity.candidate_uuid,
        correlation=0.0,
        success=False,
        epochs_completed=0,
        activation_name=identity.activation_name,
        all_correlations=(),
        numerator=0.0,
        denominator=1.0,
        best_corr_idx=NO_BEST_CORR_IDX,
        tensor_manifest={},
        error_message=error,
        extras={"training_duration": duration},
    )
    return list(encode_sequence(message, {}))
