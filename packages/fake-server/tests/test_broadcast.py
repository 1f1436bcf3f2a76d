"""Sequence numbers, chunking, replay and resume decisions (sans-I/O)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from juniper_cascor_fake_server.ws.broadcast import (
    ResumeDecision,
    SequenceLog,
    broadcast_envelope,
    personal_texts,
)
from juniper_cascor_protocol.envelope import (
    CHUNK_PAYLOAD_SIZE,
    CHUNK_THRESHOLD_BYTES,
    InitialStatusEnvelope,
    MetricsEnvelope,
    validate_envelope,
)


def _number(log: SequenceLog, frame_type: str, data: dict[str, Any]) -> list[dict[str, Any]]:
    return [json.loads(text) for text in log.number(broadcast_envelope(frame_type, data))]


def _resume(log: SequenceLog, last_seq: Any, instance: Any = None) -> ResumeDecision | None:
    server = log.instance_id if instance is None else instance
    return log.resume({"last_seq": last_seq, "server_instance_id": server})


def test_frames_are_numbered_from_one_and_stamped() -> None:
    log = SequenceLog()
    frames = [_number(log, "metrics", {"epoch": i})[0] for i in range(3)]
    assert [f["seq"] for f in frames] == [1, 2, 3]
    assert list(frames[0]) == ["type", "timestamp", "data", "seq", "emitted_at_monotonic"]
    assert all(isinstance(f["emitted_at_monotonic"], float) for f in frames)
    assert frames[0]["data"] == {"epoch": 0}
    assert log.current_seq == 3
    assert log.buffered == 3


def test_the_instance_id_is_a_uuid_and_the_start_time_monotonic() -> None:
    log = SequenceLog()
    assert len(log.instance_id) == 36
    assert log.instance_id.count("-") == 4
    assert 0 <= log.uptime() < 60


def test_only_broadcast_types_are_numbered() -> None:
    assert type(broadcast_envelope("metrics", {})) is MetricsEnvelope
    with pytest.raises(ValueError, match="not a /ws/training broadcast type"):
        broadcast_envelope("initial_status", {})


def test_large_frames_are_chunked_with_a_seq_each() -> None:
    log = SequenceLog()
    _number(log, "metrics", {})
    chunks = _number(log, "topology", {"blob": "x" * 100_000})
    assert [c["seq"] for c in chunks] == [2, 3, 4, 5]
    assert all(c["type"] == "chunked_message" for c in chunks)
    assert all(isinstance(c["emitted_at_monotonic"], float) for c in chunks)
    data = [c["data"] for c in chunks]
    assert [d["chunk_index"] for d in data] == [0, 1, 2, 3]
    assert {d["total_chunks"] for d in data} == {4}
    assert {d["original_type"] for d in data} == {"topology"}
    assert len({d["chunk_id"] for d in data}) == 1
    assert all(len(d["payload"]) <= CHUNK_PAYLOAD_SIZE for d in data)
    original = json.loads("".join(d["payload"] for d in data))
    assert list(original) == ["type", "timestamp", "data"]  # no seq: the chunks carry them
    assert original["data"] == {"blob": "x" * 100_000}


def test_the_threshold_is_measured_on_json_dumps_before_the_seq() -> None:
    envelope = broadcast_envelope("event", {"blob": ""})
    overhead = len(json.dumps(envelope.model_dump(exclude_none=True)))
    margin = 3  # the timestamps of the frames below may be written a digit shorter or longer
    fits = {"blob": "x" * (CHUNK_THRESHOLD_BYTES - overhead - margin)}
    over = {"blob": "x" * (CHUNK_THRESHOLD_BYTES - overhead + margin)}
    log = SequenceLog()
    assert [f["type"] for f in _number(log, "event", fits)] == ["event"]
    assert {f["type"] for f in _number(log, "event", over)} == {"chunked_message"}


def test_personal_frames_are_chunked_without_a_seq() -> None:
    small = InitialStatusEnvelope.build({"training_active": False})
    assert personal_texts(small) == [small.to_json()]
    large = InitialStatusEnvelope.build({"b": "y" * 70_000})
    chunks = [json.loads(text) for text in personal_texts(large)]
    assert [c["type"] for c in chunks] == ["chunked_message"] * 3
    assert all("seq" not in c for c in chunks)
    joined = "".join(c["data"]["payload"] for c in chunks)
    assert isinstance(validate_envelope(joined), InitialStatusEnvelope)


def test_resume_replays_what_followed() -> None:
    log = SequenceLog()
    texts = [log.number(broadcast_envelope("metrics", {"epoch": i}))[0] for i in range(5)]
    assert _resume(log, 2) == ResumeDecision(frames=tuple(texts[2:]))
    assert _resume(log, 5) == ResumeDecision()
    assert _resume(log, 99) == ResumeDecision(), "a seq beyond the newest replays nothing"
    assert _resume(log, 2.5) == ResumeDecision(frames=tuple(texts[2:]))


def test_resume_failures() -> None:
    log = SequenceLog(capacity=3)
    for i in range(6):
        log.number(broadcast_envelope("metrics", {"epoch": i}))
    assert _resume(log, 2) == ResumeDecision(reason="out_of_range")
    assert _resume(log, 3) is not None
    assert _resume(log, 3).reason is None  # type: ignore[union-attr]
    assert _resume(log, 3, "other") == ResumeDecision(reason="server_restarted")
    assert _resume(log, 3, 7) == ResumeDecision(reason="server_restarted")
    malformed = ResumeDecision(reason="malformed_resume")
    assert log.resume({}) == malformed
    assert log.resume({"last_seq": 3}) == malformed
    assert log.resume({"server_instance_id": log.instance_id, "last_seq": None}) == malformed


def test_an_empty_buffer_bridges_only_a_resume_from_nothing() -> None:
    log = SequenceLog()
    assert _resume(log, 0) == ResumeDecision()
    assert _resume(log, -5) == ResumeDecision()
    assert _resume(log, 1) == ResumeDecision(reason="out_of_range")
    disabled = SequenceLog(capacity=0)
    assert _resume(disabled, 0) == ResumeDecision(reason="out_of_range")


@pytest.mark.parametrize("data", [None, [], "resume", 5])
def test_resume_data_that_is_not_an_object_is_not_understood(data: Any) -> None:
    assert SequenceLog().resume(data) is None


@pytest.mark.parametrize("last_seq", ["3", [3], {"n": 3}])
def test_a_last_seq_that_is_not_a_number_is_not_understood(last_seq: Any) -> None:
    assert _resume(SequenceLog(), last_seq) is None


def test_restart_starts_a_new_instance() -> None:
    log = SequenceLog()
    log.number(broadcast_envelope("metrics", {}))
    old = log.instance_id
    log.restart()
    assert log.instance_id != old
    assert log.current_seq == 0
    assert log.buffered == 0
    assert _number(log, "metrics", {})[0]["seq"] == 1


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda c: st.lists(c) | st.dictionaries(st.text(), c),
)


@given(
    _JSON
    | st.fixed_dictionaries(
        {}, optional={"last_seq": _JSON, "server_instance_id": _JSON | st.just("own")}
    )
)
def test_resume_never_raises(data: Any) -> None:
    log = SequenceLog(capacity=4)
    for epoch in range(6):
        log.number(broadcast_envelope("metrics", {"epoch": epoch}))
    if isinstance(data, dict) and data.get("server_instance_id") == "own":
        data["server_instance_id"] = log.instance_id
    decision = log.resume(data)
    assert decision is None or decision.reason in (
        None,
        "malformed_resume",
        "server_restarted",
        "out_of_range",
    )
