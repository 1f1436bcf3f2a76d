"""Property tests: ``validate_envelope`` never raises and always returns an envelope.

The strategies here are also what ``tools/fuzz_envelope.py`` runs, at a much larger count. Their
text mixes in lone surrogates (``"\\ud800"``), which ``json.loads`` yields from an escape and the
default text strategy never generates, in keys, values and types.
"""

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

SURROGATES = st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)


def texts(max_size: int) -> st.SearchStrategy[str]:
    """Text of any code point, lone surrogates included, and often one of them.

    A ``text`` over a mixed alphabet merges it into one range and almost never picks a
    surrogate, so the characters are drawn one by one from either strategy.
    """
    mixed = st.lists(st.characters(exclude_categories=()) | SURROGATES, max_size=max_size)
    return st.text(max_size=max_size) | mixed.map("".join)


json_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(10**40), max_value=10**40)
    | st.floats(allow_nan=True, allow_infinity=True)
    | texts(20)
)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(texts(8), children, max_size=4)
    ),
    max_leaves=30,
)
type_values = st.sampled_from(sorted(KNOWN_ENVELOPES)) | texts(12) | json_values
field_names = st.sampled_from(
    ["timestamp", "data", "seq", "emitted_at_monotonic", "ts", "command", "params", "command_id"]
)
frames = st.builds(
    lambda kind, fields, data, others: {**others, "type": kind, **fields, **data},
    type_values,
    st.dictionaries(field_names, json_values, max_size=5),
    st.fixed_dictionaries({}, optional={"data": st.dictionaries(texts(15), json_values)}),
    st.dictionaries(texts(8), json_values, max_size=3),
)
python_dicts = st.dictionaries(
    st.one_of(texts(5), st.integers(), st.none(), st.tuples(st.integers())),
    st.one_of(json_values, st.sets(st.integers(), max_size=2), st.binary(max_size=4)),
    max_size=5,
)
inputs = st.one_of(
    json_values,
    frames,
    st.builds(lambda frame, kind: {**frame, "type": kind}, python_dicts, type_values),
    texts(200),
    st.binary(max_size=200),
    frames.map(lambda frame: json.dumps(frame, ensure_ascii=False, allow_nan=True)),
    frames.map(
        lambda frame: json.dumps(frame, ensure_ascii=False, allow_nan=True).encode(
            errors="surrogatepass"
        )
    ),
)
"""Every form of input ``validate_envelope`` takes: objects, their text and bytes, raw text
holding lone surrogates and bytes encoding them, and anything else."""


def _has_utf8_form(text: str) -> bool:
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True


def _check(envelope: object) -> BaseEnvelope:
    assert isinstance(envelope, BaseEnvelope)
    assert isinstance(envelope.type, str)
    assert _has_utf8_form(envelope.type)  # a label is always writable to logs and metrics
    if isinstance(envelope, UnknownEnvelope):
        assert envelope.reason is None or _has_utf8_form(envelope.reason)
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
    raw = json.dumps(value, ensure_ascii=False, allow_nan=True)  # lone surrogates left raw
    _check(validate_envelope(raw))
    _check(validate_envelope(raw.encode(errors="surrogatepass")))


@settings(max_examples=200, deadline=None)
@given(frames)
def test_frame_like_objects_agree_across_input_forms(frame: dict[str, Any]) -> None:
    _check(validate_envelope(frame))
    text = _dumps(frame)
    from_text = _check(validate_envelope(text))
    from_bytes = _check(validate_envelope(text.encode()))
    if not _has_utf8_form(json.dumps(frame, ensure_ascii=False, allow_nan=True)):
        # The object holds surrogates. Adjacent high and low ones pair up in the JSON text
        # ("\ud800\udc00" reads back as one character), so the text is the JSON of another
        # object: compare with that one. A lone surrogate's escape is no JSON text at all:
        # the text is malformed, the object not.
        read_back = json.loads(text)
        if not _has_utf8_form(json.dumps(read_back, ensure_ascii=False, allow_nan=True)):
            assert from_text.type == from_bytes.type == MALFORMED_TYPE_LABEL
            return
        frame = read_back
    from_dict = _check(validate_envelope(frame))
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
@given(python_dicts, type_values)
def test_python_dicts_with_any_keys_and_values(frame: dict[Any, Any], kind: Any) -> None:
    _check(validate_envelope(frame))
    _check(validate_envelope({**frame, "type": kind}))


@settings(max_examples=300, deadline=None)
@given(inputs)
def test_any_input(value: Any) -> None:
    _check(validate_envelope(value))


def test_a_lone_surrogate_key_keeps_the_type_and_is_left_out(fresh_labels: None) -> None:
    envelope = validate_envelope({"type": "x", "\ud800": 1, "kept": 2})
    assert isinstance(envelope, UnknownEnvelope)
    assert envelope.type == "x"
    assert envelope.model_extra == {"kept": 2}


def test_a_lone_surrogate_type_is_malformed(fresh_labels: None) -> None:
    envelope = validate_envelope({"type": "a\udc00", "data": {"\ud800": "\udfff"}})
    assert isinstance(envelope, UnknownEnvelope)
    assert envelope.type == MALFORMED_TYPE_LABEL
    assert envelope.original_type is None
    assert envelope.data == {"\ud800": "\udfff"}


def test_a_known_type_with_a_lone_surrogate_key_is_unknown_under_its_type() -> None:
    envelope = validate_envelope({"type": "state", "timestamp": 1.0, "\ud800": 1})
    assert isinstance(envelope, UnknownEnvelope)
    assert envelope.type == "state"
    assert envelope.reason is not None


def test_a_surrogate_pair_in_an_object_is_malformed_but_its_escaped_text_is_one_character() -> None:
    # The case the agreement test above met: two surrogates in a Python str are no UTF-8
    # text, while their JSON escapes pair up into U+10000, a valid type string.
    frame = {"type": "\ud800\udc00"}
    assert validate_envelope(frame).type == MALFORMED_TYPE_LABEL
    assert validate_envelope(_dumps(frame)).type in ("\U00010000", UNMATCHED_TYPE_LABEL)
