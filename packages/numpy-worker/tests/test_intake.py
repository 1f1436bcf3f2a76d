"""``FrameIntake``: each kind of frame, well-formed or not, becomes the right event."""

from __future__ import annotations

import json

import numpy as np

from juniper_cascor_numpy_worker.intake import Delivered, Dropped, FrameIntake, Refused
from juniper_cascor_numpy_worker.results import TaskIdentity
from juniper_cascor_protocol.worker import AssembledMessage, BinaryFrame, ResultAck

from .scripted import assign_frame, task_frames

IDENTITY = TaskIdentity("t1", 2, "uuid-t1", "Tanh")


def _intake() -> FrameIntake:
    return FrameIntake(max_frame_bytes=1024 * 1024)


def _feed(intake: FrameIntake, *frames: str | bytes) -> list[object]:
    return [event for frame in frames for event in intake.feed(frame)]


def test_a_task_is_delivered_once_its_last_tensor_arrives() -> None:
    intake = _intake()
    text, *tensors = task_frames("t1")
    assert _feed(intake, text, *tensors[:-1]) == []
    (event,) = intake.feed(tensors[-1])
    assert isinstance(event, Delivered)
    assert event.kind == "task_assign"
    assert isinstance(event.message, AssembledMessage)
    assert list(event.message.tensors) == ["candidate_input", "y", "residual_error"]


def test_other_messages_are_delivered_at_once() -> None:
    (event,) = _intake().feed(json.dumps({"type": "result_ack", "task_id": "a", "status": "ok"}))
    assert isinstance(event, Dropped)  # an invalid status is an unreadable frame
    (event,) = _intake().feed(ResultAck(task_id="a", status="accepted").to_json())
    assert event == Delivered(ResultAck(task_id="a", status="accepted"))
    assert event.kind == "result_ack"


def test_frames_that_answer_nothing_are_dropped() -> None:
    events = _feed(_intake(), b"stray", "{nope", "[]", "x" * 70_000, json.dumps({"type": "probe"}))
    assert [type(event) for event in events] == [Dropped] * 5
    dropped = [event for event in events if isinstance(event, Dropped)]
    assert [event.unknown_type for event in dropped] == [False, False, False, False, True]
    assert "outside a task" in dropped[0].reason
    assert "unknown worker message type 'probe'" in dropped[4].reason


def test_an_invalid_task_is_refused_and_its_tensors_skipped() -> None:
    intake = _intake()
    frame = assign_frame("t1")
    del frame["training_params"]["epochs"]
    text, *tensors = task_frames("t1", training_params=frame["training_params"])
    (event,) = intake.feed(text)
    assert isinstance(event, Refused)
    assert event.task == IDENTITY
    assert "training_params.epochs: is required" in event.reason
    assert _feed(intake, *tensors) == []  # the three announced tensors pass quietly
    assert isinstance(intake.feed(b"one too many")[0], Dropped)


def test_a_task_without_a_task_id_cannot_be_answered() -> None:
    frame = assign_frame("t1")
    del frame["task_id"]
    (event,) = _intake().feed(json.dumps(frame))
    assert isinstance(event, Dropped)
    assert "cannot be answered" in event.reason


def test_a_bad_tensor_refuses_the_task_and_skips_the_rest() -> None:
    intake = _intake()
    text, first, _, third = task_frames("t1")
    assert _feed(intake, text, first) == []
    (event,) = intake.feed(BinaryFrame.encode(np.full((4, 1), np.inf, np.float32)))
    assert isinstance(event, Refused)
    assert event.task == IDENTITY
    assert "tensor 'y' is unusable" in event.reason
    assert "NaN or infinite" in event.reason
    assert intake.feed(third) == []
    assert isinstance(_feed(intake, *task_frames("t2"))[-1], Delivered)


def test_an_undecodable_frame_refuses_the_task() -> None:
    intake = _intake()
    text, *_ = task_frames("t1")
    intake.feed(text)
    (event,) = intake.feed(b"\x01")
    assert isinstance(event, Refused)
    assert "tensor 'candidate_input' is unusable" in event.reason


def test_a_frame_over_the_size_limit_refuses_the_task() -> None:
    intake = FrameIntake(max_frame_bytes=16)
    text, first, *_ = task_frames("t1")
    intake.feed(text)
    (event,) = intake.feed(first)
    assert isinstance(event, Refused)
    assert "limit" in event.reason


def test_a_text_frame_before_the_last_tensor_refuses_the_task_and_is_read() -> None:
    intake = _intake()
    text, first, *_ = task_frames("t1")
    _feed(intake, text, first)
    refused, delivered = intake.feed(ResultAck(task_id="x", status="rejected").to_json())
    assert isinstance(refused, Refused)
    assert refused.task == IDENTITY
    assert "before the task's last tensor" in refused.reason
    assert isinstance(delivered, Delivered)
    assert delivered.kind == "result_ack"


def test_too_many_announced_tensors_refuse_the_task() -> None:
    intake = FrameIntake(max_frame_bytes=1024, max_task_tensors=3)
    manifest = {f"t{i}": {"shape": [1], "dtype": "float32"} for i in range(4)}
    manifest["candidate_input"] = {"shape": [1], "dtype": "float32"}
    manifest["residual_error"] = {"shape": [1], "dtype": "float32"}
    (event,) = intake.feed(json.dumps(assign_frame("t1", tensor_manifest=manifest)))
    assert isinstance(event, Refused)
    assert "announces 6 tensors; at most 3" in event.reason
    tensor = BinaryFrame.encode(np.zeros(1, np.float32))
    assert _feed(intake, *[tensor] * 6) == []
