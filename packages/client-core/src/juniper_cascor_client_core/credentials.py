"""API-key resolution, checking and redaction.

The key comes from the ``api_key`` argument, else from the ``JUNIPER_CASCOR_API_KEY``
environment variable; an explicit empty string means "send no key" even when the variable is
set. The resolved key is wrapped in :class:`ApiKey`, whose ``repr`` and ``str`` never show it,
so it cannot leak through a client's repr, a log line or an exception message.

A key must be printable ASCII. Anything else (a line break, a control or non-ASCII character) is
refused by :func:`check_api_key` (and so by :func:`resolve_api_key`): HTTP libraries would
otherwise reject the header with a message quoting the key, or fail with an unrelated encoding
error. The refusal names where the key came from, never the key.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping

from juniper_cascor_client_core.exceptions import JuniperCascorConfigurationError

__all__ = [
    "API_KEY_ENV",
    "API_KEY_HEADER",
    "REDACTED",
    "WS_ORIGIN_ENV",
    "ApiKey",
    "check_api_key",
    "redact",
    "redact_secrets",
    "resolve_api_key",
]

API_KEY_ENV = "JUNIPER_CASCOR_API_KEY"
WS_ORIGIN_ENV = "JUNIPER_CASCOR_WS_ORIGIN"
API_KEY_HEADER = "X-API-Key"
REDACTED = "***"

_HEADER_SAFE_KEY = re.compile(r"[\x20-\x7e]+")
_SECRET_HEADER = re.compile(
    r"\b(x-api-key|(?:proxy-)?authorization|cookie|set-cookie)(\s*[:=]\s*)[^\r\n]*",
    re.IGNORECASE,
)
_AUTH_SCHEME = re.compile(r"\b(basic|bearer)(\s+)[A-Za-z0-9+/=._~-]+", re.IGNORECASE)
_URL_USERINFO = re.compile(r"\b([A-Za-z][A-Za-z0-9+.-]*://)[^/\s@?#]*@")


class ApiKey:
    """An API key that never shows itself in ``repr()`` or ``str()``.

    Call :meth:`reveal` at the one place the key is put on the wire.
    """

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """Return the key itself, for the request header."""
        return self._value

    def headers(self) -> dict[str, str]:
        """Return the authentication header carrying this key."""
        return {API_KEY_HEADER: self._value}

    def __repr__(self) -> str:
        return f"ApiKey({REDACTED!r})"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ApiKey) and other._value == self._value

    def __hash__(self) -> int:
        return hash((ApiKey, self._value))


def check_api_key(value: str, source: str) -> ApiKey | None:
    """Check a key given as text and wrap it; surrounding whitespace is dropped.

    Args:
        value: The key as given.
        source: Where it came from, for the error message (e.g. ``"api_key argument"``).

    Returns:
        The key, or ``None`` when ``value`` is empty or only whitespace (no key to send).

    Raises:
        JuniperCascorConfigurationError: When the key holds a character other than printable
            ASCII (the message names ``source``, never the key).
    """
    text = value.strip()
    if not text:
        return None
    if not _HEADER_SAFE_KEY.fullmatch(text):
        raise JuniperCascorConfigurationError(
            f"API key from the {source} holds a character that cannot be sent in an HTTP "
            "header (only printable ASCII is allowed)"
        )
    return ApiKey(text)


def resolve_api_key(
    api_key: str | None = None, *, environ: Mapping[str, str] | None = None
) -> ApiKey | None:
    """Resolve the API key to send.

    Args:
        api_key: The key given by the caller. ``None`` falls back to the environment;
            an empty string means no key at all.
        environ: The environment to read (defaults to ``os.environ``).

    Returns:
        The key, or ``None`` when no key is to be sent.

    Raises:
        JuniperCascorConfigurationError: When the key holds a character other than printable
            ASCII (the message never shows the key).
    """
    if api_key is not None:
        return check_api_key(api_key, "api_key argument")
    value = (os.environ if environ is None else environ).get(API_KEY_ENV)
    return None if value is None else check_api_key(value, f"{API_KEY_ENV} environment variable")


def redact(text: str, key: ApiKey | None) -> str:
    """Return ``text`` with every occurrence of the key replaced by ``***``."""
    if key is None:
        return text
    return text.replace(key.reveal(), REDACTED)


def redact_secrets(text: str) -> str:
    """Return ``text`` with the credentials it may carry in well-known forms masked.

    The value after an ``X-API-Key``, ``Authorization``, ``Proxy-Authorization``, ``Cookie`` or
    ``Set-Cookie`` name (``Name: value`` or ``name=value``, to the end of the line), the token
    after ``Basic`` or ``Bearer``, and the ``user:password@`` of a URL become ``***``. Used on
    log records and on text a server sends back, which may echo what it was sent.
    """
    text = _SECRET_HEADER.sub(rf"\1\2{REDACTED}", text)
    text = _AUTH_SCHEME.sub(rf"\1\2{REDACTED}", text)
    return _URL_USERINFO.sub(rf"\1{REDACTED}@", text)
