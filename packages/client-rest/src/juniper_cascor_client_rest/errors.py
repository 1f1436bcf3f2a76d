"""Translation of HTTP responses and transport failures into the client's exceptions.

This is the one place where foreign exceptions (``requests``, ``urllib3``, ``json``) become
:mod:`juniper_cascor_client_core.exceptions`, always with ``raise ... from exc``. The body of a
response is read with ``urllib3`` directly (to keep to the deadline), so its failures arrive as
``urllib3`` exceptions rather than ``requests`` ones.

HTTP status -> exception::

    400, 422   JuniperCascorValidationError
    401, 403   JuniperCascorAuthenticationError
    404        JuniperCascorNotFoundError
    409        JuniperCascorConflictError
    429        JuniperCascorRateLimitedError        (retry_after from the Retry-After header)
    503        JuniperCascorServiceUnavailableError
    other      JuniperCascorClientError

The message is ``HTTP <status>: <server message> (<METHOD> <path>)``. The server message is
``error.message`` of the current error envelope
(``{"status": "error", "error": {"code", "message", "detail"}, "meta"}``), else the legacy
``detail`` (a FastAPI validation list renders as ``body.learning_rate: too small; ...``), else a
trimmed copy of a non-JSON body, else the standard reason phrase. ``code`` is the envelope's
``error.code`` (``HTTP_404``, ``SNAPSHOT_ABSENT``, ``VALIDATION_ERROR``...), ``None`` for the
legacy shape. Any occurrence of the API key is replaced by ``***`` in messages, codes and
details.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from http import HTTPStatus
from typing import Any, NamedTuple, TypeAlias

import requests
from urllib3.exceptions import (
    DecodeError,
    HTTPError,
    MaxRetryError,
    NewConnectionError,
    ProtocolError,
    ReadTimeoutError,
)

from juniper_cascor_client_core import (
    ApiKey,
    JuniperCascorAuthenticationError,
    JuniperCascorClientError,
    JuniperCascorConflictError,
    JuniperCascorConnectionError,
    JuniperCascorNotFoundError,
    JuniperCascorProtocolError,
    JuniperCascorRateLimitedError,
    JuniperCascorServiceUnavailableError,
    JuniperCascorTimeoutError,
    JuniperCascorValidationError,
    redact,
    redact_secrets,
)
from juniper_cascor_client_rest.retry import Delivery

__all__ = [
    "STATUS_ERRORS",
    "ErrorBody",
    "TransportFailure",
    "decode_json_object",
    "delivery_of",
    "describe_error_body",
    "error_for_failure",
    "error_for_status",
]

STATUS_ERRORS: dict[int, type[JuniperCascorClientError]] = {
    400: JuniperCascorValidationError,
    401: JuniperCascorAuthenticationError,
    403: JuniperCascorAuthenticationError,
    404: JuniperCascorNotFoundError,
    409: JuniperCascorConflictError,
    422: JuniperCascorValidationError,
    429: JuniperCascorRateLimitedError,
    503: JuniperCascorServiceUnavailableError,
}

TransportFailure: TypeAlias = requests.RequestException | HTTPError | OSError
"""A failure of ``requests`` while sending, of ``urllib3`` while reading the body, or an
``OSError`` that ``requests`` raised as it is (e.g. for a CA bundle path that does not exist)."""

_MAX_TEXT = 200
_MAX_DEPTH = 32


class ErrorBody(NamedTuple):
    """What an error response body says."""

    message: str | None
    """The human message; ``None`` for an empty body."""

    detail: Any
    """The envelope's ``error.detail``, else the legacy ``detail``, else the message."""

    code: str | None
    """The envelope's ``error.code``, when it is a non-empty string."""


def describe_error_body(content: bytes) -> ErrorBody:
    """Extract the message, the structured detail and the code of an error response body.

    Never raises, whatever the bytes.
    """
    body = _loads(content)
    code = None
    if isinstance(body, dict):
        error = body.get("error")
        error = error if isinstance(error, dict) else {}
        if isinstance(error.get("code"), str) and error["code"]:
            code = error["code"]
        legacy = body.get("detail")
        nested = error.get("detail")
        message = error.get("message")
        if not isinstance(message, str) or not message.strip():
            message = _render_detail(nested if nested is not None else legacy)
        if message:
            detail = next((d for d in (nested, legacy) if d is not None), message)
            return ErrorBody(message, detail, code)
    text = _trim(content.decode("utf-8", "replace"))
    return ErrorBody(text or None, text or None, code)


def error_for_status(
    response: requests.Response,
    method: str,
    path: str,
    *,
    api_key: ApiKey | None,
    retry_after: float | None,
) -> JuniperCascorClientError:
    """Build the exception for a non-2xx ``response`` (it is returned, not raised)."""
    status = response.status_code
    message, detail, code = describe_error_body(response.content)
    if message is None:
        message = response.reason or _reason_phrase(status)
    text = _scrub(f"HTTP {status}: {message} ({method} {path})", api_key)
    fields: dict[str, Any] = {
        "status_code": status,
        "code": None if code is None else _scrub(code, api_key),
        "detail": _redact_json(detail, lambda s: _scrub(s, api_key)),
        "response": response,
    }
    cls = STATUS_ERRORS.get(status, JuniperCascorClientError)
    if cls is JuniperCascorRateLimitedError:
        fields["retry_after"] = retry_after
    return cls(text, **fields)


