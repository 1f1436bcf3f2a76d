"""The one error type of the fake server's operations and how each surface reads it.

An operation (create a network, pause training, restore a snapshot...) raises ``ServiceError``
with an HTTP status. REST renders every one of them in the real server's error envelope
``{"status": "error", "error": {"code", "message", "detail"}, "meta"}``:

- a refusal of the route (the real server's ``HTTPException``) has the code ``HTTP_<status>``,
  or its own semantic code (``SNAPSHOT_ABSENT``), and ``detail: null``;
- a request-validation failure (FastAPI's 422) has the code ``VALIDATION_ERROR``, a message
  naming each field (``body.patience: Input should be ...``) and the per-field list in
  ``detail`` (``[{type, loc, msg, input, ctx?}]``).

``/ws/control`` turns a ``ServiceError`` into a ``command_response`` with ``status: error``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "FieldError",
    "ServiceError",
    "bad_request",
    "conflict",
    "forbidden",
    "invalid",
    "not_found",
    "unavailable",
    "validation_failed",
]

Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class FieldError:
    """One failed field of a request, as FastAPI lists it."""

    loc: Loc
    msg: str
    type: str
    input: Any = None
    ctx: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        """The ``error.detail`` item."""
        item: dict[str, Any] = {
            "type": self.type,
            "loc": list(self.loc),
            "msg": self.msg,
            "input": self.input,
        }
        if self.ctx is not None:
            item["ctx"] = self.ctx
        return item

    def summary(self) -> str:
        """``body.patience: Input should be ...``."""
        where = ".".join(str(part) for part in self.loc)
        return f"{where}: {self.msg}" if where else self.msg


@dataclass
class ServiceError(Exception):
    """A refused operation: HTTP ``status``, a human ``message``, an optional semantic ``code``.

    ``fields`` is set for request-validation failures only (then the code is
    ``VALIDATION_ERROR``).
    """

    status: int
    message: str
    semantic_code: str | None = None
    fields: tuple[FieldError, ...] = field(default=())

    def __str__(self) -> str:
        return self.message

    @property
    def code(self) -> str:
        """``error.code``: the semantic code, ``VALIDATION_ERROR`` or ``HTTP_<status>``."""
        if self.semantic_code is not None:
            return self.semantic_code
        return "VALIDATION_ERROR" if self.fields else f"HTTP_{self.status}"

    @property
    def detail(self) -> list[dict[str, Any]] | None:
        """``error.detail``: the per-field list of a validation failure, else ``None``."""
        return [item.to_dict() for item in self.fields] if self.fields else None


def validation_failed(errors: list[FieldError] | tuple[FieldError, ...]) -> ServiceError:
    """A 422 ``VALIDATION_ERROR`` listing every failed field."""
    message = "; ".join(error.summary() for error in errors) or "Invalid request parameters"
    return ServiceError(422, message, fields=tuple(errors))


def invalid(
    loc: Loc,
    msg: str,
    error_type: str = "value_error",
    value: Any = None,
    ctx: dict[str, Any] | None = None,
) -> ServiceError:
    """A 422 ``VALIDATION_ERROR`` for the one field at ``loc`` (``("body", "patience")``)."""
    return validation_failed([FieldError(loc, msg, error_type, value, ctx)])


def bad_request(message: str) -> ServiceError:
    """A 400 error."""
    return ServiceError(400, message)


def forbidden(message: str) -> ServiceError:
    """A 403 error."""
    return ServiceError(403, message)


def not_found(message: str, code: str | None = None) -> ServiceError:
    """A 404 error (``code`` replaces ``HTTP_404``, e.g. ``SNAPSHOT_ABSENT``)."""
    return ServiceError(404, message, code)


def conflict(message: str) -> ServiceError:
    """A 409 error."""
    return ServiceError(409, message)


def unavailable(message: str) -> ServiceError:
    """A 503 error."""
    return ServiceError(503, message)
