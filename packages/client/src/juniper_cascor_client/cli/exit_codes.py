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

An error is mapped by what the server said first, then by what kind of error it is:

1. the server's error ``code``, whatever its case: REST ``error.code`` (``SNAPSHOT_ABSENT`` -> 7,
   ``VALIDATION_ERROR`` -> 5, ``HTTP_<status>`` as that status) or a control answer's ``code``
   (``invalid_params``, ``unknown_command`` -> 5);
2. the HTTP status: 400/413/422 -> 5, 401/403 -> 4, 404 -> 7, 408/504 -> 6, 409 -> 8,
   429/503 -> 9;
3. the exception's class (connection, timeout, configuration...).

Anything else is 1, e.g. a control command refused for the training state (``Command execution
failed``, which carries no code) or an ``INTERNAL_ERROR``.
"""

from __future__ import annotations

import re
import sys
from enum import IntEnum
from typing import TextIO

from juniper_cascor_client_core.exceptions import (
    JuniperCascorAuthenticationError,
    JuniperCascorClientError,
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

_BY_SERVER_CODE: dict[str, ExitCode] = {
    "snapshot_absent": ExitCode.NOT_FOUND,
    "validation_error": ExitCode.VALIDATION,
    "invalid_params": ExitCode.VALIDATION,
    "unknown_command": ExitCode.VALIDATION,
}
"""The server's own error codes, case-folded (``HTTP_<status>`` codes go by the status)."""

_BY_STATUS: dict[int, ExitCode] = {
    400: ExitCode.VALIDATION,
    401: ExitCode.AUTHENTICATION,
    403: ExitCode.AUTHENTICATION,
    404: ExitCode.NOT_FOUND,
    408: ExitCode.TIMEOUT,
    409: ExitCode.CONFLICT,
    413: ExitCode.VALIDATION,
    422: ExitCode.VALIDATION,
    429: ExitCode.UNAVAILABLE,
    503: ExitCode.UNAVAILABLE,
    504: ExitCode.TIMEOUT,
}

_HTTP_CODE = re.compile(r"http_(\d{3})")


def exit_code_for(error: Exception) -> ExitCode:
    """Return the exit code for an error: by the server's error code, else by the HTTP status,
    else by the exception's class (``ERROR`` when none of them says more)."""
    if isinstance(error, JuniperCascorClientError):
        by_server = _by_server_code(error.code)
        if by_server is not None:
            return by_server
        if error.status_code in _BY_STATUS:
            return _BY_STATUS[error.status_code]
    for error_type, code in _BY_ERROR:
        if isinstance(error, error_type):
            return code
    return ExitCode.ERROR


def _by_server_code(server_code: str | None) -> ExitCode | None:
    if server_code is None:
        return None
    key = server_code.casefold()
    status = _HTTP_CODE.fullmatch(key)
    if status is not None:
        return _BY_STATUS.get(int(status.group(1)))
    return _BY_SERVER_CODE.get(key)


def exit_codes_epilog() -> str:
    """The exit-code table shown at the end of ``juniper-cascor --help``."""
    lines = [f"  {code.value:<4} {_DESCRIPTIONS[code]}" for code in ExitCode]
    return "exit codes:\n" + "\n".join(lines)


def print_error(message: str, *, stream: TextIO | None = None) -> None:
    """Write ``juniper-cascor: error: <message>`` as a single line on standard error."""
    one_line = " ".join(message.split())
    print(f"juniper-cascor: error: {one_line}", file=sys.stderr if stream is None else stream)
