"""The builders produce frames that validate back to their own models, on the wire and off."""

from __future__ import annotations

import json
import time
from collections.abc import Callable

import pytest
from pydantic import ValidationError

from juniper_cascor_protocol.envelope import (
    CHUNK_PAYLOAD_SIZE,
    CHUNK_THRESHOLD_BYTES,
    BaseEnvelope,
    CandidateProgressEnvelope,
    CascadeAddEnvelope,
    ChunkedMessageEnvelope,
    CommandEnvelope,
    CommandRateLimitedEnvelope,
    CommandResponseEnvelope,
    ConnectionEstablishedEnvelope,
    EventEnvelope,
    InitialMetricsEnvelope,
    InitialStatusEnvelope,
    MetricsEnvelope,
    PingEnvelope,
    PongEnvelope,
    ResumeEnvelope,
    ResumeFailedEnvelope,
    ResumeOkEnvelope,
    StateEnvelope,
    SubscribeMetricsEnvelope,
    TopologyEnvelope,
    validate_envelope,
)

pytestmark = pytest.mark.usefixtures("fresh_labels")


BUILT: list[BaseEnvelope] = [
    ConnectionEstablishedEnvelope.for_training(
        connections=2, server_instance_id="inst", server_start_time=100.0
    ),
    ConnectionEstablishedEnvelope.for_control(),
    InitialStatusEnvelope.build({"training_active": True, "state_machine": {"phase": "idle"}}),
    StateEnvelope.build({"status": "Started"}, seq=1, emitted_at_monotonic=2.0),
    MetricsEnvelope.build({"epoch": 1, "train_loss": None}, seq=2),
    MetricsEnvelope.build({"loss": 0.1, "accuracy": 0.9}),
    TopologyEnvelope.build({"hidden_units": []}, seq=3, timestamp=5.0),
    CascadeAddEnvelope.build({"id": 0}, seq=4),
    CandidateProgressEnvelope.build({"candidate_id": 1, "correlation": 0.3}, seq=5),
    EventEnvelope.build({"event": "training_complete"}, seq=6),
    InitialMetricsEnvelope.build([{"epoch": 1}, {"epoch": 2}], current_seq=6),
    ResumeOkEnvelope.build(4),
    ResumeFailedEnvelope.build("server_restarted"),
    PingEnvelope.build(),
    PongEnvelope(),
    ResumeEnvelope.build(40, "inst"),
    SubscribeMetricsEnvelope.build(100),
    CommandEnvelope.build("start"),
    CommandEnvelope.build("set_params", {"learning_rate": 0.1}, command_id="fixed"),
    CommandResponseEnvelope.build("start", "success", command_id="c1", result={"ok": True}),
    CommandResponseEnvelope.build("start", "rate_limited", result={"retry_after": 0.5}),
    CommandResponseEnvelope.build(
        "bogus", "error", error="Unknown command", code="unknown_command"
    ),
    CommandRateLimitedEnvelope.build("set_params", 0.1, command_id="r5"),
    CommandRateLimitedEnvelope.build("stop", 0.0),
    *ChunkedMessageEnvelope.split(
        "x" * 70_000, chunk_id="c", original_type="topology", first_seq=9
    ),
    *ChunkedMessageEnvelope.split(
        "x" * 40_000, chunk_id="d", original_type="event", first_seq=1, emitted_at_monotonic=3.5
    ),
]


@pytest.mark.parametrize("built", BUILT, ids=[f"{b.type}-{i}" for i, b in enumerate(BUILT)])
def test_built_frame_validates_back_to_its_model(built: BaseEnvelope) -> None:
    from_wire = validate_envelope(built.to_json())
    assert type(from_wire) is type(built)
    assert from_wire == built
    from_dict = validate_envelope(built.model_dump(exclude_none=True))
    assert type(from_dict) is type(built)
    assert from_dict == built


def test_builders_stamp_now_and_keep_given_stamps() -> None:
    before = time.time()
    state = StateEnvelope.build({}, seq=3)
    ping = PingEnvelope.build()
    assert before <= state.timestamp <= time.time()
    assert before <= ping.ts <= time.time()
    assert StateEnvelope.build({}, timestamp=1.0).timestamp == 1.0
    assert PingEnvelope.build(2.0).to_json() == '{"type":"ping","ts":2.0}'


