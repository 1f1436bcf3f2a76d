"""The keyword options both streams accept, and how they become connection settings.

Their defaults are those of :mod:`juniper_cascor_client_core.defaults`; ``DEFAULT_WS_BASE_URL``
and ``DEFAULT_MAX_SIZE`` stay importable from here.
"""

from __future__ import annotations

import inspect
import os
import warnings
from collections.abc import Mapping
from typing import TypedDict

from juniper_cascor_client_core import (
    WS_ORIGIN_ENV,
    ApiKey,
    JuniperCascorConfigurationError,
    redact_url,
    websocket_base_url,
)
from juniper_cascor_client_core.defaults import (
    DEFAULT_CLOSE_TIMEOUT,
    DEFAULT_HANDSHAKE_TIMEOUT,
    DEFAULT_MAX_SIZE,
    DEFAULT_OPEN_TIMEOUT,
    DEFAULT_PING_INTERVAL,
    DEFAULT_WS_BASE_URL,
)
from juniper_cascor_client_core.options import (
    callable_or_none,
    check_keywords,
    instance_of,
    positive_int,
    positive_number,
)
from juniper_cascor_client_streams._callbacks import DisconnectCallback, ReconnectCallback
from juniper_cascor_client_streams._connection import ConnectionSettings
from juniper_cascor_client_streams.reconnect import ReconnectPolicy

__all__ = [
    "DEFAULT_MAX_SIZE",
    "DEFAULT_WS_BASE_URL",
    "StreamOptions",
    "check_path",
    "check_stream_options",
    "connection_settings",
    "resolve_origin",
    "warn_auto_pong",
]


class StreamOptions(TypedDict, total=False):
    """Keyword options shared by both streams (documented on ``BaseStream``)."""

    open_timeout: float
    handshake_timeout: float
    close_timeout: float
    max_size: int
    ping_interval: float | None
    idle_timeout: float | None
    reconnect: ReconnectPolicy | None
    on_disconnect: DisconnectCallback | None
    on_reconnect: ReconnectCallback | None


_TIMEOUTS = ("open_timeout", "handshake_timeout", "close_timeout")
_OPTIONAL_INTERVALS = ("ping_interval", "idle_timeout")
_CALLBACKS = ("on_disconnect", "on_reconnect")


def check_stream_options(owner: type, options: Mapping[str, object]) -> None:
    """Refuse an unknown keyword or an invalid value among the connection ``options``.

    ``owner`` is the stream class being built: its own keyword parameters count as known
    names when the closest one to a misspelt keyword is suggested.

    Raises:
        TypeError: For a keyword neither ``owner`` nor :class:`StreamOptions` accepts.
        JuniperCascorConfigurationError: For a value out of range or of the wrong type.
    """
    own = inspect.signature(owner).parameters
    valid = set(StreamOptions.__optional_keys__) | {
        name for name, parameter in own.items() if parameter.kind is parameter.KEYWORD_ONLY
    }
    check_keywords(f"{owner.__qualname__}.__init__", options, valid)
    for name in _TIMEOUTS:
        if name in options:
            positive_number(name, options[name])
    for name in _OPTIONAL_INTERVALS:
        positive_number(name, options.get(name), allow_none=True)
    if "max_size" in options:
        positive_int("max_size", options["max_size"])
    instance_of("reconnect", options.get("reconnect"), ReconnectPolicy, allow_none=True)
    for name in _CALLBACKS:
        callable_or_none(name, options.get(name))


def resolve_origin(origin: str | None) -> str | None:
    """The ``Origin`` to send: ``origin``, else ``JUNIPER_CASCOR_WS_ORIGIN``; empty means none."""
    if origin is None:
        origin = os.environ.get(WS_ORIGIN_ENV)
    return origin or None


def check_path(path: str) -> str:
    """Return ``path`` when it is a URL path (it starts with ``/``).

    Raises:
        JuniperCascorConfigurationError: Otherwise.
    """
    if not isinstance(path, str) or not path.startswith("/"):
        raise JuniperCascorConfigurationError(f"a stream path must start with '/': {path!r}")
    return path


def connection_settings(
    base_url: str,
    api_key: ApiKey | None,
    origin: str | None,
    *,
    path: str,
    endpoint: str,
    options: StreamOptions,
) -> ConnectionSettings:
    """Combine the URL, the key, the origin and the socket limits of one connection.

    Raises:
        JuniperCascorConfigurationError: When ``base_url`` is invalid.
    """
    url = websocket_base_url(base_url) + path
    return ConnectionSettings(
        url=redact_url(url),
        connect_url=url,
        endpoint=endpoint,
        api_key=api_key,
        origin=origin,
        open_timeout=options.get("open_timeout", DEFAULT_OPEN_TIMEOUT),
        handshake_timeout=options.get("handshake_timeout", DEFAULT_HANDSHAKE_TIMEOUT),
        close_timeout=options.get("close_timeout", DEFAULT_CLOSE_TIMEOUT),
        max_size=options.get("max_size", DEFAULT_MAX_SIZE),
        ping_interval=options.get("ping_interval", DEFAULT_PING_INTERVAL),
    )


def warn_auto_pong(auto_pong: bool, *, stacklevel: int) -> None:
    """Warn that ``auto_pong`` (a juniper-cascor-client 0.8 argument) has no effect.

    The streams always answer the server's ``ping`` frames themselves and never deliver them,
    so there is nothing to switch; ``stacklevel`` points the warning at the caller's line.
    """
    warnings.warn(
        f"auto_pong={auto_pong!r} is deprecated and ignored: the stream always answers the "
        "server's ping frames with pong and never delivers them (pongs_sent counts the "
        "answers); remove the argument",
        DeprecationWarning,
        stacklevel=stacklevel + 1,
    )
