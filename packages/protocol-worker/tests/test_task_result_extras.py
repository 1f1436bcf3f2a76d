"""``TaskResult.extras``: top-level keys beyond the documented ones, such as the
``training_duration`` the real server reads, kept on parse and written on the wire."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import numpy as np
import pytest

from juniper_cascor_protocol.worker import (
    AssembledMessage,
    TaskResult,
    TensorSequenceAssembler,
    WorkerProtocolError,
    encode_sequence,
    parse_worker_message,
)

Sample = Callable[[str], dict[str, Any]]


def test_unknown_top_level_keys_are_kept_as_extras(sample: Sample) -> None:
    frame = sample("task_result")
    frame["training_duration"] = 1.25
    frame["host"] = {"name": "box", "cores": [0, 1]}
    message = TaskResult.from_dict(frame)
    assert message.extras == {"training_duration": 1.25, "host": {"name": "box", "cores": [0, 1]}}
    assert message.to_dict() == frame
    assert parse_worker_message(json.dumps(frame)) == message


def test_extras_are_written_after_the_documented_keys(sample: Sample) -> None:
    message = replace(TaskResult.from_dict(sample("task_result")), extras={"training_duration": 2})
    wire = json.loads(message.to_json())
    assert list(wire)[-2:] == ["tensor_manifest", "training_duration"]
    assert wire["training_duration"] == 2
    assert TaskResult.from_json(message.to_json()) == message


def test_a_result_without_extras_is_unchanged(sample: Sample) -> None:
    frame = sample("task_result")
    message = TaskResult.from_dict(frame)
    assert message.extras == {}
    assert message.to_dict() == frame


def test_extras_are_copied_not_shared(sample: Sample) -> None:
    frame = sample("task_result")
    frame["history"] = [1.0, 2.0]
    message = TaskResult.from_dict(frame)
    frame["history"].append(3.0)
    assert message.extras["history"] == [1.0, 2.0]


@pytest.mark.parametrize(
    ("value", "field", "problem"),
    [
        (math.nan, "training_duration", "training_duration: must be finite, got nan"),
        ([math.inf], "training_duration[0]", "training_duration[0]: must be finite, got inf"),
    ],
)
def test_extras_must_be_plain_json(sample: Sample, value: Any, field: str, problem: str) -> None:
    frame = sample("task_result")
    frame["training_duration"] = value
    with pytest.raises(WorkerProtocolError) as caught:
        TaskResult.from_dict(frame)
    assert caught.value.field == field
    assert str(caught.value) == problem


@pytest.mark.parametrize("key", ["success", "type", "tensor_manifest", ""])
def test_extras_may_not_shadow_a_documented_key(sample: Sample, key: str) -> None:
    message = TaskResult.from_dict(sample("task_result"))
    with pytest.raises(WorkerProtocolError, match="names a task_result field") as caught:
        replace(message, extras={key: 1})
    assert caught.value.field == "extras"


def test_to_json_refuses_extras_json_cannot_carry(sample: Sample) -> None:
    message = replace(TaskResult.from_dict(sample("task_result")), extras={"t": math.nan})
    with pytest.raises(WorkerProtocolError, match="cannot be written as JSON"):
        message.to_json()


def test_extras_travel_through_a_tensor_sequence(sample: Sample) -> None:
    frame = sample("task_result")
    frame["tensor_manifest"] = {}
    message = replace(TaskResult.from_dict(frame), extras={"training_duration": 0.5})
    tensors = {"weights": np.ones(2, np.float32), "bias": np.zeros(1, np.float32)}
    assembler = TensorSequenceAssembler()
    assembled = [assembler.feed(f) for f in encode_sequence(message, tensors)][-1]
    assert isinstance(assembled, AssembledMessage)
    assert isinstance(assembled.message, TaskResult)
    assert assembled.message.extras == {"training_duration": 0.5}
