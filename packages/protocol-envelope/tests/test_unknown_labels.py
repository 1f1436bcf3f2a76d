"""The bounded labels of unrecognised frames, and what an UnknownEnvelope salvages."""

from __future__ import annotations

import json
import threading

import pytest

from juniper_cascor_protocol.envelope import (
    MALFORMED_TYPE_LABEL,
    UNKNOWN_TYPE_BUDGET,
    UNMATCHED_TYPE_LABEL,
    BaseEnvelope,
    UnknownEnvelope,
    reset_unknown_label_state,
    validate_envelope,
)

pytestmark = pytest.mark.usefixtures("fresh_labels")


def _label(frame: object) -> str:
    envelope = validate_envelope(frame)
    assert isinstance(envelope, UnknownEnvelope)
    return envelope.type


def _fill_budget(prefix: str = "kind") -> list[str]:
    names = [f"{prefix}_{index}" for index in range(UNKNOWN_TYPE_BUDGET)]
    assert [_label({"type": name}) for name in names] == names
    return names


def test_constants() -> None:
    assert UNKNOWN_TYPE_BUDGET == 16
    assert UNMATCHED_TYPE_LABEL == "_unmatched"
    assert MALFORMED_TYPE_LABEL == "_malformed"


def test_budget_of_sixteen_then_unmatched_and_seen_labels_keep_their_name() -> None:
    names = _fill_budget()
    assert _label({"type": "one_too_many"}) == UNMATCHED_TYPE_LABEL
    assert _label('{"type": "another_new"}') == UNMATCHED_TYPE_LABEL
    assert [_label(json.dumps({"type": name})) for name in names] == names
    envelope = validate_envelope({"type": "one_too_many"})
    assert isinstance(envelope, UnknownEnvelope)
    assert envelope.original_type == "one_too_many"


def test_invalid_known_type_uses_a_slot() -> None:
    assert _label({"type": "state", "data": {}}) == "state"
    names = [f"x{index}" for index in range(UNKNOWN_TYPE_BUDGET - 1)]
    assert [_label({"type": name}) for name in names] == names
    assert _label({"type": "x_last"}) == UNMATCHED_TYPE_LABEL
    assert _label({"type": "state"}) == "state"


def test_invalid_known_type_after_the_budget_is_unmatched() -> None:
    _fill_budget()
    assert _label({"type": "metrics", "timestamp": "soon", "data": {}}) == UNMATCHED_TYPE_LABEL
    assert isinstance(validate_envelope({"type": "pong"}), BaseEnvelope)
    assert validate_envelope({"type": "pong"}).is_known


MALFORMED: list[object] = [
    {"type": 5},
    {"type": []},
    {"type": None},
    {"type": True},
    {"data": {}},
    {},
    '{"type": 5}',
    '{"type": ["state"]}',
    "[]",
    '"state"',
    "42",
    "null",
    "",
    "{",
    "{'type': 'state'}",
    b"\xff\xfe\x00",
    b'{"type": "\xff"}',
    bytearray(b"[1, 2"),
    "[" * 10_000 + "]" * 10_000,
    '{"data":' * 5_000 + "1" + "}" * 5_000,
    None,
    5,
    3.5,
    ["type", "state"],
    ("type",),
    object(),
]


@pytest.mark.parametrize("frame", MALFORMED, ids=[repr(f)[:30] for f in MALFORMED])
def test_malformed_frames_get_the_fixed_label_and_use_no_slot(frame: object) -> None:
    envelope = validate_envelope(frame)
    assert isinstance(envelope, UnknownEnvelope)
    assert envelope.type == MALFORMED_TYPE_LABEL
    assert envelope.original_type is None
    assert envelope.reason
    assert envelope.data == {}
    _fill_budget()


def test_released_memoryview_is_malformed() -> None:
    view = memoryview(b'{"type": "pong"}')
    view.release()
    assert _label(view) == MALFORMED_TYPE_LABEL


def test_reset_frees_the_budget() -> None:
    _fill_budget()
    assert _label({"type": "late"}) == UNMATCHED_TYPE_LABEL
    reset_unknown_label_state()
    assert _label({"type": "late"}) == "late"
    names = [f"again_{index}" for index in range(UNKNOWN_TYPE_BUDGET - 1)]
    assert [_label({"type": name}) for name in names] == names
    assert _label({"type": "again_extra"}) == UNMATCHED_TYPE_LABEL


def test_unknown_salvages_data_seq_timestamp_and_extras() -> None:
    frame = {
        "type": "future",
        "timestamp": 12,
        "data": {"a": 1},
        "seq": 9,
        "emitted_at_monotonic": 3,
        "extra": [1],
        "reason": "theirs",
    }
    envelope = validate_envelope(json.dumps(frame))
    assert isinstance(envelope, UnknownEnvelope)
    assert envelope.model_dump(exclude_none=True) == {
        "type": "future",
        "timestamp": 12.0,
        "data": {"a": 1},
        "seq": 9,
        "emitted_at_monotonic": 3.0,
        "original_type": "future",
        "reason": "unknown type 'future'",
        "extra": [1],
    }


@pytest.mark.parametrize(
    ("frame", "timestamp", "data", "seq"),
    [
        ({"type": "f", "timestamp": True, "data": [1], "seq": True}, 0.0, {}, None),
        ({"type": "f", "timestamp": "1", "data": "x", "seq": 1.0}, 0.0, {}, None),
        ({"type": "f", "timestamp": 10**400, "data": {1: 2}, "seq": "3"}, 0.0, {}, None),
        ({"type": "f", "timestamp": 2.5, "data": {}, "seq": 10**30}, 2.5, {}, 10**30),
    ],
)
def test_unknown_drops_fields_of_the_wrong_type(
    frame: dict[object, object], timestamp: float, data: dict[str, object], seq: int | None
) -> None:
    envelope = validate_envelope(frame)
    assert isinstance(envelope, UnknownEnvelope)
    assert (envelope.timestamp, envelope.data, envelope.seq) == (timestamp, data, seq)


def test_unknown_ignores_non_string_top_level_keys_of_a_dict() -> None:
    envelope = validate_envelope({"type": "pong", 1: 2, "_fields_set": "x"})
    assert isinstance(envelope, UnknownEnvelope)
    assert envelope.type == "pong"
    assert envelope.model_extra == {"_fields_set": "x"}


def test_budget_holds_under_concurrent_threads() -> None:
    threads_count, per_thread = 8, 200
    barrier = threading.Barrier(threads_count)
    results: list[list[tuple[str, str]]] = [[] for _ in range(threads_count)]

    def work(worker: int) -> None:
        barrier.wait(timeout=10)
        for index in range(per_thread):
            name = f"t{worker}_{index % 40}" if index % 2 else f"shared_{index % 30}"
            envelope = validate_envelope(f'{{"type": "{name}", "data": {{}}}}')
            results[worker].append((name, envelope.type))

    threads = [threading.Thread(target=work, args=(worker,)) for worker in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)

    pairs = [pair for chunk in results for pair in chunk]
    assert len(pairs) == threads_count * per_thread
    own = {label for _, label in pairs if label != UNMATCHED_TYPE_LABEL}
    assert len(own) == UNKNOWN_TYPE_BUDGET
    assert all(label in (name, UNMATCHED_TYPE_LABEL) for name, label in pairs)
    # A name either always had its own label or never had one.
    for name in {name for name, _ in pairs}:
        labels = {label for other, label in pairs if other == name}
        assert len(labels) == 1, (name, labels)
