"""The exception hierarchy shared by every juniper-cascor client.

Every error raised by the REST client and the WebSocket streams is one of these::

    JuniperCascorClientError                  base; any other non-2xx ("HTTP <status>: <message>")
    ├── JuniperCascorConnectionError          the server could not be reached, or the link dropped
    │   └── JuniperCascorStreamClosedError    a WebSocket stream closed (close_code, close_reason)
    ├── JuniperCascorTimeoutError             a call or a wait ran past its deadline
    ├── JuniperCascorAuthenticationError      401/403, WebSocket close 4001/4003
    ├── JuniperCascorNotFoundError            404
    ├── JuniperCascorConflictError            409 (e.g. training not active, not paused)
    ├── JuniperCascorValidationError          400/422, and arguments rejected before sending
    ├── JuniperCascorServiceUnavailableError  503
    ├── JuniperCascorRateLimitedError         429, or a ``rate_limited`` command (retry_after)
    ├── JuniperCascorOverloadError            the client's own bound was hit (e.g. max_pending)
    ├── JuniperCascorConfigurationError       bad client configuration (also a ``ValueError``)
    ├── JuniperCascorProtocolError            a malformed or unexpected frame from the server
    └── JuniperCascorCommandError             a control command answered with ``status: error``

Every error has ``message``, ``status_code``, ``code``, ``detail`` and ``response`` (``None``
where they do not apply): ``code`` is the server's machine-readable error code, from a REST
error body's ``error.code`` (``SNAPSHOT_ABSENT``, ``HTTP_409``, ``VALIDATION_ERROR``...) or a
control answer's ``code`` (``invalid_params``, ``unknown_command``...). The subclasses add their
own structured fields. Errors survive ``pickle`` and
``copy``: the constructor takes the message positionally and everything else as keywords, so the
standard exception reduction rebuilds them with all their fields.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "JuniperCascorAuthenticationError",
    "JuniperCascorClientError",
    "JuniperCascorCommandError",
    "JuniperCascorConfigurationError",
    "JuniperCascorConflictError",
    "JuniperCascorConnectionError",
    "JuniperCascorNotFoundError",
    "JuniperCascorOverloadError",
    "JuniperCascorProtocolError",
    "JuniperCascorRateLimitedError",
    "JuniperCascorServiceUnavailableError",
    "JuniperCascorStreamClosedError",
    "JuniperCascorTimeoutError",
    "JuniperCascorValidationError",
]


class JuniperCascorClientError(Exception):
    """Base of every error raised by the juniper-cascor clients.

    Args:
        message: Human-readable description; it is what ``str()`` returns.
        status_code: HTTP status of the response that caused the error, if any.
        code: The server's machine-readable error code, if it sent one.
        detail: The server's structured detail (a string, or a list of validation errors).
        response: The transport's response object (e.g. a ``requests.Response``), if any.
    """

    def __init__(
        self,
        message: str = "",
        *,
        status_code: int | None = None,
        code: str | None = None,
        detail: Any = None,
        response: Any = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status_code = status_code
        self.code = code
        self.detail = detail
        self.response = response

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        fields = ", ".join(
            f"{name}={value!r}" for name, value in self._fields().items() if value is not None
        )
        return f"{type(self).__name__}({self.message!r}{', ' if fields else ''}{fields})"

    def _fields(self) -> dict[str, Any]:
        """The structured fields shown by ``repr()`` (the response object is left out)."""
        return {"status_code": self.status_code, "code": self.code, "detail": self.detail}


class JuniperCascorConnectionError(JuniperCascorClientError):
    """The server could not be reached, or an established connection was lost."""


class JuniperCascorStreamClosedError(JuniperCascorConnectionError):
    """A WebSocket stream was closed; ``close_code`` and ``close_reason`` say how."""

    def __init__(
        self,
        message: str = "",
        *,
        close_code: int | None = None,
        close_reason: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(message, **kwargs)
        self.close_code = close_code
        self.close_reason = close_reason

    def _fields(self) -> dict[str, Any]:
        return {"close_code": self.close_code, "close_reason": self.close_reason}


class JuniperCascorTimeoutError(JuniperCascorClientError):
    """A request, a command or a wait did not complete before its deadline."""


class JuniperCascorAuthenticationError(JuniperCascorClientError):
    """The server refused the credentials or the origin (HTTP 401/403, close 4001/4003).

    ``close_code`` is set when a WebSocket handshake was refused with a close frame.
    """

    def __init__(self, message: str = "", *, close_code: int | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.close_code = close_code

    def _fields(self) -> dict[str, Any]:
        return {**super()._fields(), "close_code": self.close_code}


class JuniperCascorNotFoundError(JuniperCascorClientError):
    """The resource does not exist (HTTP 404), e.g. no network has been created."""


class JuniperCascorConflictError(JuniperCascorClientError):
    """The request conflicts with the server's state (HTTP 409)."""


class JuniperCascorValidationError(JuniperCascorClientError):
    """The request was invalid (HTTP 400/422), or an argument was rejected before sending."""


class JuniperCascorServiceUnavailableError(JuniperCascorClientError):
    """The service, or the part of it that was asked, is unavailable (HTTP 503)."""


class JuniperCascorRateLimitedError(JuniperCascorClientError):
    """The server asked the client to slow down (HTTP 429 or a ``rate_limited`` command).

    ``retry_after`` is the number of seconds the server asked to wait, when it said.
    """

    def __init__(
        self, message: str = "", *, retry_after: float | None = None, **kwargs: Any
    ) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after

    def _fields(self) -> dict[str, Any]:
        return {**super()._fields(), "retry_after": self.retry_after}


class JuniperCascorOverloadError(JuniperCascorClientError):
    """A bound of the client itself was reached (e.g. too many commands in flight)."""


class JuniperCascorConfigurationError(JuniperCascorClientError, ValueError):
    """The client was configured with an invalid value (e.g. a base URL without a host)."""


class JuniperCascorProtocolError(JuniperCascorClientError):
    """The server sent something the protocol does not allow (a malformed or unexpected frame)."""


class JuniperCascorCommandError(JuniperCascorClientError):
    """A control command was answered with ``status: "error"``.

    ``command`` is the command's name, ``command_id`` its correlation id and ``code`` (from the
    base) the server's machine-readable error code (e.g. ``unknown_command``), when it sent one.
    """

    def __init__(
        self,
        message: str = "",
        *,
        command: str | None = None,
        command_id: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(message, **kwargs)
        self.command = command
        self.command_id = command_id

    def _fields(self) -> dict[str, Any]:
        return {"command": self.command, "command_id": self.command_id, "code": self.code}
