"""``UnknownEnvelope``: what ``validate_envelope`` returns for anything it cannot type.

Its ``type`` is the bounded label (see :mod:`juniper_cascor_protocol.envelope._labels`), the type
string the frame carried is kept in ``original_type`` and the reason in ``reason``. It salvages
what it safely can: ``data`` when it is an object (else ``{}``), ``seq`` when it is an int, the
timestamp and ``emitted_at_monotonic`` when they are numbers (the timestamp else ``0.0``), and the
other top-level keys.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from pydantic import Field, StrictFloat

from juniper_cascor_protocol.envelope._base import BaseEnvelope
from juniper_cascor_protocol.envelope._labels import MALFORMED_TYPE_LABEL, label_for_type

__all__ = ["UnknownEnvelope", "malformed", "unknown_from_object"]

_OWN_KEYS = frozenset(
    {"type", "timestamp", "data", "seq", "emitted_at_monotonic", "original_type", "reason"}
)


class UnknownEnvelope(BaseEnvelope):
    """A frame of an unrecognised type, a known type that failed validation, or a malformed
    frame (``type == "_malformed"``)."""

    is_known: ClassVar[bool] = False

    timestamp: StrictFloat = 0.0
    data: dict[str, Any] = Field(default_factory=dict)
    original_type: str | None = None
    reason: str | None = None


def _as_float(value: object) -> float | None:
    """Return ``value`` as a float when it is a number (not a bool) that fits one."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        return float(value)
    except OverflowError:
        return None


def malformed(reason: str) -> UnknownEnvelope:
    """Return the ``_malformed`` envelope of a frame that is not a JSON object at all."""
    return UnknownEnvelope.model_construct(type=MALFORMED_TYPE_LABEL, data={}, reason=reason)


def unknown_from_object(frame: object, reason: str | None = None) -> UnknownEnvelope:
    """Build the envelope of a parsed frame that did not validate as a known type.

    ``reason`` describes the validation failure of a known type; it is ``None`` when the type
    is simply not one of ours.
    """
    if not isinstance(frame, Mapping):
        return malformed(f"frame is a JSON {type(frame).__name__}, not an object")
    original_type = frame.get("type")
    if not isinstance(original_type, str):
        label = MALFORMED_TYPE_LABEL
        reason = "frame has no 'type'" if original_type is None else "'type' is not a string"
        original_type = None
    else:
        label = label_for_type(original_type)
        reason = reason or f"unknown type {original_type!r}"
    data = frame.get("data")
    seq = frame.get("seq")
    envelope = UnknownEnvelope.model_construct(
        type=label,
        timestamp=_as_float(frame.get("timestamp")) or 0.0,
        data=data if isinstance(data, dict) else {},
        seq=seq if isinstance(seq, int) and not isinstance(seq, bool) else None,
        emitted_at_monotonic=_as_float(frame.get("emitted_at_monotonic")),
        original_type=original_type,
        reason=reason,
    )
    # Set directly rather than through model_construct(**extra): a frame key such as
    # "_fields_set" would otherwise collide with that method's own parameter.
    envelope.__pydantic_extra__ = {
        key: value for key, value in frame.items() if isinstance(key, str) and key not in _OWN_KEYS
    }
    return envelope
