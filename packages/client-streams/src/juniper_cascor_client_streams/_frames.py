"""Decoding inbound frames, reporting unrecognised ones, and encoding outbound frames.

Every inbound frame is parsed once (with ``pydantic_core.from_json``, about three times as fast
as :func:`json.loads` and giving the same objects; :func:`json.loads` is the fallback). The
resulting dict is what the consumer gets, so unknown keys and the server's values are kept as
sent, and it goes through ``validate_envelope``. A frame it does not recognise is logged at
WARNING and counted in :mod:`juniper_cascor_client_streams.metrics`. Outbound ``pong`` and
``resume`` frames are built with the envelope package's builders; ``command`` frames, which are
latency-bound, are written directly and checked the same way. A malformed command raises
``JuniperCascorValidationError``.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

from pydantic_core import from_json

from juniper_cascor_client_core import JuniperCascorValidationError
from juniper_cascor_client_streams.metrics import count_unrecognized_frame
from juniper_cascor_protocol.envelope import (
    BaseEnvelope,
    PongEnvelope,
    ResumeEnvelope,
    validate_envelope,
)

__all__ = [
    "PONG_TEXT",
    "Decoded",
    "command_text",
    "decode_frame",
    "report_unrecognized",
    "resume_text",
]

PONG_TEXT = PongEnvelope().to_json()


@dataclass(frozen=True, slots=True)
class Decoded:
    """An inbound frame: the parsed object (``None`` unless it is a JSON object) and its
    envelope (an ``UnknownEnvelope`` when unrecognised)."""

    frame: dict[str, Any] | None
    envelope: BaseEnvelope

    @property
    def label(self) -> str:
        """The frame's type, or the bounded label of an unrecognised one."""
        return self.envelope.type


def decode_frame(raw: str | bytes) -> Decoded:
    """Parse and validate one inbound frame; never raises."""
    try:
        frame = from_json(raw)
    except ValueError:
        # What the fast parser refuses (e.g. a lone surrogate escape) the standard one may take.
        try:
            frame = json.loads(raw)
        except (ValueError, RecursionError):
            return Decoded(None, validate_envelope(raw))
    return Decoded(frame if isinstance(frame, dict) else None, validate_envelope(frame))


def report_unrecognized(decoded: Decoded, *, endpoint: str, logger: logging.Logger) -> None:
    """Log an unrecognised frame at WARNING and count it (when prometheus-client is there)."""
    envelope = decoded.envelope
    logger.warning(
        "%s: unrecognised frame %r: %s",
        endpoint,
        decoded.label,
        getattr(envelope, "reason", None) or "no reason given",
    )
    count_unrecognized_frame(decoded.label, endpoint)


def resume_text(last_seq: int, server_instance_id: str) -> str:
    """Serialise the ``resume`` frame."""
    return ResumeEnvelope.build(last_seq, server_instance_id).to_json()


def command_text(command: str, params: dict[str, Any] | None, command_id: str) -> str:
    """Serialise a ``command`` frame, checked as ``CommandEnvelope`` checks it.

    Written with :func:`json.dumps` directly: a command's round trip is latency-bound, and this
    costs a third of building the model.

    Raises:
        JuniperCascorValidationError: When ``command`` is not a string, ``params`` is not an
            object, ``set_params`` has no params, or ``params`` cannot be written as JSON.
    """
    if not isinstance(command, str):
        raise JuniperCascorValidationError(f"command must be a string, not {command!r}")
    if params is not None and not isinstance(params, dict):
        raise JuniperCascorValidationError(f"params of {command!r} must be a dict")
    if command == "set_params" and not params:
        raise JuniperCascorValidationError("set_params requires a non-empty params object")
    frame: dict[str, Any] = {"type": "command", "command": command}
    if params is not None:
        frame["params"] = params
    frame["command_id"] = command_id
    try:
        return json.dumps(frame, separators=(",", ":"))
    except (TypeError, ValueError) as exc:
        raise JuniperCascorValidationError(f"params of {command!r} are not JSON: {exc}") from exc
