"""The default of every client option, in one place.

The clients' signatures, their option handling and :mod:`juniper_cascor_client_core.constants`
(which keeps the upstream names, e.g. ``MAX_PENDING_COMMANDS``) all read the values here, so a
default is changed once. Durations are in seconds, sizes in bytes.
"""

from __future__ import annotations

from typing import Final

__all__ = [
    "DEFAULT_BACKOFF_FACTOR",
    "DEFAULT_BACKOFF_MULTIPLIER",
    "DEFAULT_BASE_URL",
    "DEFAULT_BLOCKING_TIMEOUT",
    "DEFAULT_CLOSE_TIMEOUT",
    "DEFAULT_COMMAND_TIMEOUT",
    "DEFAULT_CONNECT_DELAY",
    "DEFAULT_DECISION_BOUNDARY_RESOLUTION",
    "DEFAULT_HANDSHAKE_TIMEOUT",
    "DEFAULT_ITER_TIMEOUT",
    "DEFAULT_LIVENESS_WINDOW_SEC",
    "DEFAULT_MAX_BACKOFF",
    "DEFAULT_MAX_COMMAND_WAIT",
    "DEFAULT_MAX_PENDING",
    "DEFAULT_MAX_RESPONSE_BYTES",
    "DEFAULT_MAX_RETRY_AFTER",
    "DEFAULT_MAX_SIZE",
    "DEFAULT_OPEN_TIMEOUT",
    "DEFAULT_PING_INTERVAL",
    "DEFAULT_POLL_INTERVAL",
    "DEFAULT_QUEUE_SIZE",
    "DEFAULT_READY_TIMEOUT",
    "DEFAULT_RECONNECT_RESET_AFTER",
    "DEFAULT_REST_POOL_MAXSIZE",
    "DEFAULT_RETRIES",
    "DEFAULT_SET_PARAMS_TIMEOUT",
    "DEFAULT_TIMEOUT",
    "DEFAULT_WAIT_TIMEOUT",
    "DEFAULT_WS_BASE_URL",
]

# -- the service -----------------------------------------------------------------------------
DEFAULT_BASE_URL: Final = "http://localhost:8200"
DEFAULT_WS_BASE_URL: Final = "ws://localhost:8200"

# -- backoff (REST retries, stream reconnections, connect retries) -----------------------------
DEFAULT_BACKOFF_FACTOR: Final = 0.5
"""Ceiling of the first backoff wait (REST ``backoff_factor``,
``ReconnectPolicy.initial_delay``)."""
DEFAULT_BACKOFF_MULTIPLIER: Final = 2.0
"""Growth of the backoff ceiling from one retry to the next."""
DEFAULT_MAX_BACKOFF: Final = 30.0
"""Largest backoff ceiling (REST ``max_backoff``, ``ReconnectPolicy.max_delay``, and the cap of
``connect(retries=...)`` unless its ``delay`` is larger)."""

# -- the REST client -----------------------------------------------------------------------------
DEFAULT_TIMEOUT: Final = 30.0
"""Connect and read timeout of one REST attempt."""
DEFAULT_RETRIES: Final = 3
DEFAULT_MAX_RETRY_AFTER: Final = 30.0
"""Longest ``Retry-After`` the REST client waits for."""
DEFAULT_REST_POOL_MAXSIZE: Final = 32
"""Keep-alive connections the REST client keeps open (``pool_maxsize``)."""
DEFAULT_MAX_RESPONSE_BYTES: Final = 64 * 1024 * 1024
"""Longest REST response body accepted, after decoding."""
DEFAULT_READY_TIMEOUT: Final = 30.0
DEFAULT_WAIT_TIMEOUT: Final = 600.0
"""Longest ``wait_for_training`` waits for a run to end."""
DEFAULT_POLL_INTERVAL: Final = 0.5
"""Seconds between two polls of ``wait_for_ready`` and ``wait_for_training``."""
DEFAULT_DECISION_BOUNDARY_RESOLUTION: Final = 50

# -- the streams ---------------------------------------------------------------------------------
DEFAULT_OPEN_TIMEOUT: Final = 10.0
"""TCP, TLS and the HTTP upgrade of one stream connection."""
DEFAULT_HANDSHAKE_TIMEOUT: Final = 10.0
"""The server's ``connection_established`` frame."""
DEFAULT_CLOSE_TIMEOUT: Final = 2.0
DEFAULT_PING_INTERVAL: Final = 20.0
DEFAULT_MAX_SIZE: Final = 16 * 2**20
"""Largest inbound frame: chunking keeps broadcasts small, but ``initial_status`` and unchunked
topology frames from older servers can be large."""
DEFAULT_CONNECT_DELAY: Final = 1.0
"""Ceiling of the first wait of ``connect(retries=...)``."""
DEFAULT_RECONNECT_RESET_AFTER: Final = 30.0
"""Uptime after which a connection resets the reconnection attempt count."""
DEFAULT_LIVENESS_WINDOW_SEC: Final = 90.0
"""``is_alive()`` window: three of the server's 30 s heartbeat intervals."""
DEFAULT_QUEUE_SIZE: Final = 1024
"""Messages the training stream holds for its consumer."""
DEFAULT_MAX_PENDING: Final = 256
"""Control commands in flight at once."""
DEFAULT_COMMAND_TIMEOUT: Final = 30.0
"""Wait for a control command's answer."""
DEFAULT_MAX_COMMAND_WAIT: Final = 60.0
"""Longest a ``queued`` answer may extend a command's wait."""
DEFAULT_ITER_TIMEOUT: Final = 60.0
"""``iter_training``: each step (connecting, each message, closing)."""
DEFAULT_BLOCKING_TIMEOUT: Final = 10.0
"""``BlockingControlStream``: connecting, closing and each command's answer."""
DEFAULT_SET_PARAMS_TIMEOUT: Final = 1.0