def decode_json_object(
    response: requests.Response, method: str, path: str, *, api_key: ApiKey | None
) -> dict[str, Any]:
    """Parse a 2xx response body as a JSON object; an empty body (e.g. 204) gives ``{}``.

    Raises:
        JuniperCascorProtocolError: When the body is not JSON, or not a JSON object.
    """
    content = response.content
    if not content:
        return {}
    try:
        value = json.loads(content)
    except (ValueError, RecursionError) as exc:
        snippet = _trim(content.decode("utf-8", "replace"))
        message = f"{method} {path}: HTTP {response.status_code} body is not JSON: {snippet}"
        raise JuniperCascorProtocolError(
            _scrub(message, api_key),
            status_code=response.status_code,
            response=response,
        ) from exc
    if not isinstance(value, dict):
        raise JuniperCascorProtocolError(
            f"{method} {path}: HTTP {response.status_code} body is JSON "
            f"{type(value).__name__}, not an object",
            status_code=response.status_code,
            response=response,
        )
    return value


def delivery_of(exc: TransportFailure) -> Delivery:
    """Tell whether a failed request provably never reached the server.

    Only a connection that could not be established (refused, unresolvable host, connect
    timeout) counts as never sent; every other failure may have reached the server.
    """
    if isinstance(exc, requests.ConnectTimeout):
        return Delivery.NOT_SENT
    if isinstance(exc, requests.ConnectionError) and exc.args:
        reason = exc.args[0]
        if isinstance(reason, MaxRetryError):
            reason = reason.reason
        if isinstance(reason, NewConnectionError):
            return Delivery.NOT_SENT
    return Delivery.MAYBE_SENT


def error_for_failure(
    exc: TransportFailure, method: str, path: str, *, api_key: ApiKey | None
) -> JuniperCascorClientError:
    """Build the exception for a transport failure (the caller raises it ``from exc``)."""
    cls: type[JuniperCascorClientError]
    if isinstance(exc, requests.Timeout | ReadTimeoutError):
        cls, what = JuniperCascorTimeoutError, "timed out"
    elif isinstance(
        exc, requests.ConnectionError | requests.exceptions.ChunkedEncodingError | ProtocolError
    ):
        cls = JuniperCascorConnectionError
        what = "could not connect" if delivery_of(exc) is Delivery.NOT_SENT else "connection lost"
    elif isinstance(exc, requests.exceptions.ContentDecodingError | DecodeError):
        cls, what = JuniperCascorProtocolError, "undecodable response body"
    else:
        cls, what = JuniperCascorClientError, "request failed"
    return cls(_scrub(f"{method} {path}: {what}: {_cause(exc)}", api_key))


def _cause(exc: TransportFailure) -> str:
    reason: object = exc.args[0] if isinstance(exc, requests.RequestException) and exc.args else exc
    if isinstance(reason, MaxRetryError) and reason.reason is not None:
        reason = reason.reason
    return _trim(str(reason)) or type(reason).__name__


def _loads(content: bytes) -> Any:
    """Parse an error body; anything that is not JSON, or nests absurdly deep, is ``None``."""
    try:
        value = json.loads(content)
    except (ValueError, RecursionError):
        return None
    return value if _depth_within(value, _MAX_DEPTH) else None


def _depth_within(value: Any, limit: int) -> bool:
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return False
        if isinstance(node, dict):
            stack.extend((child, depth + 1) for child in node.values())
        elif isinstance(node, list):
            stack.extend((child, depth + 1) for child in node)
    return True


def _render_detail(detail: Any) -> str | None:
    if detail is None:
        return None
    if isinstance(detail, str):
        return _trim(detail) or None
    if isinstance(detail, list):
        return "; ".join(_render_item(item) for item in detail) or None
    return _dumps(detail)


def _render_item(item: Any) -> str:
    if isinstance(item, str):
        return item
    if isinstance(item, dict) and isinstance(item.get("msg"), str):
        loc = item.get("loc")
        where = ".".join(_loc_part(part) for part in loc) if isinstance(loc, list) else ""
        return f"{where}: {item['msg']}" if where else str(item["msg"])
    return _dumps(item)


def _loc_part(part: Any) -> str:
    return part if isinstance(part, str) else _dumps(part)


def _dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), default=str)


def _redact_json(value: Any, scrub: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, list):
        return [_redact_json(item, scrub) for item in value]
    if isinstance(value, dict):
        return {scrub(str(k)): _redact_json(v, scrub) for k, v in value.items()}
    return value


def _scrub(text: str, api_key: ApiKey | None) -> str:
    """Mask the key, and any credentials the server echoed (Basic auth, URL userinfo)."""
    return redact_secrets(redact(text, api_key))


def _trim(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _MAX_TEXT else text[: _MAX_TEXT - 3] + "..."


def _reason_phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "error"
