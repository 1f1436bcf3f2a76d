"""Every frame of the protocol validates to its model, from a dict, text and bytes, keeping
unknown keys and the server's key order; malformed variants of known types do not."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest

from juniper_cascor_protocol.envelope import (
    KNOWN_ENVELOPES,
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
    UnknownEnvelope,
    validate_envelope,
)

pytestmark = pytest.mark.usefixtures("fresh_labels")

T = 1_700_000_000.25
STAMP = {"timestamp": T, "seq": 7, "emitted_at_monotonic": 12.5}

SAMPLES: list[tuple[type[BaseEnvelope], dict[str, Any]]] = [
    (
        ConnectionEstablishedEnvelope,
        {
            "type": "connection_established",
            "timestamp": T,
            "data": {
                "connections": 1,
                "server_instance_id": "a1b2",
                "server_start_time": T - 60,
                "replay_buffer_capacity": 1024,
            },
        },
    ),
    (
        ConnectionEstablishedEnvelope,
        {"type": "connection_established", "data": {"channel": "control"}},
    ),
    (InitialStatusEnvelope, {"type": "initial_status", "data": {"training_active": False}}),
    (StateEnvelope, {"type": "state", **STAMP, "data": {"status": "Started", "phase": "Output"}}),
    (
        InitialMetricsEnvelope,
        {
            "type": "initial_metrics",
            "timestamp": T,
            "data": {"metrics": [{"epoch": 1}, {"epoch": 2}], "count": 2, "current_seq": 41},
        },
    ),
    (
        MetricsEnvelope,
        {
            "type": "metrics",
            **STAMP,
            "data": {
                "epoch": 3,
                "train_loss": 0.5,
                "train_accuracy": 0.75,
                "val_loss": 0.6,
                "val_accuracy": 0.7,
                "hidden_units": 2,
                "phase": "output",
            },
        },
    ),
    (
        MetricsEnvelope,
        {
            "type": "metrics",
            "timestamp": T,
            "data": {
                "loss": 0.5,
                "accuracy": 0.75,
                "validation_loss": 0.6,
                "validation_accuracy": 0.7,
                "learning_rate": 0.01,
            },
        },
    ),
    (TopologyEnvelope, {"type": "topology", **STAMP, "data": {"hidden_units": [{"id": 0}]}}),
    (CascadeAddEnvelope, {"type": "cascade_add", **STAMP, "data": {"id": 0, "activation": "tanh"}}),
    (
        CandidateProgressEnvelope,
        {"type": "candidate_progress", **STAMP, "data": {"candidate_id": 0, "correlation": 0.42}},
    ),
    (EventEnvelope, {"type": "event", **STAMP, "data": {"event": "training_complete"}}),
    (
        ChunkedMessageEnvelope,
        {
            "type": "chunked_message",
            **STAMP,
            "data": {
                "chunk_id": "c1",
                "chunk_index": 1,
                "total_chunks": 2,
                "original_type": "topology",
                "payload": '"x": 1}',
            },
        },
    ),
    (ResumeOkEnvelope, {"type": "resume_ok", "timestamp": T, "data": {"replayed_count": 3}}),
    (
        ResumeFailedEnvelope,
        {"type": "resume_failed", "timestamp": T, "data": {"reason": "out_of_range"}},
    ),
    (PingEnvelope, {"type": "ping", "ts": T}),
    (PongEnvelope, {"type": "pong"}),
    (ResumeEnvelope, {"type": "resume", "data": {"last_seq": 40, "server_instance_id": "a1b2"}}),
    (SubscribeMetricsEnvelope, {"type": "subscribe_metrics", "data": {"max_count": 100}}),
    (CommandEnvelope, {"type": "command", "command": "start", "command_id": "id-1"}),
    (
        CommandEnvelope,
        {"type": "command", "command": "set_params", "params": {"learning_rate": 0.1}},
    ),
    (
        CommandResponseEnvelope,
        {
            "type": "command_response",
            "timestamp": T,
            "data": {"command": "start", "status": "success", "command_id": "id-1", "result": {}},
        },
    ),
    (
        CommandResponseEnvelope,
        {
            "type": "command_response",
            "timestamp": T,
            "data": {"command": "x", "status": "error", "error": "no", "code": "unknown_command"},
        },
    ),
    (
        CommandRateLimitedEnvelope,
        {
            "type": "command_response",
            "command": "set_params",
            "status": "rate_limited",
            "retry_after": 0.1,
            "command_id": "r5",
        },
    ),
    (
        CommandRateLimitedEnvelope,
        {"type": "command_response", "command": "stop", "status": "rate_limited", "retry_after": 0},
    ),
]

SAMPLE_IDS = [f"{frame['type']}-{index}" for index, (_, frame) in enumerate(SAMPLES)]


def test_samples_cover_every_known_type() -> None:
    assert {frame["type"] for _, frame in SAMPLES} == set(KNOWN_ENVELOPES)
    assert all(
        KNOWN_ENVELOPES[frame["type"]] is model
        for model, frame in SAMPLES
        if model is not CommandRateLimitedEnvelope
    )


@pytest.mark.parametrize(("model", "frame"), SAMPLES, ids=SAMPLE_IDS)
@pytest.mark.parametrize("form", ["dict", "str", "bytes", "bytearray", "memoryview"])
def test_known_frame_validates_to_its_model(
    model: type[BaseEnvelope], frame: dict[str, Any], form: str
) -> None:
    text = json.dumps(frame)
    raw: object = {
        "dict": frame,
        "str": text,
        "bytes": text.encode(),
        "bytearray": bytearray(text.encode()),
        "memoryview": memoryview(text.encode()),
    }[form]
    envelope = validate_envelope(raw)
    assert type(envelope) is model
    assert envelope.is_known
    assert envelope.type == frame["type"]
    assert envelope.model_dump(exclude_none=True) == frame


@pytest.mark.parametrize(("model", "frame"), SAMPLES, ids=SAMPLE_IDS)
def test_unknown_keys_kept_after_the_fields_in_server_order(
    model: type[BaseEnvelope], frame: dict[str, Any]
) -> None:
    shuffled = {"zz_new": [1], **dict(reversed(frame.items())), "aa_new": {"k": None}}
    envelope = validate_envelope(json.dumps(shuffled))
    assert type(envelope) is model
    dumped = envelope.model_dump(exclude_none=True)
    assert dumped == {**frame, "zz_new": [1], "aa_new": {"k": None}}
    keys = list(dumped)
    server_order = ["type", "timestamp", "data", "seq", "emitted_at_monotonic"]
    own = [key for key in keys if key in server_order]
    assert own == [key for key in server_order if key in keys]
    assert keys[-2:] == ["zz_new", "aa_new"]
    assert json.loads(envelope.to_json()) == dumped


def test_int_timestamp_is_accepted_as_float() -> None:
    envelope = validate_envelope('{"type": "state", "timestamp": 17, "data": {}}')
    assert isinstance(envelope, StateEnvelope)
    assert envelope.timestamp == 17.0
    assert isinstance(envelope.timestamp, float)


def test_non_finite_numbers_from_json_dumps_validate_and_round_trip() -> None:
    text = (
        '{"type": "metrics", "timestamp": 1.5, "data": {"train_loss": NaN, "val_loss": Infinity}}'
    )
    envelope = validate_envelope(text)
    assert isinstance(envelope, MetricsEnvelope)
    assert math.isnan(envelope.data["train_loss"])
    assert envelope.to_json() == text.replace(": ", ":").replace(", ", ",")


def test_control_greeting_has_no_timestamp_and_a_channel() -> None:
    envelope = validate_envelope(
        '{"type": "connection_established", "data": {"channel": "control"}}'
    )
    assert isinstance(envelope, ConnectionEstablishedEnvelope)
    assert envelope.timestamp is None
    assert envelope.data.channel == "control"
    assert envelope.data.server_instance_id is None
    assert envelope.data.server_version is None


def test_greeting_may_carry_the_server_version() -> None:
    envelope = validate_envelope(
        {"type": "connection_established", "data": {"channel": "control", "server_version": "1.2"}}
    )
    assert isinstance(envelope, ConnectionEstablishedEnvelope)
    assert envelope.data.server_version == "1.2"
    assert json.loads(envelope.to_json())["data"] == {"channel": "control", "server_version": "1.2"}


def test_legacy_metrics_frame_without_seq() -> None:
    envelope = validate_envelope('{"type": "metrics", "timestamp": 1.0, "data": {"loss": 0.3}}')
    assert isinstance(envelope, MetricsEnvelope)
    assert envelope.seq is None
    assert envelope.data == {"loss": 0.3}


def test_typed_data_keeps_unknown_keys() -> None:
    frame = {"type": "resume_ok", "timestamp": 1.0, "data": {"replayed_count": 0, "new": "x"}}
    envelope = validate_envelope(frame)
    assert isinstance(envelope, ResumeOkEnvelope)
    assert envelope.data.model_extra == {"new": "x"}
    assert envelope.model_dump()["data"] == {"replayed_count": 0, "new": "x"}


def _chunk(**data: Any) -> dict[str, Any]:
    base = {
        "chunk_id": "c",
        "chunk_index": 0,
        "total_chunks": 1,
        "original_type": "topology",
        "payload": "",
    }
    return {"type": "chunked_message", "timestamp": 1.0, "data": {**base, **data}}


INVALID_KNOWN: list[tuple[dict[str, Any], str]] = [
    ({"type": "state", "timestamp": True, "data": {}}, "timestamp"),
    ({"type": "state", "timestamp": "1.0", "data": {}}, "timestamp"),
    ({"type": "state", "data": {}}, "timestamp"),
    ({"type": "metrics", "timestamp": 1.0, "data": [1, 2]}, "data"),
    ({"type": "event", "timestamp": 1.0, "data": {}, "seq": True}, "seq"),
    ({"type": "event", "timestamp": 1.0, "data": {}, "seq": 1.5}, "seq"),
    ({"type": "topology", "timestamp": 1.0, "data": {}, "emitted_at_monotonic": False}, "emitted"),
    (_chunk(chunk_index=-1), "chunk_index"),
    (_chunk(total_chunks=0), "total_chunks"),
    (_chunk(chunk_index=1, total_chunks=1), "not below total_chunks"),
    (_chunk(chunk_index=True), "chunk_index"),
    (_chunk(payload=None), "payload"),
    (_chunk(original_type=3), "original_type"),
    ({"type": "ping"}, "ts"),
    ({"type": "ping", "ts": True}, "ts"),
    ({"type": "initial_status"}, "data"),
    (
        {"type": "initial_metrics", "timestamp": 1.0, "data": {"metrics": [], "count": False}},
        "count",
    ),
    ({"type": "resume_ok", "timestamp": 1.0, "data": {"replayed_count": -1}}, "replayed_count"),
    ({"type": "resume_failed", "timestamp": 1.0, "data": {}}, "reason"),
    ({"type": "resume", "data": {"last_seq": True, "server_instance_id": "a"}}, "last_seq"),
    ({"type": "resume", "data": {"last_seq": 1}}, "server_instance_id"),
    ({"type": "subscribe_metrics", "data": {"max_count": "5"}}, "max_count"),
    ({"type": "connection_established", "data": {"connections": True}}, "connections"),
    ({"type": "connection_established", "data": {"server_version": 12}}, "server_version"),
    ({"type": "command", "command": "set_params"}, "set_params requires"),
    ({"type": "command", "command": "set_params", "params": {}}, "set_params requires"),
    ({"type": "command", "command": 5}, "command"),
    ({"type": "command", "command": "start", "command_id": 9}, "command_id"),
    (
        {"type": "command_response", "timestamp": 1.0, "data": {"command": "s", "status": "ok"}},
        "status",
    ),
    ({"type": "command_response", "command": "s", "status": "error"}, "status"),
    ({"type": "command_response", "command": "s", "status": "rate_limited"}, "retry_after"),
    (
        {"type": "command_response", "command": 5, "status": "rate_limited", "retry_after": 1},
        "command",
    ),
    ({"type": "command_response", "data": None, "timestamp": 1.0}, "data"),
]


@pytest.mark.parametrize(("frame", "why"), INVALID_KNOWN, ids=[w for _, w in INVALID_KNOWN])
@pytest.mark.parametrize("as_text", [False, True])
def test_invalid_known_frame_is_unknown_with_its_type_as_label(
    frame: dict[str, Any], why: str, as_text: bool
) -> None:
    envelope = validate_envelope(json.dumps(frame) if as_text else frame)
    assert isinstance(envelope, UnknownEnvelope)
    assert not envelope.is_known
    assert envelope.type == frame["type"]
    assert envelope.original_type == frame["type"]
    assert envelope.reason is not None
    assert why in envelope.reason
