"""``validate_envelope``: one frame in, a typed envelope out, and never an exception.

Text and bytes are parsed and validated in one pass by pydantic's JSON validator against the
discriminated union of the known frames, so a well-formed known frame costs one call and takes no
lock. Only when that fails is the frame looked at again, cheaply, to build an
:class:`~juniper_cascor_protocol.envelope.unknown.UnknownEnvelope` with the right label.

``command_response`` has two shapes: the answer with a ``data`` object
(:class:`~juniper_cascor_protocol.envelope.control.CommandResponseEnvelope`) and juniper-cascor
0.12's top-level ``rate_limited`` answer
(:class:`~juniper_cascor_protocol.envelope.control.CommandRateLimitedEnvelope`); a second,
callable discriminator picks between them by the presence of ``data``.

The label budget (``UNKNOWN_TYPE_BUDGET``, ``UNMATCHED_TYPE_LABEL``,
``reset_unknown_label_state``) and ``UnknownEnvelope`` are importable from here too, their
juniper-cascor-protocol 0.2 import path.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Annotated, Final, TypeAlias

import pydantic_core
from pydantic import Discriminator, Field, Tag, TypeAdapter, ValidationError

from juniper_cascor_protocol.envelope._base import BaseEnvelope
from juniper_cascor_protocol.envelope._labels import (
    UNKNOWN_TYPE_BUDGET,
    UNMATCHED_TYPE_LABEL,
    reset_unknown_label_state,
)
from juniper_cascor_protocol.envelope.connection import (
    ConnectionEstablishedEnvelope,
    PingEnvelope,
    PongEnvelope,
)
from juniper_cascor_protocol.envelope.control import (
    CommandEnvelope,
    CommandRateLimitedEnvelope,
    CommandResponseEnvelope,
)
from juniper_cascor_protocol.envelope.resume import (
    ResumeEnvelope,
    ResumeFailedEnvelope,
    ResumeOkEnvelope,
)
from juniper_cascor_protocol.envelope.training import (
    CandidateProgressEnvelope,
    CascadeAddEnvelope,
    ChunkedMessageEnvelope,
    EventEnvelope,
    InitialMetricsEnvelope,
    InitialStatusEnvelope,
    MetricsEnvelope,
    StateEnvelope,
    SubscribeMetricsEnvelope,
    TopologyEnvelope,
)
from juniper_cascor_protocol.envelope.unknown import (
    UnknownEnvelope,
    malformed,
    unknown_from_object,
)

__all__ = [
    "KNOWN_ENVELOPES",
    "UNKNOWN_TYPE_BUDGET",
    "UNMATCHED_TYPE_LABEL",
    "KnownEnvelope",
    "UnknownEnvelope",
    "reset_unknown_label_state",
    "validate_envelope",
]

_ANSWER_TAG: Final = "answer"
_RATE_LIMITED_TAG: Final = "rate_limited_top_level"


def _command_response_shape(frame: object) -> str:
    """The tag of a ``command_response``: with a ``data`` object or the top-level form."""
    if isinstance(frame, dict):
        return _ANSWER_TAG if "data" in frame else _RATE_LIMITED_TAG
    return _ANSWER_TAG if getattr(frame, "data", None) is not None else _RATE_LIMITED_TAG


CommandResponse: TypeAlias = Annotated[
    Annotated[CommandResponseEnvelope, Tag(_ANSWER_TAG)]
    | Annotated[CommandRateLimitedEnvelope, Tag(_RATE_LIMITED_TAG)],
    Discriminator(_command_response_shape),
]
"""Both shapes of ``command_response``."""

KnownEnvelope: TypeAlias = Annotated[
    ConnectionEstablishedEnvelope
    | InitialStatusEnvelope
    | StateEnvelope
    | InitialMetricsEnvelope
    | MetricsEnvelope
    | TopologyEnvelope
    | CascadeAddEnvelope
    | CandidateProgressEnvelope
    | EventEnvelope
    | ChunkedMessageEnvelope
    | ResumeOkEnvelope
    | ResumeFailedEnvelope
    | PingEnvelope
    | PongEnvelope
    | ResumeEnvelope
    | SubscribeMetricsEnvelope
    | CommandEnvelope
    | CommandResponse,
    Field(discriminator="type"),
]
"""The union of the known frames, told apart by ``type``."""

_ADAPTER: Final[TypeAdapter[KnownEnvelope]] = TypeAdapter(KnownEnvelope)

KNOWN_ENVELOPES: Final[Mapping[str, type[BaseEnvelope]]] = MappingProxyType(
    {
        model.model_fields["type"].default: model
        for model in (
            ConnectionEstablishedEnvelope,
            InitialStatusEnvelope,
            StateEnvelope,
            InitialMetricsEnvelope,
            MetricsEnvelope,
            TopologyEnvelope,
            CascadeAddEnvelope,
            CandidateProgressEnvelope,
            EventEnvelope,
            ChunkedMessageEnvelope,
            ResumeOkEnvelope,
            ResumeFailedEnvelope,
            PingEnvelope,
            PongEnvelope,
            ResumeEnvelope,
            SubscribeMetricsEnvelope,
            CommandEnvelope,
            CommandResponseEnvelope,
        )
    }
)
"""Every known ``type`` string and its model (for ``command_response``, the shape with
``data``; :class:`CommandRateLimitedEnvelope` is the other shape of that type)."""

_MAX_REASON_ERRORS: Final = 3


def validate_envelope(frame: object) -> BaseEnvelope:
    """Return the typed envelope of ``frame``, or an ``UnknownEnvelope`` when it is not one.

    Args:
        frame: a parsed frame (a ``dict``) or the raw text of one (``str``, ``bytes``,
            ``bytearray`` or ``memoryview``, UTF-8 JSON). Anything else is malformed.

    Returns:
        The model of its ``type`` (see ``KNOWN_ENVELOPES``; a top-level ``rate_limited``
        ``command_response`` is a ``CommandRateLimitedEnvelope``) when the frame is well formed;
        otherwise an ``UnknownEnvelope`` whose ``type`` is the bounded label: the frame's type
        string while the unknown-type budget lasts (a known type that failed validation counts),
        ``"_unmatched"`` after it, and ``"_malformed"`` for invalid JSON, a non-object, or a
        missing or non-string ``type`` or one holding a lone surrogate.

    Raises:
        Never: every failure of the input becomes an ``UnknownEnvelope``.
    """
    if isinstance(frame, str | bytes | bytearray | memoryview):
        return _validate_text(frame)
    if isinstance(frame, dict):
        try:
            return _ADAPTER.validate_python(frame)
        except ValidationError as exc:
            return _from_failure(frame, exc)
    return malformed(f"frame is a {type(frame).__name__}, not a JSON object or its text")


def _validate_text(text: str | bytes | bytearray | memoryview) -> BaseEnvelope:
    if isinstance(text, memoryview):
        try:
            text = text.tobytes()
        except ValueError as exc:  # a released buffer
            return malformed(f"unreadable buffer: {exc}")
    try:
        return _ADAPTER.validate_json(text)
    except ValidationError as exc:
        failure = exc
    try:
        parsed = pydantic_core.from_json(text)
    except ValueError as exc:  # invalid JSON or UTF-8, or nested too deep
        return malformed(f"Invalid JSON: {exc}")
    except TypeError:  # a str holding a lone surrogate, which has no UTF-8 form
        return malformed("Invalid JSON: the text holds a lone surrogate")
    return _from_failure(parsed, failure)


def _from_failure(parsed: object, failure: ValidationError) -> BaseEnvelope:
    kind = parsed.get("type") if isinstance(parsed, dict) else None
    if isinstance(kind, str) and kind in KNOWN_ENVELOPES:
        return unknown_from_object(parsed, _describe(failure))
    return unknown_from_object(parsed)


def _describe(failure: ValidationError) -> str:
    """Summarise a known type's validation errors as ``loc: message; ...`` without values.

    A location may name a key holding a lone surrogate; it is written as its escape, so the
    reason can be logged.
    """
    errors = failure.errors(include_url=False, include_context=False, include_input=False)
    parts = []
    for error in errors[:_MAX_REASON_ERRORS]:
        # The first location element is the union's tag, i.e. the type string itself; a
        # ``command_response`` adds the tag of its shape.
        loc = error["loc"][1:]
        if loc and loc[0] in (_ANSWER_TAG, _RATE_LIMITED_TAG):
            loc = loc[1:]
        location = ".".join(str(part) for part in loc)
        parts.append(f"{location}: {error['msg']}" if location else error["msg"])
    if len(errors) > _MAX_REASON_ERRORS:
        parts.append(f"and {len(errors) - _MAX_REASON_ERRORS} more")
    return "; ".join(parts).encode(errors="backslashreplace").decode()
