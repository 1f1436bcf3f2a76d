"""Candidate tasks on the worker wire: ``task_assign`` and ``task_result`` sequences.

Sans-I/O helpers shared by the server side (``/ws/v1/workers``) and the test worker, built on
``juniper_cascor_protocol.worker`` (typed messages, ``encode_sequence``, the assembler's checks).
Tensors travel as float64 so a worker computes exactly what the server would in process.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from juniper_cascor_fake_server.learner import CandidateResult, CandidateTask
from juniper_cascor_protocol.worker import (
    AssembledMessage,
    TaskAssign,
    TaskResult,
    WorkerProtocolError,
    encode_sequence,
)

__all__ = ["assign_frames", "result_frames", "result_from_message", "task_from_assign"]


def assign_frames(task: CandidateTask, task_id: str, round_id: str) -> list[str | bytes]:
    """The ``task_assign`` text frame and its tensors (``candidate_input``, ``residual_error``).

    Raises:
        WorkerProtocolError: when the task's arrays cannot be sent.
    """
    message = TaskAssign(
        task_id=task_id,
        round_id=round_id,
        candidate_index=task.candidate_index,
        candidate_data={
            "input_size": int(task.candidate_input.shape[1]),
            "activation_name": task.activation,
            "candidate_uuid": task.candidate_uuid,
            "candidate_seed": task.seed,
        },
        training_params={
            "epochs": task.epochs,
            "learning_rate": task.learning_rate,
            "patience": task.patience,
        },
        tensor_manifest={},
    )
    tensors = {
        "candidate_input": np.ascontiguousarray(task.candidate_input, dtype=np.float64),
        "residual_error": np.ascontiguousarray(task.residual_error, dtype=np.float64),
    }
    return list(encode_sequence(message, tensors))


def task_from_assign(assembled: AssembledMessage) -> CandidateTask:
    """The ``CandidateTask`` a received ``task_assign`` describes.

    Raises:
        WorkerProtocolError: when the message is not a task_assign or its values do not fit.
    """
    message = assembled.message
    if not isinstance(message, TaskAssign):
        raise WorkerProtocolError("expected a task_assign")
    data: dict[str, Any] = dict(message.candidate_data)
    params: dict[str, Any] = dict(message.training_params)
    try:
        return CandidateTask(
            candidate_index=message.candidate_index,
            candidate_uuid=str(data["candidate_uuid"]),
            seed=int(data["candidate_seed"]),
            activation=str(data["activation_name"]),
            epochs=int(params["epochs"]),
            learning_rate=float(params["learning_rate"]),
            patience=int(params.get("patience", params["epochs"])),
            candidate_input=np.asarray(assembled.tensors["candidate_input"], dtype=np.float64),
            residual_error=np.asarray(assembled.tensors["residual_error"], dtype=np.float64),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise WorkerProtocolError(f"task_assign does not describe a candidate: {exc}") from exc


def result_frames(result: CandidateResult, task_id: str) -> list[str | bytes]:
    """The ``task_result`` text frame and its tensors (``weights``, ``bias``).

    Raises:
        WorkerProtocolError: when the weights break the protocol's limits.
    """
    message = TaskResult(
        task_id=task_id,
        candidate_id=result.candidate_index,
        candidate_uuid=result.candidate_uuid,
        correlation=result.correlation,
        success=True,
        epochs_completed=result.epochs_completed,
        activation_name=result.activation,
        all_correlations=result.all_correlations,
        numerator=result.numerator,
        denominator=result.denominator,
        best_corr_idx=result.best_corr_idx,
        tensor_manifest={},
    )
    tensors = {
        "weights": np.ascontiguousarray(result.weights, dtype=np.float64),
        "bias": np.array([result.bias], dtype=np.float64),
    }
    return list(encode_sequence(message, tensors))


def result_from_message(assembled: AssembledMessage, task: CandidateTask) -> CandidateResult:
    """The ``CandidateResult`` of a received ``task_result`` for ``task``.

    Raises:
        WorkerProtocolError: when the result failed, belongs to another candidate, or its
            tensors do not fit the task (weights of shape (input columns,), bias of one value).
    """
    message = assembled.message
    if not isinstance(message, TaskResult):
        raise WorkerProtocolError("expected a task_result")
    if not message.success:
        raise WorkerProtocolError(f"the worker failed: {message.error_message}")
    if message.candidate_uuid != task.candidate_uuid:
        raise WorkerProtocolError("candidate_uuid does not match the task")
    weights = assembled.tensors.get("weights")
    bias = assembled.tensors.get("bias")
    columns = task.candidate_input.shape[1]
    if weights is None or weights.shape != (columns,):
        raise WorkerProtocolError(f"weights must have shape ({columns},)", field="weights")
    if bias is None or bias.size != 1:
        raise WorkerProtocolError("bias must hold one value", field="bias")
    return CandidateResult(
        candidate_index=task.candidate_index,
        candidate_uuid=task.candidate_uuid,
        weights=np.asarray(weights, dtype=np.float64),
        bias=float(np.asarray(bias, dtype=np.float64).reshape(-1)[0]),
        correlation=message.correlation,
        numerator=message.numerator,
        denominator=message.denominator,
        all_correlations=message.all_correlations,
        best_corr_idx=message.best_corr_idx,
        epochs_completed=message.epochs_completed,
        activation=message.activation_name,
    )
