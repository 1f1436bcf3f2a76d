"""Tensor sequences: the assembler's happy paths and every rejection, and encode_sequence."""

from __future__ import annotations

import json
import struct
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest

from juniper_cascor_protocol.worker import (
    AssembledMessage,
    BinaryFrame,
    BinaryFrameError,
    Heartbeat,
    TaskAssign,
    TaskResult,
    TensorSequenceAssembler,
    TensorSpec,
    WorkerProtocolError,
    encode_sequence,
)

Sample = Callable[[str], dict[str, Any]]


def _assign_tensors() -> dict[str, npt.NDArray[Any]]:
    return {
        "candidate_input": np.arange(8, dtype=np.float32).reshape(4, 2),
        "residual_error": np.linspace(-1, 1, 4, dtype=np.float32).reshape(4, 1),
    }


def _result_tensors() -> dict[str, npt.NDArray[Any]]:
    return {
        "weights": np.array([100.0, -99.5], dtype=np.float32),
        "bias": np.array(0.25, dtype=np.float32),
    }


def _feed_all(assembler: TensorSequenceAssembler, frames: list[Any]) -> list[Any]:
    return [assembler.feed(frame) for frame in frames]


def _assign_frames(sample: Sample) -> list[str | bytes]:
    tensors = _assign_tensors()
    return [json.dumps(sample("task_assign"))] + [BinaryFrame.encode(t) for t in tensors.values()]


def test_task_assign_happy_path(sample: Sample) -> None:
    assembler = TensorSequenceAssembler()
    text, first, second = _assign_frames(sample)
    assert assembler.feed(text) is None
    assert list(assembler.pending) == ["candidate_input", "residual_error"]
    assert assembler.feed(first) is None
    assert list(assembler.pending) == ["residual_error"]
    done = assembler.feed(second)
    assert isinstance(done, AssembledMessage)
    assert isinstance(done.message, TaskAssign)
    assert done.message.task_id == "task-1"
    assert list(done.tensors) == ["candidate_input", "residual_error"]
    for name, expected in _assign_tensors().items():
        assert np.array_equal(done.tensors[name], expected)
        assert done.tensors[name].flags.writeable
    assert assembler.pending == ()


def test_task_result_happy_path_in_manifest_order(sample: Sample) -> None:
    tensors = _result_tensors()
    frames = [json.dumps(sample("task_result")), *map(BinaryFrame.encode, tensors.values())]
    *waiting, done = _feed_all(TensorSequenceAssembler(), frames)
    assert waiting == [None, None]
    assert isinstance(done, AssembledMessage)
    assert isinstance(done.message, TaskResult)
    assert list(done.tensors) == ["weights", "bias"]
    assert done.tensors["bias"].shape == ()
    assert np.array_equal(done.tensors["weights"], tensors["weights"])


def test_task_result_with_empty_manifest_completes_at_once(sample: Sample) -> None:
    frame = sample("task_result")
    frame.update(success=False, error_message="diverged", tensor_manifest={})
    done = TensorSequenceAssembler().feed(json.dumps(frame))
    assert isinstance(done, AssembledMessage)
    assert done.tensors == {}


def test_other_text_frames_pass_through_when_idle(sample: Sample) -> None:
    assembler = TensorSequenceAssembler()
    assert isinstance(assembler.feed(json.dumps(sample("heartbeat"))), Heartbeat)
    assert assembler.pending == ()


def test_a_big_endian_frame_matches_a_little_endian_manifest(sample: Sample) -> None:
    text, first, _ = _assign_frames(sample)
    residual = _assign_tensors()["residual_error"].astype(">f4")
    big_endian = struct.pack("<IIII", 2, 4, 1, 3) + b">f4" + residual.tobytes()
    done = _feed_all(TensorSequenceAssembler(), [text, first, big_endian])[-1]
    assert np.array_equal(done.tensors["residual_error"], residual)


