"""Base-URL normalisation and WebSocket URL derivation.

The rules are the wire contract's: surrounding whitespace is stripped, ``http://`` is assumed
when no scheme is given, the scheme is lower-cased, a URL without a host is a configuration
error, and a trailing ``/`` and a trailing ``/v1`` are dropped::

    >>> normalize_base_url("example.com:9000")
    'http://example.com:9000'
    >>> normalize_base_url("HTTPS://h:9000/v1/")
    'https://h:9000'
    >>> websocket_base_url("https://h:9000")
    'wss://h:9000'
"""

from __future__ import annotations

import re
from urllib.parse import SplitResult, urlsplit, urlunsplit

from juniper_cascor_client_core.exceptions import JuniperCascorConfigurationError

__all__ = [
    "DEFAULT_BASE_URL",
    "HTTP_SCHEMES",
    "WEBSOCKET_SCHEMES",
    "http_base_url",
    "normalize_base_url",
    "redact_url",
    "websocket_base_url",
]

from juniper_cascor_client_core.constants import DEFAULT_BASE_URL

HTTP_SCHEMES = ("http", "https")
WEBSOCKET_SCHEMES = ("ws", "wss")

_HAS_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_TO_WEBSOCKET = {"http": "ws", "https": "wss", "ws": "ws", "wss": "wss"}
_TO_HTTP = {"ws": "http", "wss": "https", "http": "http", "https": "https"}


def normalize_base_url(url: str, *, schemes: tuple[str, ...] = HTTP_SCHEMES) -> str:
    """Return the canonical form of a service base URL.

    Args:
        url: What the user gave, e.g. ``"localhost:8200"`` or ``"https://cascor.example/v1/"``.
        schemes: The schemes accepted after normalisation.

    Returns:
        ``scheme://host[:port][/path]`` with no trailing ``/`` or ``/v1``.

    Raises:
        JuniperCascorConfigurationError: When ``url`` is not a string, has no host, has a
            scheme outside ``schemes``, an invalid port, or a query or fragment.
    """
    parts = _split(url)
    if parts.scheme not in schemes:
        raise JuniperCascorConfigurationError(
            f"base URL scheme {parts.scheme!r} is not one of {', '.join(schemes)}: {url!r}"
        )
    path = parts.path.rstrip("/")
    if path.endswith("/v1"):
        path = path[: -len("/v1")].rstrip("/")
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def redact_url(url: str) -> str:
    """Return a normalised ``url`` fit for display: ``user:password@`` becomes ``***@``.

    Credentials in a base URL are kept for the requests themselves, but reprs and printed
    output show this form.
    """
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"***@{host}"))


def websocket_base_url(url: str) -> str:
    """Derive the WebSocket base URL (``http`` -> ``ws``, ``https`` -> ``wss``).

    A ``ws://`` or ``wss://`` URL is normalised and kept.

    Raises:
        JuniperCascorConfigurationError: As :func:`normalize_base_url`.
    """
    return _convert(url, _TO_WEBSOCKET)


def http_base_url(url: str) -> str:
    """Derive the HTTP base URL (``ws`` -> ``http``, ``wss`` -> ``https``).

    Raises:
        JuniperCascorConfigurationError: As :func:`normalize_base_url`.
    """
    return _convert(url, _TO_HTTP)


def _convert(url: str, mapping: dict[str, str]) -> str:
    normalized = normalize_base_url(url, schemes=HTTP_SCHEMES + WEBSOCKET_SCHEMES)
    scheme, rest = normalized.split("://", 1)
    return f"{mapping[scheme]}://{rest}"


def _split(url: object) -> SplitResult:
    if not isinstance(url, str):
        raise JuniperCascorConfigurationError(
            f"base URL must be a string, not {type(url).__name__}"
        )
    text = url.strip()
    if not text:
        raise JuniperCascorConfigurationError("base URL is empty")
    if not _HAS_SCHEME.match(text):
        text = "http://" + text
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - validates the port, raising ValueError when it is invalid
    except ValueError as exc:
        raise JuniperCascorConfigurationError(f"base URL is invalid: {url!r} ({exc})") from exc
    if not parts.hostname:
        raise JuniperCascorConfigurationError(f"base URL has no host: {url!r}")
    if parts.query or parts.fragment:
        raise JuniperCascorConfigurationError(
            f"base URL must not have a query or fragment: {url!r}"
        )
    return parts._replace(scheme=parts.scheme.lower())
