"""Frames common to both channels: the greeting and the application-level heartbeat.

``connection_established`` opens ``/ws/training`` (with the server's instance and replay facts)
and ``/ws/control`` (with ``{"channel": "control"}`` and no timestamp). Both shapes share one
model, so the discriminated union keeps a single entry per type string. The server sends
``{"type": "ping", "ts": <float>}`` every 30 s and expects ``{"type": "pong"}`` within 10 s.
"""

from __future__ import annotations

import time
from typing import Literal, Self

from pydantic import StrictFloat, StrictInt, StrictStr

from juniper_cascor_protocol.envelope._base import BaseEnvelope, FrameData, server_stamp

__all__ = [
    "ConnectionEstablishedData",
    "ConnectionEstablishedEnvelope",
    "PingEnvelope",
    "PongEnvelope",
]


class ConnectionEstablishedData(FrameData):
    """Greeting data: the training fields, the control ``channel``, or both; all optional.

    ``server_version`` is the server's version string; juniper-cascor 0.12 does not send it.
    """

    connections: StrictInt | None = None
    server_instance_id: StrictStr | None = None
    server_start_time: StrictFloat | None = None
    replay_buffer_capacity: StrictInt | None = None
    channel: StrictStr | None = None
    server_version: StrictStr | None = None


class ConnectionEstablishedEnvelope(BaseEnvelope):
    """``connection_established``: the first frame on either channel."""

    type: Literal["connection_established"] = "connection_established"
    data: ConnectionEstablishedData

    @classmethod
    def for_training(
        cls,
        *,
        connections: int,
        server_instance_id: str,
        server_start_time: float,
        replay_buffer_capacity: int = 1024,
        timestamp: float | None = None,
    ) -> Self:
        """Build the greeting a server sends on ``/ws/training``.

        Raises:
            pydantic.ValidationError: when a value has the wrong type.
        """
        data = ConnectionEstablishedData(
            connections=connections,
            server_instance_id=server_instance_id,
            server_start_time=server_start_time,
            replay_buffer_capacity=replay_buffer_capacity,
        )
        return cls(data=data, **server_stamp(timestamp, None, None))

    @classmethod
    def for_control(cls) -> Self:
        """Build the greeting a server sends on ``/ws/control`` (no timestamp).

        Raises:
            pydantic.ValidationError: never in practice; the values are fixed.
        """
        return cls(data=ConnectionEstablishedData(channel="control"))


class PingEnvelope(BaseEnvelope):
    """``ping``: the server heartbeat, ``{"type": "ping", "ts": <epoch seconds>}``."""

    type: Literal["ping"] = "ping"
    ts: StrictFloat

    @classmethod
    def build(cls, ts: float | None = None) -> Self:
        """Build a ping stamped ``ts`` (now when omitted).

        Raises:
            pydantic.ValidationError: when ``ts`` is not a number.
        """
        return cls(ts=time.time() if ts is None else ts)


class PongEnvelope(BaseEnvelope):
    """``pong``: the client's answer to ``ping``, ``{"type": "pong"}``; build it with
    ``PongEnvelope()``."""

    type: Literal["pong"] = "pong"
