"""Decoding inbound frames, reporting unrecognised ones, and encoding outbound frames.

Every inbound frame is parsed once with :func:`json.loads` (the consumer gets that dict, so
unknown keys and the server's values are kept as sent) and the dict goes through
``validate_envelope``. A frame it does not recognise is logged at WARNING and counted in
:mod:`juniper_cascor_client_streams.metrics`. Outbound frames are built with the envelope
package's builders; a pydantic error there (a ``ValueError``, e.g. ``set_params`` without
params) becomes a ``JuniperCascorValidationError``.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

from juniper_cascor_client_core import JuniperCascorValidationError
from juniper_cascor_client_streams.metrics import count_unrecognized_frame
from juniper_cascor_protocol.envelope import (
    BaseEnvelope,
    CommandEnvelope,
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
    """Serialise a ``command`` frame.

    Raises:
        JuniperCascorValidationError: When the command is malformed (e.g. ``set_params``
            without params) or ``params`` cannot be written as JSON.
    """
    try:
        return CommandEnvelope.build(command, params, command_id=command_id).to_json()
    except ValueError as exc:  # pydantic's validation and serialisation errors
        raise JuniperCascorValidationError(f"invalid command {command!r}: {exc}") from exc
