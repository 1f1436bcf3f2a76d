"""Reading a received task into a ``CandidateTask``."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pytest

from juniper_cascor_numpy_worker.candidate import CandidateError
from juniper_cascor_numpy_worker.tasks import task_from_assign
from juniper_cascor_protocol.worker import AssembledMessage, ResultAck, TaskAssign

from .scripted import XOR_E, XOR_X, assign_frame


def _assembled(
    inputs: np.ndarray = XOR_X, residual: np.ndarray = XOR_E, **changes: Any
) -> AssembledMessage:
    message = TaskAssign.from_dict(assign_frame("t", "Sigmoid", **changes))
    tensors = {"candidate_input": inputs, "y": np.zeros_like(residual), "residual_error": residual}
    return AssembledMessage(message, tensors)


def _data(**changes: Any) -> dict[str, Any]:
    return {**assign_frame("t")["candidate_data"], **changes}


def test_every_value_is_read() -> None:
    task = task_from_assign(_assembled())
    assert task.activation_name == "Sigmoid"
    assert (task.candidate_index, task.candidate_seed) == (2, 1181241943)
    assert (task.epochs, task.learning_rate) == (30, 0.05)
    assert (task.random_value_scale, task.random_max_value, task.sequence_max_value) == (
        0.1,
        4294967295,
        100,
    )
    assert task.inputs.dtype == task.residual_error.dtype == np.float32
    np.testing.assert_array_equal(task.inputs, XOR_X)
    assert task.inputs.flags.c_contiguous


def test_integral_floats_and_missing_optional_values() -> None:
    data = _data(random_max_value=4294967295.0, sequence_max_value=100.0)
    del data["random_value_scale"]
    task = task_from_assign(_assembled(candidate_data=data))
    assert (task.random_max_value, task.sequence_max_value) == (4294967295, 100)
    assert isinstance(task.random_max_value, int)
    assert task.random_value_scale == 0.1


def test_other_dtypes_are_read_as_float32() -> None:
    task = task_from_assign(_assembled(inputs=XOR_X.astype(np.float64)))
    assert task.inputs.dtype == np.float32


@pytest.mark.parametrize(
    ("assembled", "problem"),
    [
        (_assembled(inputs=np.zeros((4, 3), np.float32)), "not [N, input_size=2]"),
        (_assembled(inputs=np.zeros(4, np.float32)), "candidate_input must be a non-empty 2-D"),
        (_assembled(residual=np.zeros((3, 1), np.float32)), "not [4, outputs]"),
        (_assembled(residual=np.zeros((4, 0), np.float32)), "residual_error must be a non-empty"),
        (_assembled(candidate_data=_data(random_max_value=1.5)), "random_max_value must be an"),
        (_assembled(candidate_data=_data(sequence_max_value="9")), "sequence_max_value must be"),
        (_assembled(candidate_data=_data(random_value_scale=True)), "random_value_scale must be"),
        (_assembled(candidate_data=_data(random_value_scale=10**400)), "is too large"),
        (
            AssembledMessage(ResultAck(task_id="t", status="accepted"), {}),  # type: ignore[arg-type]
            "expected a task_assign",
        ),
    ],
)
def test_a_task_that_does_not_fit_is_refused(assembled: AssembledMessage, problem: str) -> None:
    with pytest.raises(CandidateError, match=re.escape(problem)):
        task_from_assign(assembled)
