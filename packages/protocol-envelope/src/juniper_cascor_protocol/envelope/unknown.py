"""``UnknownEnvelope``: what ``validate_envelope`` returns for anything it cannot type.

Its ``type`` is the bounded label (see :mod:`juniper_cascor_protocol.envelope._labels`), the type
string the frame carried is kept in ``original_type`` and the reason in ``reason``. It salvages
what it safely can: ``data`` when it is an object (else ``{}``), ``seq`` when it is an int, the
timestamp and ``emitted_at_monotonic`` when they are numbers (the timestamp else ``0.0``), and the
other top-level keys whose names are text. A string holding a lone surrogate (``"\\ud800"``, which
``json.loads`` accepts from an escape) has no UTF-8 form, so it is no JSON text: such a ``type``
makes the frame ``_malformed`` (the label must be writable to logs and metrics), and such a key is
left out like a non-string one.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field, StrictFloat

from juniper_cascor_protocol.envelope._base import BaseEnvelope
from juniper_cascor_protocol.envelope._labels import MALFORMED_TYPE_LABEL, label_for_type

__all__ = ["UnknownEnvelope", "malformed", "unknown_from_object"]


_JSON_KINDS: dict[type, str] = {
    list: "an array",
    str: "a string",
    int: "a number",
    float: "a number",
    bool: "a boolean",
    type(None): "null",
}


class UnknownEnvelope(BaseEnvelope):
    """A frame of an unrecognised type, a known type that failed validation, or a malformed
    frame (``type == "_malformed"``)."""

    is_known: ClassVar[bool] = False

    timestamp: StrictFloat = 0.0
    data: dict[str, Any] = Field(default_factory=dict)
    original_type: str | None = None
    reason: str | None = None


def _as_float(value: object) -> float | None:
    """Return ``value`` as a float when it is a JSON number (an int or a float, not a bool)
    that fits one."""
    if value.__class__ is not float and value.__class__ is not int:
        return None
    try:
        return float(value)
    except OverflowError:
        return None


def _is_text(value: object) -> bool:
    """Whether ``value`` is a ``str`` with a UTF-8 form (no lone surrogate)."""
    if type(value) is not str:
        return False
    try:
        value.encode()
    except UnicodeEncodeError:
        return False
    return True


def _is_object(value: object) -> bool:
    """Whether ``value`` is a JSON object: a dict whose keys are all strings."""
    return isinstance(value, dict) and all(isinstance(key, str) for key in value)


def malformed(reason: str) -> UnknownEnvelope:
    """Return the ``_malformed`` envelope of a frame that is not a JSON object at all."""
    return UnknownEnvelope.model_validate({"type": MALFORMED_TYPE_LABEL, "reason": reason})


def unknown_from_object(frame: object, reason: str | None = None) -> UnknownEnvelope:
    """Build the envelope of a parsed frame that did not validate as a known type.

    ``reason`` describes the validation failure of a known type; it is ``None`` when the type
    is simply not one of ours.
    """
    if not isinstance(frame, dict):
        kind = _JSON_KINDS.get(frame.__class__, frame.__class__.__name__)
        return malformed(f"frame is {kind}, not a JSON object")
    original_type = frame.get("type")
    if not isinstance(original_type, str):
        label = MALFORMED_TYPE_LABEL
        reason = "frame has no 'type'" if original_type is None else "'type' is not a string"
        original_type = None
    elif not _is_text(original_type):
        label = MALFORMED_TYPE_LABEL
        reason = "'type' holds a lone surrogate"
        original_type = None
    else:
        label = label_for_type(original_type)
        reason = reason or f"unknown type {original_type!r}"
    values = {key: value for key, value in frame.items() if _is_text(key)}
    data = values.get("data")
    seq = values.get("seq")
    values.update(
        type=label,
        timestamp=_as_float(values.get("timestamp")) or 0.0,
        data=data if _is_object(data) else {},
        seq=seq if seq.__class__ is int else None,
        emitted_at_monotonic=_as_float(values.get("emitted_at_monotonic")),
        original_type=original_type,
        reason=reason,
    )
    # Every value is of its field's type by now, so this cannot fail; it is faster than
    # model_construct and files the frame's other keys as extras.
    return UnknownEnvelope.model_validate(values)
