"""The one error type of the fake server's operations and how each surface renders it.

An operation (create a network, pause training, restore a snapshot...) raises ``ServiceError``
with an HTTP status; REST renders it in the shape the real server uses for that status (legacy
``{"detail": ...}`` for 404/409, FastAPI-style lists for 422, the error envelope otherwise) and
``/ws/control`` turns it into a ``command_response`` with ``status: error`` and a ``code``.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ServiceError", "conflict", "invalid", "not_found", "unavailable"]

_CODES = {
    400: "BAD_REQUEST",
    401: "UNAUTHORIZED",
    404: "NOT_FOUND",
    409: "CONFLICT",
    422: "VALIDATION_ERROR",
    500: "INTERNAL_ERROR",
    503: "SERVICE_UNAVAILABLE",
}


@dataclass
class ServiceError(Exception):
    """A refused operation: HTTP ``status``, a human ``message`` and, for 422, the field ``loc``."""

    status: int
    message: str
    loc: tuple[str | int, ...] = ()
    error_type: str = "value_error"

    def __str__(self) -> str:
        return self.message

    @property
    def code(self) -> str:
        """The stable error code of the envelope shape (``NOT_FOUND``, ``CONFLICT``...)."""
        return _CODES.get(self.status, "ERROR")

    @property
    def command_code(self) -> str:
        """The lower-case code a control ``command_response`` carries."""
        return self.code.lower()


def not_found(message: str) -> ServiceError:
    """A 404 error."""
    return ServiceError(404, message)


def conflict(message: str) -> ServiceError:
    """A 409 error."""
    return ServiceError(409, message)


def invalid(
    loc: tuple[str | int, ...], message: str, error_type: str = "value_error"
) -> ServiceError:
    """A 422 error for the field at ``loc`` (e.g. ``("body", "learning_rate")``)."""
    return ServiceError(422, message, loc, error_type)


def unavailable(message: str) -> ServiceError:
    """A 503 error."""
    return ServiceError(503, message)
