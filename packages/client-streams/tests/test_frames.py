"""Frames: decoding gives what json.loads gives and never raises; commands match the builder."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from juniper_cascor_client_core import JuniperCascorValidationError
from juniper_cascor_client_streams._frames import command_text, decode_frame
from juniper_cascor_protocol.envelope import CommandEnvelope, validate_envelope

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)


@given(value=JSON)
def test_decoded_objects_equal_json_loads(value: object) -> None:
    text = json.dumps(value)
    decoded = decode_frame(text)
    expected = json.loads(text)
    assert decoded.frame == (expected if isinstance(expected, dict) else None)
    assert decode_frame(text.encode()).frame == decoded.frame


@given(raw=st.binary(max_size=64) | st.text(max_size=64))
def test_any_input_decodes_without_raising(raw: bytes | str) -> None:
    decoded = decode_frame(raw)
    assert decoded.frame is None or isinstance(decoded.frame, dict)
    assert isinstance(decoded.label, str)


def test_escapes_the_fast_parser_refuses_still_decode() -> None:
    decoded = decode_frame('{"type": "event", "timestamp": 1.0, "data": {"s": "\\ud800"}}')
    assert decoded.frame is not None
    assert decoded.frame["data"]["s"] == "\ud800"
    assert decoded.label == "event"


def test_deeply_nested_input_is_malformed_not_an_error() -> None:
    decoded = decode_frame("[" * 100_000 + "]" * 100_000)
    assert decoded.frame is None
    assert decoded.label == "_malformed"


@given(
    command=st.sampled_from(["start", "stop", "pause", "resume", "reset", "set_params", "jump"]),
    params=st.none() | st.dictionaries(st.text(max_size=8), JSON, min_size=1, max_size=3),
)
def test_command_frames_match_the_envelope_builder(command: str, params: dict | None) -> None:
    if command == "set_params" and not params:
        params = {"learning_rate": 0.1}
    text = command_text(command, params, "c0ffee")
    built = CommandEnvelope.build(command, params, command_id="c0ffee").to_json()
    assert json.loads(text) == json.loads(built)  # the same frame (escaping may differ)
    assert list(json.loads(text)) == list(json.loads(built))  # keys in the same order
    assert isinstance(validate_envelope(text), CommandEnvelope)


@pytest.mark.parametrize(
    ("command", "params"),
    [("set_params", None), ("set_params", {}), ("start", {"x": object()}), ("start", [1])],
)
def test_malformed_commands_are_validation_errors(command: str, params: object) -> None:
    with pytest.raises(JuniperCascorValidationError):
        command_text(command, params, "c0ffee")  # type: ignore[arg-type]
