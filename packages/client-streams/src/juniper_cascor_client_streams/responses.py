"""The type of a control command's answer: the ``command_response`` frame, as a dict.

Static types only: the answer is the frame the server sent, parsed from JSON and not copied,
so keys a newer server adds are there too. juniper-cascor 0.12 answers
``{"type": "command_response", "timestamp": ..., "data": {"command", "status", "command_id",
"result"?, "error"?, "code"?}}``. Its other shape, the rate-limit answer with the fields at the
top level, is never returned: it raises ``JuniperCascorRateLimitedError``.
"""

from __future__ import annotations

from typing import Any, Required, TypedDict

__all__ = ["CommandResponseDataDict", "CommandResponseDict"]


class CommandResponseDataDict(TypedDict, total=False):
    """The ``data`` of a ``command_response``."""

    command: Required[str]
    """The command answered (``start``, ``set_params``...)."""
    status: Required[str]
    """``success``, ``error``, ``queued``, ``timeout`` (``rate_limited`` raises instead)."""
    command_id: str
    """The id of the command answered (echoed by current servers)."""
    result: Any
    """What the command returned (``set_params``: the parameters as applied)."""
    error: str
    """Why the command failed (``status: "error"``)."""
    code: str
    """The failure's code (``invalid_params``, ``unknown_command``); absent for state
    conflicts (``"Command execution failed"``)."""


class CommandResponseDict(TypedDict, total=False):
    """A ``command_response`` frame: what ``CascorControlStream.command`` returns."""

    type: Required[str]
    """``"command_response"``."""
    timestamp: float
    """When the server answered (epoch seconds)."""
    data: Required[CommandResponseDataDict]
    """The answer's fields."""
