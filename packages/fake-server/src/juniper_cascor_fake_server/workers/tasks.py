"""Candidate tasks on the worker wire, as juniper-cascor 0.12.0 frames them.

Sans-I/O helpers built on ``juniper_cascor_protocol.worker``. The server side sends a
``task_assign`` and three float32 tensors (``candidate_input`` [N, inputs], ``y`` [N, outputs],
``residual_error`` [N, outputs]) with the activation's TitleCase name; the worker side reads one
back into a ``CandidateTask`` and answers with a ``task_result`` and four float32 tensors
(``weights`` [inputs], ``bias`` [1], ``norm_output`` [N], ``norm_error`` [N]) or, for a task it
cannot train, a ``success: false`` result with an ``error_message`` and no tensors.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray

from juniper_cascor_fake_server.learner import CandidateResult, CandidateTask
from juniper_cascor_fake_server.learner.activations import activation_by_name
from juniper_cascor_protocol.worker import (
    NO_BEST_CORR_IDX,
    AssembledMessage,
    TaskAssign,
    TaskResult,
    WorkerProtocolError,
    encode_sequence,
)

__all__ = [
    "WORKER_PATIENCE",
    "assign_frames",
    "failure_frames",
    "result_frames",
    "task_from_assign",
    "task_tensors",
]

RANDOM_VALUE_SCALE = 0.1
"""``candidate_data.random_value_scale``: the real server's default initial weight scale."""
RANDOM_MAX_VALUE = 4_294_967_295
"""``candidate_data.random_max_value``: the largest seed a candidate may draw."""
SEQUENCE_MAX_VALUE = 100
"""``candidate_data.sequence_max_value``: the most draws a candidate discards after seeding."""
DISPLAY_FREQUENCY = 25
"""``training_params.display_frequency``: epochs between a candidate's progress reports."""
WORKER_PATIENCE = 50
"""Epochs without improvement after which a worker stops a candidate (the real worker's)."""

Float32Array = NDArray[np.float32]


def task_tensors(task: CandidateTask) -> dict[str, Float32Array]:
    """The tensors of a round's tasks in manifest order, as float32.

    ``y`` holds the training targets; without them (a task built by hand) it is zeros of the
    residual error's shape, which no worker reads.
    """
    targets = task.targets if task.targets is not None else np.zeros_like(task.residual_error)
    return {
        "candidate_input": np.ascontiguousarray(task.candidate_input, dtype=np.float32),
        "y": np.ascontiguousarray(targets, dtype=np.float32),
        "residual_error": np.ascontiguousarray(task.residual_error, dtype=np.float32),
    }


def assign_frames(
    task: CandidateTask, task_id: str, round_id: str, tensors: Mapping[str, Float32Array]
) -> list[str | bytes]:
    """The ``task_assign`` text frame of ``task`` followed by ``tensors`` (``task_tensors``).

    Raises:
        KeyError: when the task's activation is unknown.
        WorkerProtocolError: when the tensors cannot be sent.
    """
    message = TaskAssign(
        task_id=task_id,
        round_id=round_id,
        candidate_index=task.candidate_index,
        candidate_data={
            "input_size": int(task.candidate_input.shape[1]),
            "activation_name": activation_by_name(task.activation).name,
            "random_value_scale": RANDOM_VALUE_SCALE,
            "candidate_uuid": task.candidate_uuid,
            "candidate_seed": task.seed,
            "random_max_value": RANDOM_MAX_VALUE,
            "sequence_max_value": SEQUENCE_MAX_VALUE,
        },
        training_params={
            "epochs": task.epochs,
            "learning_rate": task.learning_rate,
            "display_frequency": DISPLAY_FREQUENCY,
        },
        tensor_manifest={},
    )
    return list(encode_sequence(message, tensors))


