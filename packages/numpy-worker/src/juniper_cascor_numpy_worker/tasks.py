"""Reading a received ``task_assign`` (with its tensors) into a ``CandidateTask``.

The real server sends ``candidate_data`` with ``input_size``, ``activation_name``,
``candidate_uuid``, ``candidate_seed``, ``random_value_scale``, ``random_max_value`` and
``sequence_max_value``, ``training_params`` with ``epochs`` and ``learning_rate``, and three
float32 tensors: ``candidate_input`` [N, input_size], ``y`` (unused) and ``residual_error``
[N, outputs]. ``TaskAssign`` has already checked the required keys' types and every tensor
against its manifest (shape, dtype, finite values).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from juniper_cascor_numpy_worker.candidate import CandidateError, CandidateTask
from juniper_cascor_protocol.worker import AssembledMessage, TaskAssign

__all__ = ["task_from_assign"]

# The real server's values when candidate_data leaves them out.
_DEFAULT_RANDOM_VALUE_SCALE = 0.1
_DEFAULT_RANDOM_MAX_VALUE = 4_294_967_295
_DEFAULT_SEQUENCE_MAX_VALUE = 100


def _number(data: Mapping[str, Any], key: str, default: float) -> float:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise CandidateError(f"candidate_data.{key} must be a number, got {value!r}")
    try:
        return float(value)
    except OverflowError as exc:
        raise CandidateError(f"candidate_data.{key} is too large: {value!r}") from exc


def _whole(data: Mapping[str, Any], key: str, default: int) -> int:
    """An integer that may arrive as an integral float (older servers send ``100.0``)."""
    value = data.get(key, default)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise CandidateError(f"candidate_data.{key} must be an integer, got {value!r}")
    return value


def _matrix(tensors: Mapping[str, np.ndarray], name: str) -> np.ndarray:
    array = tensors[name]
    if array.ndim != 2 or 0 in array.shape:
        raise CandidateError(f"{name} must be a non-empty 2-D tensor, got shape {array.shape}")
    return np.ascontiguousarray(array, dtype=np.float32)


def task_from_assign(assembled: AssembledMessage) -> CandidateTask:
    """The candidate that a complete ``task_assign`` asks for.

    Raises:
        CandidateError: When the message is not a ``task_assign``, a value does not fit
            (``random_max_value`` not an integer...), or the tensors do not fit each other
            (``candidate_input`` not [N, input_size], ``residual_error`` not [N, outputs]).
    """
    message = assembled.message
    if not isinstance(message, TaskAssign):
        raise CandidateError(f"expected a task_assign, got {message.type.value}")
    data, params = message.candidate_data, message.training_params
    inputs = _matrix(assembled.tensors, "candidate_input")
    residual_error = _matrix(assembled.tensors, "residual_error")
    input_size = data["input_size"]
    if inputs.shape[1] != input_size:
        raise CandidateError(
            f"candidate_input has shape {inputs.shape}, not [N, input_size={input_size}]"
        )
    if residual_error.shape[0] != inputs.shape[0]:
        raise CandidateError(
            f"residual_error has shape {residual_error.shape}, not [{inputs.shape[0]}, outputs]"
        )
    return CandidateTask(
        inputs=inputs,
        residual_error=residual_error,
        activation_name=data["activation_name"],
        candidate_index=message.candidate_index,
        candidate_seed=data["candidate_seed"],
        epochs=params["epochs"],
        learning_rate=float(params["learning_rate"]),
        random_value_scale=_number(data, "random_value_scale", _DEFAULT_RANDOM_VALUE_SCALE),
        random_max_value=_whole(data, "random_max_value", _DEFAULT_RANDOM_MAX_VALUE),
        sequence_max_value=_whole(data, "sequence_max_value", _DEFAULT_SEQUENCE_MAX_VALUE),
    )
