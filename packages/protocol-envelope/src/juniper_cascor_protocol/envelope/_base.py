"""The common envelope base class, the typed-data base class and the shared field types.

Every frame on ``/ws/training`` and ``/ws/control`` is a JSON object whose top-level keys are, in
the server's order, ``type``, ``timestamp``, ``data``, ``seq`` and ``emitted_at_monotonic``,
followed by any keys a newer server adds. The models keep that order and keep unknown keys, so
``model_dump(exclude_none=True)`` reproduces what the server sent.
"""

from __future__ import annotations

import time
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, StrictFloat, StrictInt

__all__ = ["BaseEnvelope", "FrameData", "server_stamp"]

_MODEL_CONFIG = ConfigDict(
    extra="allow",
    # Servers serialise with ``json.dumps``, which writes NaN and Infinity as bare constants.
    ser_json_inf_nan="constants",
)


class FrameData(BaseModel):
    """Base of the typed ``data`` objects: unknown keys are kept, like on the envelope."""

    model_config = _MODEL_CONFIG


class BaseEnvelope(BaseModel):
    """Fields shared by every frame of both channels.

    ``timestamp`` is epoch seconds (an int on the wire is accepted and stored as a float; a bool
    is rejected). ``seq`` and ``emitted_at_monotonic`` are carried by the broadcast frames of
    ``/ws/training`` on current servers. Subclasses narrow ``type`` to a literal and make
    ``timestamp`` and ``data`` required where the server always sends them.
    """

    model_config = _MODEL_CONFIG

    is_known: ClassVar[bool] = True
    """False only on :class:`UnknownEnvelope`: a cheap known/unknown test."""

    type: str
    timestamp: StrictFloat | None = None
    data: dict[str, Any] | FrameData | None = None
    seq: StrictInt | None = None
    emitted_at_monotonic: StrictFloat | None = None

    def to_json(self) -> str:
        """Serialise the frame for the wire, omitting the top-level fields that are ``None``.

        Returns:
            The JSON text, keys in the server's order, NaN and Infinity written as constants.

        Raises:
            pydantic_core.PydanticSerializationError: when an extra key holds a value that has
                no JSON form.
        """
        return self.model_dump_json(exclude_none=True)


def server_stamp(
    timestamp: float | None, seq: int | None, emitted_at_monotonic: float | None
) -> dict[str, Any]:
    """Return the stamp fields of a server frame: the timestamp (now when omitted) and the
    optional ``seq`` and ``emitted_at_monotonic``, leaving out the ones that are ``None``."""
    stamp: dict[str, Any] = {"timestamp": time.time() if timestamp is None else timestamp}
    if seq is not None:
        stamp["seq"] = seq
    if emitted_at_monotonic is not None:
        stamp["emitted_at_monotonic"] = emitted_at_monotonic
    return stamp