def _rejections(sample: Sample) -> list[Any]:
    """(frames to feed, error type, field, message start), the last frame being rejected."""
    text, first, second = _assign_frames(sample)
    result = sample("task_result")

    def result_with(weights: npt.NDArray[Any]) -> list[Any]:
        frame = json.loads(json.dumps(result))
        frame["tensor_manifest"] = {"weights": TensorSpec.from_array(weights).to_dict()}
        return [json.dumps(frame), BinaryFrame.encode(weights)]

    def assign_with(input_array: npt.NDArray[Any]) -> list[Any]:
        return [text, BinaryFrame.encode(input_array)]

    nan = np.full((4, 2), np.nan, dtype=np.float32)
    inf = np.zeros((4, 2), dtype=np.float32)
    inf[1, 1] = -np.inf
    return [
        pytest.param(
            [first],
            WorkerProtocolError,
            None,
            "binary frame arrived with no tensor sequence pending",
            id="binary-without-manifest",
        ),
        pytest.param(
            [text, first, second, second],
            WorkerProtocolError,
            None,
            "binary frame arrived with no tensor sequence pending (a stray or extra frame)",
            id="extra-frame",
        ),
        pytest.param(
            [text, first, json.dumps(sample("heartbeat"))],
            WorkerProtocolError,
            None,
            "text frame arrived while task_assign 'task-1' was waiting for tensors "
            "'residual_error'; sequence discarded",
            id="text-interrupts-sequence",
        ),
        pytest.param(
            assign_with(np.zeros((2, 4), dtype=np.float32)),
            WorkerProtocolError,
            "tensors.candidate_input",
            "tensors.candidate_input: shape (2, 4) does not match the manifest's (4, 2)",
            id="shape-mismatch",
        ),
        pytest.param(
            assign_with(np.zeros((4, 2), dtype=np.float64)),
            WorkerProtocolError,
            "tensors.candidate_input",
            "tensors.candidate_input: dtype float64 does not match the manifest's 'float32'",
            id="dtype-mismatch",
        ),
        pytest.param(
            assign_with(nan),
            WorkerProtocolError,
            "tensors.candidate_input",
            "tensors.candidate_input: holds NaN or infinite values",
            id="nan",
        ),
        pytest.param(
            assign_with(inf),
            WorkerProtocolError,
            "tensors.candidate_input",
            "tensors.candidate_input: holds NaN or infinite values",
            id="inf",
        ),
        pytest.param(
            result_with(np.array([1.0, 100.5], dtype=np.float32)),
            WorkerProtocolError,
            "tensors.weights",
            "tensors.weights: max |w| is 100.5, over the limit of 100.0",
            id="weights-too-large",
        ),
        pytest.param(
            result_with(np.array([-101, 3], dtype=np.int32)),
            WorkerProtocolError,
            "tensors.weights",
            "tensors.weights: max |w| is 101.0, over the limit of 100.0",
            id="negative-weights-too-large",
        ),
        pytest.param(
            [text, first[:-1]],
            BinaryFrameError,
            None,
            "Data size mismatch: expected 32 bytes, got 31",
            id="corrupt-binary-frame",
        ),
        pytest.param(
            [json.dumps({**sample("task_assign"), "candidate_index": -1})],
            WorkerProtocolError,
            "candidate_index",
            "candidate_index: must be at least 0",
            id="invalid-text-frame",
        ),
        pytest.param(
            [json.dumps({**sample("task_assign"), "tensor_manifest": {}})],
            WorkerProtocolError,
            "tensor_manifest",
            "tensor_manifest: must list 'candidate_input'",
            id="assign-without-required-tensors",
        ),
    ]


REJECTIONS = [
    "binary-without-manifest",
    "extra-frame",
    "text-interrupts-sequence",
    "shape-mismatch",
    "dtype-mismatch",
    "nan",
    "inf",
    "weights-too-large",
    "negative-weights-too-large",
    "corrupt-binary-frame",
    "invalid-text-frame",
    "assign-without-required-tensors",
]


@pytest.mark.parametrize("case", REJECTIONS)
def test_each_rejection_then_a_clean_sequence(sample: Sample, case: str) -> None:
    cases = {param.id: param.values for param in _rejections(sample)}
    assert sorted(cases) == sorted(REJECTIONS)
    frames, error, field, message = cases[case]
    assembler = TensorSequenceAssembler()
    for frame in frames[:-1]:
        assembler.feed(frame)
    with pytest.raises(error) as caught:
        assembler.feed(frames[-1])
    assert str(caught.value).startswith(message)
    assert getattr(caught.value, "field", None) == field
    assert assembler.pending == ()
    *waiting, done = _feed_all(assembler, _assign_frames(sample))
    assert waiting == [None, None]
    assert isinstance(done, AssembledMessage)


def test_frames_over_the_assemblers_limit_are_refused(sample: Sample) -> None:
    text, first, _ = _assign_frames(sample)
    assembler = TensorSequenceAssembler(max_frame_size=len(first) - 1)
    assembler.feed(text)
    with pytest.raises(BinaryFrameError, match=f"the limit is {len(first) - 1} bytes"):
        assembler.feed(first)


def test_large_values_are_fine_outside_task_result_weights(sample: Sample) -> None:
    text, _, second = _assign_frames(sample)
    big = np.full((4, 2), 1e6, dtype=np.float32)
    done = _feed_all(TensorSequenceAssembler(), [text, BinaryFrame.encode(big), second])[-1]
    assert isinstance(done, AssembledMessage)


def test_encode_sequence_builds_the_manifest_from_the_tensors(sample: Sample) -> None:
    frame = sample("task_result")
    frame["tensor_manifest"] = {}
    message = TaskResult.from_dict(frame)
    frames = list(encode_sequence(message, _result_tensors()))
    assert isinstance(frames[0], str)
    assert json.loads(frames[0])["tensor_manifest"] == {
        "weights": {"shape": [2], "dtype": "float32"},
        "bias": {"shape": [], "dtype": "float32"},
    }
    assert all(isinstance(f, bytes) for f in frames[1:])
    done = _feed_all(TensorSequenceAssembler(), frames)[-1]
    assert done.message == TaskResult.from_json(frames[0])
    assert np.array_equal(done.tensors["weights"], _result_tensors()["weights"])


