"""The resume handshake of ``/ws/training``.

A client that reconnects sends ``resume`` as its first frame (within 5 s) with the last ``seq``
it processed and the server instance it came from. The server answers ``resume_ok`` and replays
the missed frames, or ``resume_failed`` with a reason, after which the client resyncs from REST.
"""

from __future__ import annotations

from typing import Final, Literal, Self

from pydantic import Field, StrictFloat, StrictInt, StrictStr

from juniper_cascor_protocol.envelope._base import BaseEnvelope, FrameData, server_stamp

__all__ = [
    "RESUME_FAILED_REASONS",
    "ResumeData",
    "ResumeEnvelope",
    "ResumeFailedData",
    "ResumeFailedEnvelope",
    "ResumeOkData",
    "ResumeOkEnvelope",
]

RESUME_FAILED_REASONS: Final = frozenset({"malformed_resume", "server_restarted", "out_of_range"})
"""The reasons current servers give; any other string is accepted so a newer server's reason
still reaches the client as a ``resume_failed``."""


class ResumeData(FrameData):
    """``resume`` data."""

    last_seq: StrictInt = Field(ge=0)
    server_instance_id: StrictStr


class ResumeEnvelope(BaseEnvelope):
    """``resume``: client to server, the first frame of a resuming connection."""

    type: Literal["resume"] = "resume"
    data: ResumeData

    @classmethod
    def build(cls, last_seq: int, server_instance_id: str) -> Self:
        """Build a resume request.

        Raises:
            pydantic.ValidationError: when ``last_seq`` is negative or not an int.
        """
        return cls(data=ResumeData(last_seq=last_seq, server_instance_id=server_instance_id))


class ResumeOkData(FrameData):
    """``resume_ok`` data."""

    replayed_count: StrictInt = Field(ge=0)


class ResumeOkEnvelope(BaseEnvelope):
    """``resume_ok``: the replayed frames follow."""

    type: Literal["resume_ok"] = "resume_ok"
    timestamp: StrictFloat
    data: ResumeOkData

    @classmethod
    def build(cls, replayed_count: int, *, timestamp: float | None = None) -> Self:
        """Build a server's positive answer to ``resume``.

        Raises:
            pydantic.ValidationError: when ``replayed_count`` is negative or not an int.
        """
        data = ResumeOkData(replayed_count=replayed_count)
        return cls(data=data, **server_stamp(timestamp, None, None))


class ResumeFailedData(FrameData):
    """``resume_failed`` data; ``reason`` is usually one of :data:`RESUME_FAILED_REASONS`."""

    reason: StrictStr


class ResumeFailedEnvelope(BaseEnvelope):
    """``resume_failed``: the client must resync from REST."""

    type: Literal["resume_failed"] = "resume_failed"
    timestamp: StrictFloat
    data: ResumeFailedData

    @classmethod
    def build(cls, reason: str, *, timestamp: float | None = None) -> Self:
        """Build a server's refusal of ``resume``.

        Raises:
            pydantic.ValidationError: when ``reason`` is not a string.
        """
        return cls(data=ResumeFailedData(reason=reason), **server_stamp(timestamp, None, None))