def task_from_assign(assembled: AssembledMessage) -> CandidateTask:
    """The ``CandidateTask`` a received ``task_assign`` describes (worker side).

    The activation keeps the spelling the server sent; training uses ``WORKER_PATIENCE``.

    Raises:
        WorkerProtocolError: when the message is not a task_assign, names an unknown
            activation, or its values or tensors do not fit a candidate.
    """
    message = assembled.message
    if not isinstance(message, TaskAssign):
        raise WorkerProtocolError("expected a task_assign")
    data: dict[str, Any] = dict(message.candidate_data)
    params: dict[str, Any] = dict(message.training_params)
    activation = str(data["activation_name"])
    try:
        activation_by_name(activation)
    except KeyError as exc:
        raise WorkerProtocolError(f"cannot train activation {activation!r}") from exc
    candidate_input = np.asarray(assembled.tensors["candidate_input"], dtype=np.float64)
    residual_error = np.asarray(assembled.tensors["residual_error"], dtype=np.float64)
    if candidate_input.ndim != 2 or candidate_input.shape[1] != data["input_size"]:
        raise WorkerProtocolError(
            f"candidate_input has shape {candidate_input.shape}, "
            f"not [N, input_size={data['input_size']}]"
        )
    if residual_error.ndim != 2 or residual_error.shape[0] != candidate_input.shape[0]:
        raise WorkerProtocolError(
            f"residual_error has shape {residual_error.shape}, "
            f"not [{candidate_input.shape[0]}, outputs]"
        )
    return CandidateTask(
        candidate_index=message.candidate_index,
        candidate_uuid=str(data["candidate_uuid"]),
        seed=int(data["candidate_seed"]),
        activation=activation,
        epochs=int(params["epochs"]),
        learning_rate=float(params["learning_rate"]),
        patience=WORKER_PATIENCE,
        candidate_input=candidate_input,
        residual_error=residual_error,
    )


def result_frames(task: CandidateTask, result: CandidateResult, task_id: str) -> list[str | bytes]:
    """The ``task_result`` of a trained candidate and its four float32 tensors.

    ``norm_output`` is the unit's mean-centred output and ``norm_error`` the mean-centred
    residual error of its best output column, both over the task's N samples.

    Raises:
        WorkerProtocolError: when a tensor breaks the protocol's limits (NaN, |w| > 100).
    """
    values = activation_by_name(task.activation).forward(
        task.candidate_input @ result.weights + result.bias
    )
    error = task.residual_error[:, result.best_corr_idx]
    message = TaskResult(
        task_id=task_id,
        candidate_id=result.candidate_index,
        candidate_uuid=result.candidate_uuid,
        correlation=result.correlation,
        success=True,
        epochs_completed=result.epochs_completed,
        activation_name=task.activation,
        all_correlations=result.all_correlations,
        numerator=result.numerator,
        denominator=result.denominator,
        best_corr_idx=result.best_corr_idx,
        tensor_manifest={},
    )
    tensors = {
        "weights": np.asarray(result.weights, dtype=np.float32),
        "bias": np.array([result.bias], dtype=np.float32),
        "norm_output": np.asarray(values - values.mean(), dtype=np.float32),
        "norm_error": np.asarray(error - error.mean(), dtype=np.float32),
    }
    return list(encode_sequence(message, tensors))


def failure_frames(assign: Mapping[str, Any], error: str) -> list[str | bytes]:
    """A ``success: false`` ``task_result`` (no tensors) answering the raw ``assign`` frame.

    Whatever the frame lacks is answered as the real worker does: candidate 0, empty
    ``candidate_uuid`` and ``activation_name``.

    Raises:
        WorkerProtocolError: when the frame has no usable ``task_id``.
    """
    data = assign.get("candidate_data")
    data = data if isinstance(data, Mapping) else {}
    index = assign.get("candidate_index")
    message = TaskResult(
        task_id=_text(assign.get("task_id")),
        candidate_id=index if type(index) is int and index >= 0 else 0,
        candidate_uuid=_text(data.get("candidate_uuid")),
        correlation=0.0,
        success=False,
        epochs_completed=0,
        activation_name=_text(data.get("activation_name")),
        all_correlations=(),
        numerator=0.0,
        denominator=1.0,
        best_corr_idx=NO_BEST_CORR_IDX,
        tensor_manifest={},
        error_message=error,
    )
    return list(encode_sequence(message, {}))


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""
