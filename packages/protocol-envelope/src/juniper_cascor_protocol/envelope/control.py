"""Frames of ``/ws/control``: ``command`` (client to server) and ``command_response``.

A command is ``{"type": "command", "command": <name>, "params": {...}?, "command_id": <id>?}``
with no timestamp and no data. The answer's ``data`` echoes the command name and, on current
servers, the ``command_id``; ``status`` is one of ``success``, ``error``, ``rate_limited``,
``queued`` or ``timeout``.

juniper-cascor 0.12 sends its ``rate_limited`` answer in another shape: the fields at the top
level, with no ``data`` and no timestamp, ``{"type": "command_response", "command": <name>,
"status": "rate_limited", "retry_after": <seconds>, "command_id": <id>?}``
(:class:`CommandRateLimitedEnvelope`). Both shapes share the type string; ``validate_envelope``
tells them apart by the presence of ``data``. The greeting of this channel is defined in
:mod:`juniper_cascor_protocol.envelope.connection`; ``ConnectionEstablishedEnvelope`` and
``ConnectionEstablishedData`` are importable from here too, their juniper-cascor-protocol 0.2
import path.
"""

from __future__ import annotations

import uuid
from typing import Any, Final, Literal, Self

from pydantic import Field, StrictFloat, StrictStr, model_validator

from juniper_cascor_protocol.envelope._base import BaseEnvelope, FrameData, server_stamp
from juniper_cascor_protocol.envelope.connection import (
    ConnectionEstablishedData,
    ConnectionEstablishedEnvelope,
)

__all__ = [
    "COMMAND_NAMES",
    "CommandEnvelope",
    "CommandRateLimitedEnvelope",
    "CommandResponseData",
    "CommandResponseEnvelope",
    "CommandStatus",
    "ConnectionEstablishedData",
    "ConnectionEstablishedEnvelope",
]

COMMAND_NAMES: Final = ("start", "stop", "pause", "resume", "reset", "set_params")
"""The commands servers implement; other names are well-formed frames the server refuses with
``code: "unknown_command"``."""

CommandStatus = Literal["success", "error", "rate_limited", "queued", "timeout"]


class CommandEnvelope(BaseEnvelope):
    """``command``: client to server; ``set_params`` needs a non-empty ``params`` object."""

    type: Literal["command"] = "command"
    command: StrictStr
    params: dict[str, Any] | None = None
    command_id: StrictStr | None = None

    @model_validator(mode="after")
    def _set_params_has_params(self) -> Self:
        if self.command == "set_params" and not self.params:
            msg = "set_params requires a non-empty params object"
            raise ValueError(msg)
        return self

    @staticmethod
    def new_command_id() -> str:
        """Return a fresh, unique command id (32 hex characters).

        Raises:
            Nothing.
        """
        return uuid.uuid4().hex

    @classmethod
    def build(
        cls, command: str, params: dict[str, Any] | None = None, *, command_id: str | None = None
    ) -> Self:
        """Build a command frame with ``command_id`` or, when omitted, a fresh one.

        Raises:
            pydantic.ValidationError: when ``command`` is ``set_params`` without params, or a
                value has the wrong type.
        """
        command_id = cls.new_command_id() if command_id is None else command_id
        return cls(command=command, params=params, command_id=command_id)


class CommandResponseData(FrameData):
    """``command_response`` data; ``result.retry_after`` accompanies ``rate_limited`` in this
    shape."""

    command: StrictStr
    status: CommandStatus
    command_id: StrictStr | None = None
    result: Any = None
    error: StrictStr | None = None
    code: StrictStr | None = None


class CommandResponseEnvelope(BaseEnvelope):
    """``command_response``: the server's answer to one ``command``."""

    type: Literal["command_response"] = "command_response"
    timestamp: StrictFloat
    data: CommandResponseData

    @classmethod
    def build(
        cls,
        command: str,
        status: CommandStatus,
        *,
        command_id: str | None = None,
        result: Any = None,
        error: str | None = None,
        code: str | None = None,
        timestamp: float | None = None,
    ) -> Self:
        """Build a server's answer, stamped now unless ``timestamp`` is given.

        Raises:
            pydantic.ValidationError: when ``status`` is not a known status or a value has the
                wrong type.
        """
        data = CommandResponseData(
            command=command,
            status=status,
            command_id=command_id,
            result=result,
            error=error,
            code=code,
        )
        return cls(data=data, **server_stamp(timestamp, None, None))


class CommandRateLimitedEnvelope(BaseEnvelope):
    """``command_response`` refusing a command for the rate limit, as juniper-cascor 0.12 sends
    it: ``command``, ``status``, ``retry_after`` (seconds) and ``command_id`` (when the command
    had one) at the top level, no ``data``, no timestamp."""

    type: Literal["command_response"] = "command_response"
    command: StrictStr
    status: Literal["rate_limited"] = "rate_limited"
    retry_after: StrictFloat = Field(ge=0)
    command_id: StrictStr | None = None

    @classmethod
    def build(cls, command: str, retry_after: float, *, command_id: str | None = None) -> Self:
        """Build a server's rate-limit answer (``command_id`` is left out when ``None``).

        Raises:
            pydantic.ValidationError: when ``retry_after`` is negative or a value has the wrong
                type.
        """
        return cls(command=command, retry_after=retry_after, command_id=command_id)