def test_encode_sequence_follows_a_given_manifests_order(sample: Sample) -> None:
    message = TaskAssign.from_dict(sample("task_assign"))
    tensors = dict(reversed(list(_assign_tensors().items())))
    text, *binary = encode_sequence(message, tensors)
    assert text == message.to_json()
    assert [BinaryFrame.decode(b).shape for b in binary if isinstance(b, bytes)] == [
        (4, 2),
        (4, 1),
    ]


def test_encode_sequence_converts_byte_order_and_layout(sample: Sample) -> None:
    message = TaskAssign.from_dict(sample("task_assign"))
    tensors = _assign_tensors()
    tensors["candidate_input"] = np.asfortranarray(tensors["candidate_input"].astype(">f4"))
    done = _feed_all(TensorSequenceAssembler(), list(encode_sequence(message, tensors)))[-1]
    assert np.array_equal(done.tensors["candidate_input"], tensors["candidate_input"])


@pytest.mark.parametrize(
    ("change", "error", "field", "message"),
    [
        (
            lambda t: t.pop("residual_error"),
            WorkerProtocolError,
            "tensor_manifest",
            "tensors ['candidate_input'] do not match the manifest's",
        ),
        (
            lambda t: t.update(extra=np.zeros(1)),
            WorkerProtocolError,
            "tensor_manifest",
            "tensors ['candidate_input', 'extra', 'residual_error'] do not match",
        ),
        (
            lambda t: t.update(residual_error=np.zeros((4, 2), dtype=np.float32)),
            WorkerProtocolError,
            "tensors.residual_error",
            "tensors.residual_error: shape (4, 2) does not match the manifest's (4, 1)",
        ),
        (
            lambda t: t.update(residual_error=np.full((4, 1), np.inf, dtype=np.float32)),
            WorkerProtocolError,
            "tensors.residual_error",
            "tensors.residual_error: holds NaN or infinite values",
        ),
        (
            lambda t: t.update(residual_error=np.array([["a"]] * 4)),
            BinaryFrameError,
            None,
            "dtype '<U1' is not supported",
        ),
        (
            lambda t: t.update(residual_error=[[0.0]] * 4),
            WorkerProtocolError,
            None,
            "expected a numpy array, got list",
        ),
    ],
)
def test_encode_sequence_validates_before_returning(
    sample: Sample, change: Any, error: type[Exception], field: str | None, message: str
) -> None:
    tensors: dict[str, Any] = _assign_tensors()
    change(tensors)
    with pytest.raises(error) as caught:
        encode_sequence(TaskAssign.from_dict(sample("task_assign")), tensors)
    assert str(caught.value).startswith(message)
    assert getattr(caught.value, "field", None) == field


def test_encode_sequence_applies_the_weight_limit_to_results(sample: Sample) -> None:
    frame = sample("task_result")
    frame["tensor_manifest"] = {}
    tensors = {"weights": np.array([0.0, 250.0], dtype=np.float64)}
    with pytest.raises(WorkerProtocolError, match=r"max \|w\| is 250.0"):
        encode_sequence(TaskResult.from_dict(frame), tensors)


@pytest.mark.parametrize("dtype", ["int8", "int16", "int32", "int64"])
def test_weight_limit_holds_for_the_most_negative_integer(sample: Sample, dtype: str) -> None:
    # abs() of an integer type's minimum wraps around to itself, a negative number.
    frame = sample("task_result")
    frame["tensor_manifest"] = {}
    weights = np.array([0, np.iinfo(dtype).min], dtype=dtype)
    with pytest.raises(WorkerProtocolError, match=r"max \|w\| is "):
        encode_sequence(TaskResult.from_dict(frame), {"weights": weights})


def test_encode_sequence_refuses_what_the_receiver_would(sample: Sample) -> None:
    message = TaskAssign.from_dict(sample("task_assign"))
    only_input = {"candidate_input": _assign_tensors()["candidate_input"]}
    with pytest.raises(WorkerProtocolError) as caught:
        encode_sequence(replace(message, tensor_manifest={}), only_input)
    assert str(caught.value) == "tensor_manifest: must list 'residual_error'"
    with pytest.raises(WorkerProtocolError, match="over the limit of 65536"):
        encode_sequence(replace(message, task_id="t" * 70_000), _assign_tensors())


def test_encode_sequence_sends_numpy_scalars_as_0d_tensors(sample: Sample) -> None:
    frame = sample("task_result")
    frame["tensor_manifest"] = {}
    tensors: dict[str, Any] = {"weights": np.ones(2, dtype=np.float32), "bias": np.float32(0.5)}
    frames = list(encode_sequence(TaskResult.from_dict(frame), tensors))
    assert json.loads(frames[0])["tensor_manifest"]["bias"] == {"shape": [], "dtype": "float32"}
    done = _feed_all(TensorSequenceAssembler(), frames)[-1]
    assert done.tensors["bias"].shape == ()
    assert done.tensors["bias"] == np.float32(0.5)