def test_client_frames_are_exactly_what_the_server_expects() -> None:
    assert PongEnvelope().to_json() == '{"type":"pong"}'
    assert json.loads(ResumeEnvelope.build(5, "inst").to_json()) == {
        "type": "resume",
        "data": {"last_seq": 5, "server_instance_id": "inst"},
    }
    assert json.loads(SubscribeMetricsEnvelope.build(10).to_json()) == {
        "type": "subscribe_metrics",
        "data": {"max_count": 10},
    }
    command = CommandEnvelope.build("pause", command_id="abc")
    assert command.to_json() == '{"type":"command","command":"pause","command_id":"abc"}'
    assert json.loads(ConnectionEstablishedEnvelope.for_control().to_json()) == {
        "type": "connection_established",
        "data": {"channel": "control"},
    }


def test_rate_limited_answer_is_top_level_in_the_server_order() -> None:
    limited = CommandRateLimitedEnvelope.build("set_params", 0.1, command_id="r5")
    assert limited.to_json() == (
        '{"type":"command_response","command":"set_params","status":"rate_limited",'
        '"retry_after":0.1,"command_id":"r5"}'
    )
    without_id = CommandRateLimitedEnvelope.build("stop", 0.2).to_json()
    assert "command_id" not in without_id
    assert "timestamp" not in without_id


def test_chunks_carry_the_emission_stamp_when_given() -> None:
    chunks = ChunkedMessageEnvelope.split(
        "x" * 40_000, chunk_id="d", original_type="event", first_seq=4, emitted_at_monotonic=3.5
    )
    assert [(chunk.seq, chunk.emitted_at_monotonic) for chunk in chunks] == [(4, 3.5), (5, 3.5)]


def test_free_form_data_keeps_its_none_values_on_the_wire() -> None:
    frame = MetricsEnvelope.build({"val_loss": None}, timestamp=1.0)
    assert frame.to_json() == '{"type":"metrics","timestamp":1.0,"data":{"val_loss":null}}'


def test_command_ids_are_fresh() -> None:
    ids = {CommandEnvelope.build("stop").command_id for _ in range(100)}
    assert len(ids) == 100
    assert all(isinstance(command_id, str) and len(command_id) == 32 for command_id in ids)
    assert CommandEnvelope.new_command_id() != CommandEnvelope.new_command_id()


def test_chunks_reassemble_to_the_original_frame() -> None:
    original = MetricsEnvelope.build({"blob": "y" * (CHUNK_THRESHOLD_BYTES + 5)}, seq=3).to_json()
    chunks = ChunkedMessageEnvelope.split(
        original, chunk_id="k", original_type="metrics", first_seq=20
    )
    assert len(chunks) == -(-len(original) // CHUNK_PAYLOAD_SIZE)
    assert [chunk.seq for chunk in chunks] == list(range(20, 20 + len(chunks)))
    assert {chunk.data.total_chunks for chunk in chunks} == {len(chunks)}
    assert all(len(chunk.data.payload) <= CHUNK_PAYLOAD_SIZE for chunk in chunks)
    joined = "".join(
        chunk.data.payload for chunk in sorted(chunks, key=lambda c: c.data.chunk_index)
    )
    assert isinstance(validate_envelope(joined), MetricsEnvelope)
    assert joined == original


def test_split_of_empty_text_is_one_empty_chunk_and_bad_slice_size_raises() -> None:
    (only,) = ChunkedMessageEnvelope.split("", chunk_id="e", original_type="event")
    assert (only.data.chunk_index, only.data.total_chunks, only.data.payload) == (0, 1, "")
    assert only.seq is None
    with pytest.raises(ValueError, match="slice_size"):
        ChunkedMessageEnvelope.split("abc", chunk_id="e", original_type="event", slice_size=0)


@pytest.mark.parametrize(
    "build",
    [
        lambda: CommandEnvelope.build("set_params"),
        lambda: CommandEnvelope.build("set_params", {}),
        lambda: ResumeEnvelope.build(-1, "inst"),
        lambda: ResumeEnvelope.build(True, "inst"),
        lambda: SubscribeMetricsEnvelope.build(-5),
        lambda: ResumeOkEnvelope.build(-1),
        lambda: CommandResponseEnvelope.build("start", "done"),  # type: ignore[arg-type]
        lambda: StateEnvelope.build({}, seq=True),
        lambda: CommandRateLimitedEnvelope.build("stop", -0.1),
    ],
)
def test_builders_reject_invalid_values(build: Callable[[], BaseEnvelope]) -> None:
    with pytest.raises(ValidationError):
        build()
