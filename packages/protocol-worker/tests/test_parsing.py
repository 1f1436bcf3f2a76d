"""parse_worker_message: dispatch on ``type`` for raw text and decoded dicts."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from juniper_cascor_protocol.worker import (
    WorkerMessage,
    WorkerProtocolError,
    parse_worker_message,
)

Sample = Callable[[str], dict[str, Any]]


def test_every_message_dispatches_to_its_class(
    sample: Sample, sample_classes: dict[str, type[WorkerMessage]], sample_name: str
) -> None:
    frame = sample(sample_name)
    from_dict = parse_worker_message(frame)
    from_text = parse_worker_message(json.dumps(frame))
    assert type(from_dict) is sample_classes[sample_name]
    assert from_text == from_dict
    assert from_dict.to_dict() == frame


def test_a_heartbeat_with_any_worker_statistic_is_the_workers(sample: Sample) -> None:
    frame = sample("heartbeat_echo")
    frame["rss_mb"] = 10.0
    with pytest.raises(WorkerProtocolError) as caught:
        parse_worker_message(frame)
    assert caught.value.field == "in_flight_tasks"


@pytest.mark.parametrize(
    ("frame", "field", "message"),
    [
        ({"type": "subscribe"}, "type", "type: unknown worker message type 'subscribe'"),
        ({"worker_id": "w"}, "type", "type: is required"),
        ({"type": 3}, "type", "type: must be a non-empty string, got int"),
        ([], None, "message: must be an object, got list"),
        ("[]", None, "text frame must hold a JSON object, got list"),
        ("not json", None, "text frame is not valid JSON"),
    ],
)
def test_frames_that_name_no_known_message_are_refused(
    frame: Any, field: str | None, message: str
) -> None:
    with pytest.raises(WorkerProtocolError) as caught:
        parse_worker_message(frame)
    assert caught.value.field == field
    assert str(caught.value).startswith(message)


def test_a_known_type_with_a_bad_field_names_the_field(sample: Sample) -> None:
    frame = sample("task_result")
    frame["correlation"] = 2
    with pytest.raises(WorkerProtocolError) as caught:
        parse_worker_message(json.dumps(frame))
    assert caught.value.field == "correlation"
