"""The keyword options both streams accept, and how they become connection settings."""

from __future__ import annotations

import os
from typing import TypedDict

from juniper_cascor_client_core import (
    WS_ORIGIN_ENV,
    redact_url,
    resolve_api_key,
    websocket_base_url,
)
from juniper_cascor_client_streams._callbacks import Callback
from juniper_cascor_client_streams._connection import ConnectionSettings
from juniper_cascor_client_streams.reconnect import ReconnectPolicy

__all__ = ["DEFAULT_MAX_SIZE", "DEFAULT_WS_BASE_URL", "StreamOptions", "connection_settings"]

DEFAULT_WS_BASE_URL = "ws://localhost:8200"
DEFAULT_MAX_SIZE = 16 * 2**20
"""Largest inbound frame accepted by default: chunking keeps broadcasts small, but
``initial_status`` and unchunked topology frames from older servers can be large."""


class StreamOptions(TypedDict, total=False):
    """Keyword options shared by both streams (documented on ``BaseStream``)."""

    origin: str | None
    open_timeout: float
    handshake_timeout: float
    close_timeout: float
    max_size: int
    ping_interval: float | None
    idle_timeout: float | None
    reconnect: ReconnectPolicy | None
    on_disconnect: Callback | None
    on_reconnect: Callback | None


def connection_settings(
    base_url: str, api_key: str | None, *, path: str, endpoint: str, options: StreamOptions
) -> ConnectionSettings:
    """Resolve the URL, the key, the origin and the socket limits of one stream.

    Raises:
        JuniperCascorConfigurationError: When ``base_url`` is invalid.
    """
    origin = options.get("origin")
    if origin is None:
        origin = os.environ.get(WS_ORIGIN_ENV)
    url = websocket_base_url(base_url) + path
    return ConnectionSettings(
        url=redact_url(url),
        connect_url=url,
        endpoint=endpoint,
        api_key=resolve_api_key(api_key),
        origin=origin or None,
        open_timeout=options.get("open_timeout", 10.0),
        handshake_timeout=options.get("handshake_timeout", 10.0),
        close_timeout=options.get("close_timeout", 2.0),
        max_size=options.get("max_size", DEFAULT_MAX_SIZE),
        ping_interval=options.get("ping_interval", 20.0),
    )
