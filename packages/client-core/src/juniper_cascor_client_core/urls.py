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

Nothing is rewritten silently: whitespace or a control character inside the URL, a port
outside 1..65535, an empty ``?`` or ``#`` and text after a bracketed IPv6 host are errors,
where ``urllib`` would drop them or ``requests`` would fall back to the default port.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from urllib.parse import SplitResult, urlsplit, urlunsplit

from juniper_cascor_client_core.defaults import DEFAULT_BASE_URL
from juniper_cascor_client_core.exceptions import JuniperCascorConfigurationError

__all__ = [
    "DEFAULT_BASE_URL",
    "HTTP_SCHEMES",
    "URL_ENV",
    "WEBSOCKET_SCHEMES",
    "http_base_url",
    "normalize_base_url",
    "redact_url",
    "resolve_base_url",
    "websocket_base_url",
]

URL_ENV = "JUNIPER_CASCOR_URL"
"""The environment variable read for the service URL when none is given."""

HTTP_SCHEMES = ("http", "https")
WEBSOCKET_SCHEMES = ("ws", "wss")

_HAS_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_AUTHORITY = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]*://)?([^/?#]*)")
_TO_WEBSOCKET = {"http": "ws", "https": "wss", "ws": "ws", "wss": "wss"}
_TO_HTTP = {"ws": "http", "wss": "https", "http": "http", "https": "https"}
_MAX_PORT = 65535


def resolve_base_url(url: str | None, *, environ: Mapping[str, str] | None = None) -> str:
    """The service URL to use: ``url`` when given, else ``JUNIPER_CASCOR_URL``, else
    ``http://localhost:8200``. Returned as given (callers normalise it for their scheme).

    Args:
        url: The URL the caller gave, or ``None``.
        environ: The environment to read (defaults to ``os.environ``).
    """
    if url is not None:
        return url
    found = (os.environ if environ is None else environ).get(URL_ENV, "").strip()
    return found or DEFAULT_BASE_URL


def normalize_base_url(url: str, *, schemes: tuple[str, ...] = HTTP_SCHEMES) -> str:
    """Return the canonical form of a service base URL.

    Normalising the result again returns it unchanged.

    Args:
        url: What the user gave, e.g. ``"localhost:8200"`` or ``"https://cascor.example/v1/"``.
        schemes: The schemes accepted after normalisation.

    Returns:
        ``scheme://host[:port][/path]`` with no trailing ``/`` or ``/v1``.

    Raises:
        JuniperCascorConfigurationError: When ``url`` is not a string, has no host, has a
            scheme outside ``schemes``, whitespace or a control character inside it, a port
            that is empty, not a number or outside 1..65535, a query or fragment (even an
            empty one), or a path ending in ``/v1`` twice. The message shows the URL with its
            credentials redacted.
    """
    parts = _split(url)
    if parts.scheme not in schemes:
        raise _invalid(url, f"scheme {parts.scheme!r} is not one of {', '.join(schemes)}")
    path = parts.path.rstrip("/")
    if path.endswith("/v1"):
        path = path[: -len("/v1")].rstrip("/")
        if path.endswith("/v1"):
            raise _invalid(url, "path ends in /v1 twice; give the base URL without /v1")
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def redact_url(url: str) -> str:
    """Return ``url`` fit for display: ``user:password@`` becomes ``***@``.

    Credentials in a base URL are kept for the requests themselves, but reprs, printed output
    and error messages show this form. Works on any string, valid URL or not; the rest of the
    text is kept as given.
    """
    match = _AUTHORITY.match(url)
    start, end = match.span(1) if match else (0, 0)
    credentials, at, _ = url[start:end].rpartition("@")
    if not at:
        return url
    return f"{url[:start]}***@{url[start + len(credentials) + 1 :]}"


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


def _invalid(url: str, problem: str) -> JuniperCascorConfigurationError:
    """Build the error for ``url``: ``problem``, then the URL with credentials redacted."""
    return JuniperCascorConfigurationError(f"base URL {problem}: {redact_url(url)!r}")


def _split(url: object) -> SplitResult:
    if not isinstance(url, str):
        raise JuniperCascorConfigurationError(
            f"base URL must be a string, not {type(url).__name__}"
        )
    text = url.strip()
    if not text:
        raise JuniperCascorConfigurationError("base URL is empty")
    _check_characters(url, text)
    if "?" in text or "#" in text:
        raise _invalid(url, "must not have a query or fragment")
    if not _HAS_SCHEME.match(text):
        text = "http://" + text
    try:
        parts = urlsplit(text)
    except ValueError as exc:
        raise _invalid(url, f"is invalid ({exc})") from exc
    _check_port(url, parts.netloc)
    if not parts.hostname:
        raise _invalid(url, "has no host")
    return parts._replace(scheme=parts.scheme.lower())


def _check_characters(url: str, text: str) -> None:
    """Refuse whitespace and unprintable characters, which ``urllib`` drops or keeps blindly.

    Raises:
        JuniperCascorConfigurationError: Naming the first such character.
    """
    for index, char in enumerate(text):
        if char.isspace() or not char.isprintable():
            kind = "whitespace" if char.isspace() else "a control character"
            raise _invalid(url, f"contains {kind} ({char!r} at position {index})")


def _check_port(url: str, netloc: str) -> None:
    """Refuse a port that is empty, not decimal digits, or outside 1..65535.

    Raises:
        JuniperCascorConfigurationError: Naming the port.
    """
    host_port = netloc.rpartition("@")[2]
    if host_port.startswith("["):
        after = host_port.partition("]")[2]
        if after and not after.startswith(":"):
            raise _invalid(url, f"has {after!r} after the IPv6 host")
        port, has_port = after[1:], bool(after)
    else:
        _, colon, port = host_port.rpartition(":")
        has_port = bool(colon)
    if not has_port:
        return
    if not port:
        raise _invalid(url, "has an invalid port: it is empty")
    if not (port.isascii() and port.isdigit()):
        raise _invalid(url, f"has an invalid port {port!r}: not a number")
    if not 1 <= int(port) <= _MAX_PORT:
        raise _invalid(url, f"has an invalid port {port}: outside 1..{_MAX_PORT}")
