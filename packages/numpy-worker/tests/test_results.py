"""The answers to tasks, checked before they are sent: a trained result's frames, the
checks that turn a bad result into a failure, and failures with their reason."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import numpy as np
import pytest

from juniper_cascor_numpy_worker.candidate import CandidateOutcome
from juniper_cascor_numpy_worker.results import (
    MAX_ERROR_MESSAGE_CHARS,
    TaskIdentity,
    failure_frames,
    result_manifest,
    success_frames,
)
from juniper_cascor_protocol.worker import (
    AssembledMessage,
    BinaryFrameError,
    TaskAssign,
    TaskResult,
    TensorSequenceAssembler,
    WorkerProtocolError,
)

from .scripted import assign_frame


def _assign() -> TaskAssign:
    return TaskAssign.from_dict(assign_frame("t1"))


def _outcome(**changes: Any) -> CandidateOutcome:
    outcome = CandidateOutcome(
        correlation=0.75,
        all_correlations=(0.75,),
        best_corr_idx=0,
        numerator=0.3,
        denominator=0.4,
        epochs_completed=12,
        weights=np.array([0.5, -1.5], np.float32),
        bias=np.array([0.25], np.float32),
        norm_output=np.array([0.1, -0.1, 0.2, -0.2], np.float32),
        norm_error=np.array([-0.5, 0.5, 0.5, -0.5], np.float32),
        training_duration=0.125,
    )
    return dataclasses.replace(outcome, **changes)


def _assembled(frames: list[str | bytes]) -> AssembledMessage:
    assembler = TensorSequenceAssembler()
    result = [assembler.feed(frame) for frame in frames][-1]
    assert isinstance(result, AssembledMessage)
    return result


def test_a_trained_result_is_sent_with_its_tensors_in_order() -> None:
    frames = success_frames(_assign(), _outcome(), rows=4, outputs=1)
    wire = json.loads(str(frames[0]))
    assert wire["training_duration"] == 0.125
    assert wire["tensor_manifest"] == {
        "weights": {"shape": [2], "dtype": "float32"},
        "bias": {"shape": [1], "dtype": "float32"},
        "norm_output": {"shape": [4], "dtype": "float32"},
        "norm_error": {"shape": [4], "dtype": "float32"},
    }
    assembled = _assembled(frames)
    message = assembled.message
    assert isinstance(message, TaskResult)
    assert (message.task_id, message.candidate_id, message.candidate_uuid) == ("t1", 2, "uuid-t1")
    assert (message.success, message.correlation, message.epochs_completed) == (True, 0.75, 12)
    assert message.error_message is None
    np.testing.assert_array_equal(assembled.tensors["weights"], [0.5, -1.5])


def test_other_float_types_are_sent_as_float32() -> None:
    frames = success_frames(
        _assign(), _outcome(weights=np.array([0.5, 2.0]), bias=[0.0]), rows=4, outputs=1
    )
    assert _assembled(frames).tensors["weights"].dtype == np.float32


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"weights": np.array([0.5, np.nan], np.float32)}, "tensors.weights: holds NaN"),
        ({"weights": np.array([0.5, 1e300])}, "tensors.weights: holds NaN or infinite"),
        ({"weights": np.array([0.5, -100.5], np.float32)}, "max |w| is 100.5"),
        ({"weights": np.zeros(3, np.float32)}, "tensors.weights: shape (3,)"),
        ({"bias": np.zeros((1, 1), np.float32)}, "tensors.bias: shape (1, 1)"),
        ({"norm_output": np.zeros(5, np.float32)}, "tensors.norm_output: shape (5,)"),
        ({"norm_error": np.full(4, np.inf, np.float32)}, "tensors.norm_error: holds NaN"),
        ({"correlation": 1.5}, "correlation: must be at most 1"),
        ({"correlation": float("nan")}, "cannot be written as JSON"),
        ({"numerator": float("inf")}, "cannot be written as JSON"),
        ({"training_duration": float("nan")}, "cannot be written as JSON"),
        ({"all_correlations": (0.5, 0.25)}, "all_correlations: 2 values for 1 outputs"),
        ({"best_corr_idx": 1}, "best_corr_idx: 1 is not an output column"),
        ({"best_corr_idx": -1}, "best_corr_idx: -1 is not an output column"),
    ],
)
def test_a_result_failing_a_check_is_not_sent(changes: dict[str, Any], problem: str) -> None:
    with pytest.raises((WorkerProtocolError, BinaryFrameError)) as caught:
        success_frames(_assign(), _outcome(**changes), rows=4, outputs=1)
    assert problem in str(caught.value)


def test_a_failure_carries_its_reason_and_no_tensors() -> None:
    identity = TaskIdentity.of(_assign())
    (text,) = failure_frames(identity, "cannot train activation 'GLU'", duration=0.5)
    message = TaskResult.from_json(str(text))
    assert (message.success, message.error_message) == (False, "cannot train activation 'GLU'")
    assert (message.candidate_id, message.candidate_uuid, message.activation_name) == (
        2,
        "uuid-t1",
        "Tanh",
    )
    assert (message.correlation, message.best_corr_idx, message.all_correlations) == (0.0, -1, ())
    assert dict(message.tensor_manifest) == {}
    assert message.extras == {"training_duration": 0.5}


def test_a_long_reason_is_cut() -> None:
    (text,) = failure_frames(TaskIdentity("t"), "x" * 100_000, duration=0.0)
    reason = str(TaskResult.from_json(str(text)).error_message)
    assert len(reason) == MAX_ERROR_MESSAGE_CHARS
    assert reason.endswith("...")


def test_a_task_id_too_long_for_a_frame_cannot_be_answered() -> None:
    with pytest.raises(WorkerProtocolError, match="over the limit"):
        failure_frames(TaskIdentity("t" * 70_000), "no", duration=0.0)


@pytest.mark.parametrize(
    ("frame", "identity"),
    [
        (assign_frame("a"), TaskIdentity("a", 2, "uuid-a", "Tanh")),
        ({"task_id": "b"}, TaskIdentity("b")),
        (
            {"task_id": "c", "candidate_index": -3, "candidate_data": {"candidate_uuid": 5}},
            TaskIdentity("c"),
        ),
        ({"task_id": "d", "candidate_index": True, "candidate_data": []}, TaskIdentity("d")),
        ({"task_id": ""}, None),
        ({"task_id": 7}, None),
        ({}, None),
    ],
)
def test_what_a_broken_task_frame_still_identifies(
    frame: dict[str, Any], identity: TaskIdentity | None
) -> None:
    assert TaskIdentity.of_frame(frame) == identity


def test_the_result_manifest() -> None:
    manifest = result_manifest(3, 7)
    assert list(manifest) == ["weights", "bias", "norm_output", "norm_error"]
    assert [spec.shape for spec in manifest.values()] == [(3,), (1,), (7,), (7,)]
    assert {spec.dtype for spec in manifest.values()} == {"float32"}
