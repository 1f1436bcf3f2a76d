"""Exit codes of the ``juniper-cascor`` command, the mapping from errors to them, error lines.

Each expected failure has its own code so scripts can tell them apart::

    0    success
    1    any other client or server error (HTTP 5xx, protocol error, refused command)
    2    usage: bad command line or configuration (e.g. a malformed --url)
    3    connection: the server could not be reached, or the connection was lost
    4    authentication: the API key is missing or was refused
    5    validation: the server rejected the request (HTTP 400/422) or a data file is unusable
    6    timeout: a request, a command or a wait ran past its deadline
    7    not found: e.g. no network has been created, or an unknown snapshot id
    8    conflict: the request conflicts with the training state (HTTP 409)
    9    unavailable: the service or the worker system is unavailable or rate limiting (503/429)
    10   missing optional dependency: install the extra the message names
    130  interrupted (Ctrl-C)

A control command refused with an error ``code`` maps like the HTTP error it stands for
(``conflict`` -> 8, ``not_found`` -> 7, ``validation_error``/``bad_request``/``unknown_command``
-> 5, ``service_unavailable`` -> 9); other refusals are 1.
"""

from __future__ import annotations

import sys
from enum import IntEnum
from typing import TextIO

from juniper_cascor_client_core.exceptions import (
    JuniperCascorAuthenticationError,
    JuniperCascorCommandError,
    JuniperCascorConfigurationError,
    JuniperCascorConflictError,
    JuniperCascorConnectionError,
    JuniperCascorNotFoundError,
    JuniperCascorRateLimitedError,
    JuniperCascorServiceUnavailableError,
    JuniperCascorTimeoutError,
    JuniperCascorValidationError,
)

__all__ = ["ExitCode", "exit_code_for", "exit_codes_epilog", "print_error"]


class ExitCode(IntEnum):
    """The process exit codes of ``juniper-cascor``."""

    OK = 0
    ERROR = 1
    USAGE = 2
    CONNECTION = 3
    AUTHENTICATION = 4
    VALIDATION = 5
    TIMEOUT = 6
    NOT_FOUND = 7
    CONFLICT = 8
    UNAVAILABLE = 9
    MISSING_DEPENDENCY = 10
    INTERRUPTED = 130


_DESCRIPTIONS: dict[ExitCode, str] = {
    ExitCode.OK: "success",
    ExitCode.ERROR: "other client or server error",
    ExitCode.USAGE: "bad command line or configuration",
    ExitCode.CONNECTION: "server unreachable or connection lost",
    ExitCode.AUTHENTICATION: "API key missing or refused",
    ExitCode.VALIDATION: "request rejected (400/422) or unusable data file",
    ExitCode.TIMEOUT: "deadline exceeded",
    ExitCode.NOT_FOUND: "not found (no network, unknown snapshot)",
    ExitCode.CONFLICT: "conflicts with the training state (409)",
    ExitCode.UNAVAILABLE: "service unavailable or rate limited (503/429)",
    ExitCode.MISSING_DEPENDENCY: "optional dependency missing (install the named extra)",
    ExitCode.INTERRUPTED: "interrupted",
}

# Most specific first: the first matching class decides.
_BY_ERROR: tuple[tuple[type[Exception], ExitCode], ...] = (
    (JuniperCascorConfigurationError, ExitCode.USAGE),
    (JuniperCascorConnectionError, ExitCode.CONNECTION),
    (JuniperCascorAuthenticationError, ExitCode.AUTHENTICATION),
    (JuniperCascorValidationError, ExitCode.VALIDATION),
    (JuniperCascorTimeoutError, ExitCode.TIMEOUT),
    (JuniperCascorNotFoundError, ExitCode.NOT_FOUND),
    (JuniperCascorConflictError, ExitCode.CONFLICT),
    (JuniperCascorServiceUnavailableError, ExitCode.UNAVAILABLE),
    (JuniperCascorRateLimitedError, ExitCode.UNAVAILABLE),
)

_BY_COMMAND_CODE: dict[str, ExitCode] = {
    "conflict": ExitCode.CONFLICT,
    "not_found": ExitCode.NOT_FOUND,
    "validation_error": ExitCode.VALIDATION,
    "bad_request": ExitCode.VALIDATION,
    "unknown_command": ExitCode.VALIDATION,
    "service_unavailable": ExitCode.UNAVAILABLE,
}


def exit_code_for(error: Exception) -> ExitCode:
    """Return the exit code for a client error (``ERROR`` when no specific code applies)."""
    if isinstance(error, JuniperCascorCommandError):
        return _BY_COMMAND_CODE.get((error.code or "").lower(), ExitCode.ERROR)
    for error_type, code in _BY_ERROR:
        if isinstance(error, error_type):
            return code
    return ExitCode.ERROR


def exit_codes_epilog() -> str:
    """The exit-code table shown at the end of ``juniper-cascor --help``."""
    lines = [f"  {code.value:<4} {_DESCRIPTIONS[code]}" for code in ExitCode]
    return "exit codes:\n" + "\n".join(lines)


def print_error(message: str, *, stream: TextIO | None = None) -> None:
    """Write ``juniper-cascor: error: <message>`` as a single line on standard error."""
    one_line = " ".join(message.split())
    print(f"juniper-cascor: error: {one_line}", file=sys.stderr if stream is None else stream)
