"""Property tests: ``validate_envelope`` never raises and always returns an envelope."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from juniper_cascor_protocol.envelope import (
    KNOWN_ENVELOPES,
    MALFORMED_TYPE_LABEL,
    UNMATCHED_TYPE_LABEL,
    BaseEnvelope,
    CommandRateLimitedEnvelope,
    UnknownEnvelope,
    validate_envelope,
)

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(10**40), max_value=10**40)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20)
)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=30,
)
type_values = st.sampled_from(sorted(KNOWN_ENVELOPES)) | st.text(max_size=12) | json_values
field_names = st.sampled_from(
    ["timestamp", "data", "seq", "emitted_at_monotonic", "ts", "command", "params", "command_id"]
)
frames = st.builds(
    lambda kind, fields, data: {"type": kind, **fields, **data},
    type_values,
    st.dictionaries(field_names, json_values, max_size=5),
    st.fixed_dictionaries(
        {}, optional={"data": st.dictionaries(st.text(max_size=15), json_values)}
    ),
)


def _check(envelope: object) -> BaseEnvelope:
    assert isinstance(envelope, BaseEnvelope)
    assert isinstance(envelope.type, str)
    if isinstance(envelope, UnknownEnvelope):
        assert not envelope.is_known
        assert isinstance(envelope.data, dict)
        assert isinstance(envelope.timestamp, float)
        assert envelope.seq is None or type(envelope.seq) is int
        assert envelope.type in (MALFORMED_TYPE_LABEL, UNMATCHED_TYPE_LABEL, envelope.original_type)
    else:
        assert envelope.is_known
        assert KNOWN_ENVELOPES[envelope.type] is type(envelope) or (
            type(envelope) is CommandRateLimitedEnvelope
        )
    return envelope


def _dumps(value: Any) -> str:
    return json.dumps(value, allow_nan=True)


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_any_json_value_as_object_text_and_bytes(value: Any) -> None:
    text = _dumps(value)
    _check(validate_envelope(value))
    _check(validate_envelope(text))
    _check(validate_envelope(text.encode()))


@settings(max_examples=200, deadline=None)
@given(frames)
def test_frame_like_objects_agree_across_input_forms(frame: dict[str, Any]) -> None:
    from_dict = _check(validate_envelope(frame))
    from_text = _check(validate_envelope(_dumps(frame)))
    from_bytes = _check(validate_envelope(_dumps(frame).encode()))
    assert type(from_dict) is type(from_text) is type(from_bytes)
    assert from_dict.type == from_text.type == from_bytes.type
    if isinstance(frame["type"], str):
        assert from_text.type in (frame["type"], UNMATCHED_TYPE_LABEL)
    else:
        assert from_text.type == MALFORMED_TYPE_LABEL


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text(text: str) -> None:
    _check(validate_envelope(text))


@settings(max_examples=100, deadline=None)
@given(st.text(st.characters(exclude_categories=()), max_size=12))
def test_text_with_lone_surrogates(type_name: str) -> None:
    # Such a str has no UTF-8 form, so it cannot be JSON text: it is malformed, not an error.
    text = '{"type": "\ud800' + type_name + '"}'
    assert _check(validate_envelope(text)).type == MALFORMED_TYPE_LABEL
    _check(validate_envelope(type_name))


@settings(max_examples=300, deadline=None)
@given(st.binary())
def test_any_bytes(raw: bytes) -> None:
    _check(validate_envelope(raw))
    _check(validate_envelope(bytearray(raw)))
    _check(validate_envelope(memoryview(raw)))


@settings(max_examples=50, deadline=None)
@given(st.integers(min_value=1, max_value=3_000), st.sampled_from(["[", '{"a":', '{"data":']))
def test_deep_nesting(depth: int, opener: str) -> None:
    closer = {"[": "]", '{"a":': "}", '{"data":': "}"}[opener]
    text = '{"type": "state", "timestamp": 1, "data": ' + opener * depth + "0"
    text += closer * depth + "}"
    _check(validate_envelope(text))
    nested: Any = 0
    for _ in range(depth):
        nested = {"a": nested}
    _check(validate_envelope({"type": "state", "timestamp": 1, "data": nested}))
    _check(validate_envelope({"type": "future", "data": nested}))


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(
        st.one_of(st.text(max_size=5), st.integers(), st.none(), st.tuples(st.integers())),
        st.one_of(json_values, st.sets(st.integers(), max_size=2), st.binary(max_size=4)),
        max_size=5,
    ),
    type_values,
)
def test_python_dicts_with_any_keys_and_values(frame: dict[Any, Any], kind: Any) -> None:
    _check(validate_envelope(frame))
    _check(validate_envelope({**frame, "type": kind}))
