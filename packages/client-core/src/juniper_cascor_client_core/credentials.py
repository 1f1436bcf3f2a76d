"""API-key resolution and redaction.

The key comes from the ``api_key`` argument, else from the ``JUNIPER_CASCOR_API_KEY``
environment variable; an explicit empty string means "send no key" even when the variable is
set. The resolved key is wrapped in :class:`ApiKey`, whose ``repr`` and ``str`` never show it,
so it cannot leak through a client's repr, a log line or an exception message.

A key must be printable ASCII. Anything else (a line break, a control or non-ASCII character) is
refused at resolution: HTTP libraries would otherwise reject the header with a message quoting
the key, or fail with an unrelated encoding error.
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
    "redact",
    "resolve_api_key",
]

API_KEY_ENV = "JUNIPER_CASCOR_API_KEY"
WS_ORIGIN_ENV = "JUNIPER_CASCOR_WS_ORIGIN"
API_KEY_HEADER = "X-API-Key"
REDACTED = "***"

_HEADER_SAFE_KEY = re.compile(r"[\x20-\x7e]+")


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
    source = "api_key argument" if api_key is not None else API_KEY_ENV
    if api_key is None:
        api_key = (os.environ if environ is None else environ).get(API_KEY_ENV)
    api_key = (api_key or "").strip()
    if not api_key:
        return None
    if not _HEADER_SAFE_KEY.fullmatch(api_key):
        raise JuniperCascorConfigurationError(
            f"API key from the {source} holds a character that cannot be sent in an HTTP "
            "header (only printable ASCII is allowed)"
        )
    return ApiKey(api_key)


def redact(text: str, key: ApiKey | None) -> str:
    """Return ``text`` with every occurrence of the key replaced by ``***``."""
    if key is None:
        return text
    return text.replace(key.reveal(), REDACTED)
