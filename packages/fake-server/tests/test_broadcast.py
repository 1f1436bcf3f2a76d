"""Sequence numbers, chunking, replay and resume decisions (sans-I/O)."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from juniper_cascor_fake_server.ws.broadcast import (
    CHUNK_PAYLOAD_BYTES,
    CHUNK_THRESHOLD_BYTES,
    SequenceLog,
)


def _resume(log: SequenceLog, last_seq: Any, instance: Any = None) -> dict[str, Any]:
    server = log.instance_id if instance is None else instance
    return {"type": "resume", "data": {"last_seq": last_seq, "server_instance_id": server}}


def test_frames_are_numbered_from_one() -> None:
    log = SequenceLog()
    frames = [json.loads(log.encode("metrics", {"epoch": i})[0]) for i in range(3)]
    assert [f["seq"] for f in frames] == [1, 2, 3]
    assert all(isinstance(f["emitted_at_monotonic"], float) for f in frames)
    assert frames[0]["data"] == {"epoch": 0}


def test_large_frames_are_chunked_with_a_seq_each() -> None:
    log = SequenceLog()
    log.encode("metrics", {})
    texts = log.encode("topology", {"blob": "x" * 100_000})
    chunks = [json.loads(t) for t in texts]
    assert [c["seq"] for c in chunks] == [2, 3, 4, 5]
    assert all(c["type"] == "chunked_message" for c in chunks)
    data = [c["data"] for c in chunks]
    assert [d["chunk_index"] for d in data] == [0, 1, 2, 3]
    assert {d["total_chunks"] for d in data} == {4}
    assert {d["original_type"] for d in data} == {"topology"}
    assert len({d["chunk_id"] for d in data}) == 1
    assert all(len(d["payload"]) <= CHUNK_PAYLOAD_BYTES for d in data)
    original = json.loads("".join(d["payload"] for d in data))
    assert original["type"] == "topology"
    assert original["data"] == {"blob": "x" * 100_000}


def test_frames_at_the_threshold_are_not_chunked() -> None:
    log = SequenceLog()
    small = json.loads(log.encode("event", {"blob": "x" * (CHUNK_THRESHOLD_BYTES - 200)})[0])
    assert small["type"] == "event"


def test_no_frame_over_the_threshold_goes_out_unchunked() -> None:
    # The threshold applies to the frame as sent, seq included.
    log = SequenceLog()
    for size in range(CHUNK_THRESHOLD_BYTES - 150, CHUNK_THRESHOLD_BYTES - 50):
        for text in log.encode("event", {"blob": "x" * size}):
            assert json.loads(text)["type"] == "chunked_message" or (
                len(text.encode()) <= CHUNK_THRESHOLD_BYTES
            )


def test_resume_replays_what_followed() -> None:
    log = SequenceLog()
    texts = [log.encode("metrics", {"epoch": i})[0] for i in range(5)]
    decision = log.resume(_resume(log, 2))
    assert decision.reason is None
    assert decision.frames == tuple(texts[2:])
    assert log.resume(_resume(log, 5)).frames == ()


def test_resume_failures() -> None:
    log = SequenceLog(capacity=3)
    for i in range(6):
        log.encode("metrics", {"epoch": i})
    assert log.resume(_resume(log, 7)).reason == "out_of_range"
    assert log.resume(_resume(log, 2)).reason == "out_of_range"
    assert log.resume(_resume(log, 3)).reason is None
    assert log.resume(_resume(log, 3, "other")).reason == "server_restarted"
    for bad in ({}, {"type": "resume"}, _resume(log, "3"), _resume(log, True), _resume(log, -1)):
        assert log.resume(bad).reason == "malformed_resume"


def test_restart_starts_a_new_instance() -> None:
    log = SequenceLog()
    log.encode("metrics", {})
    old = log.instance_id
    log.restart()
    assert log.instance_id != old
    assert log.current_seq == 0
    assert json.loads(log.encode("metrics", {})[0])["seq"] == 1


@given(
    st.recursive(
        st.none() | st.integers() | st.text(), lambda c: st.lists(c) | st.dictionaries(st.text(), c)
    )
)
def test_resume_never_raises(message: Any) -> None:
    decision = SequenceLog().resume(message)
    assert decision.reason in (None, "malformed_resume", "server_restarted", "out_of_range")
