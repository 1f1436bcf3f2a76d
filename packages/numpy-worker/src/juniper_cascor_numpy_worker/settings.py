"""``WorkerSettings``: everything a worker is told, validated once, with the defaults.

The server URL may be the server's origin (``ws://host:8200``) or the full worker endpoint
(``ws://host:8200/ws/v1/workers``); ``http``/``https`` are read as ``ws``/``wss``.
"""

from __future__ import annotations

import math
import re
import socket
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

from juniper_cascor_protocol.worker import WORKER_ID_PATTERN

__all__ = [
    "DEFAULT_BACKOFF_BASE",
    "DEFAULT_BACKOFF_MAX",
    "DEFAULT_CLOSE_TIMEOUT",
    "DEFAULT_HEARTBEAT_INTERVAL",
    "DEFAULT_MAX_FRAME_BYTES",
    "DEFAULT_MAX_IN_FLIGHT_TASKS",
    "DEFAULT_OPEN_TIMEOUT",
    "DEFAULT_TASK_TIMEOUT",
    "WORKERS_PATH",
    "WorkerSettings",
    "default_name",
    "workers_url",
]

WORKERS_PATH = "/ws/v1/workers"
"""The server's worker endpoint."""
DEFAULT_HEARTBEAT_INTERVAL = 2.0
"""Seconds between heartbeats. The server hands an idle worker a queued task on a heartbeat,
so this is also the longest a queued task waits for an idle worker (the torch worker's 10 s
made every candidate round 10 s slower)."""
DEFAULT_TASK_TIMEOUT = 3600.0
"""Longest a task may train, in seconds (the torch worker's default)."""
DEFAULT_BACKOFF_BASE = 1.0
"""Upper bound of the first reconnection delay, in seconds."""
DEFAULT_BACKOFF_MAX = 60.0
"""Largest upper bound of a reconnection delay, in seconds."""
DEFAULT_OPEN_TIMEOUT = 10.0
"""Longest the opening handshake and then the registration may each take, in seconds."""
DEFAULT_CLOSE_TIMEOUT = 2.0
"""Longest the closing handshake may take, in seconds."""
DEFAULT_MAX_FRAME_BYTES = 16 * 1024 * 1024
"""Largest frame read from the server (the real server's own frame limit)."""
DEFAULT_MAX_IN_FLIGHT_TASKS = 2
"""Most tasks trained at once; a task beyond it is answered ``success: false``. The server
sends one task per idle worker, so one is in flight in practice."""

_SCHEMES = {"ws": "ws", "wss": "wss", "http": "ws", "https": "wss"}
_NOT_IN_A_NAME = re.compile(r"[^A-Za-z0-9_-]+")
_NAME_LIMIT = 64
_POSITIVE_FIELDS = (
    "heartbeat_interval",
    "task_timeout",
    "backoff_base",
    "backoff_max",
    "open_timeout",
    "close_timeout",
)


def default_name() -> str:
    """The id a worker proposes by default: ``numpy-worker-<host name>``, made valid."""
    host = _NOT_IN_A_NAME.sub("-", socket.gethostname()).strip("-")
    return f"numpy-worker-{host}"[:_NAME_LIMIT].rstrip("-_") if host else "numpy-worker"


def workers_url(server_url: str) -> str:
    """The worker endpoint URL of ``server_url``.

    Raises:
        ValueError: When the URL is not ``ws``, ``wss``, ``http`` or ``https`` with a host,
            or has a fragment.
    """
    parts = urlsplit(server_url.strip())
    scheme = _SCHEMES.get(parts.scheme.lower())
    if scheme is None or not parts.hostname:
        raise ValueError(
            f"server URL must be ws://, wss://, http:// or https:// with a host, got {server_url!r}"
        )
    if parts.fragment:
        raise ValueError(f"server URL must not have a fragment, got {server_url!r}")
    path = parts.path.rstrip("/")
    if not path.endswith(WORKERS_PATH):
        path += WORKERS_PATH
    return urlunsplit((scheme, parts.netloc, path, parts.query, ""))


def _positive(name: str, value: float) -> None:
    if not (isinstance(value, int | float) and math.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be a finite number > 0, got {value!r}")


@dataclass(frozen=True)
class WorkerSettings:
    """How a worker connects, reports and trains.

    Attributes:
        server_url: The server's origin or worker endpoint (see ``workers_url``).
        api_key: Sent as ``X-API-Key`` when not empty; never shown in the repr.
        name: The id proposed at registration (the server assigns its own
            ``worker-<12 hex>``); must match ``WORKER_ID_PATTERN``.
        heartbeat_interval: Seconds between heartbeats (the dispatch delay of an idle worker).
        task_timeout: Longest one task may train, in seconds; it is then answered
            ``success: false`` and its thread's result discarded.
        backoff_base, backoff_max: Reconnection delays (full jitter, see ``FullJitterBackoff``).
        open_timeout: Longest the opening handshake, then the registration, may take.
        close_timeout: Longest the closing handshake may take.
        max_frame_bytes: Largest frame read from the server; a larger one ends the connection.
        max_in_flight_tasks: Most tasks trained at once.
        tls_ca, tls_cert, tls_key: CA bundle and client certificate/key files for ``wss``.

    Raises:
        ValueError: When a value is out of range: a bad URL or name, a non-positive interval,
            timeout or limit, a cap below the base, or TLS files with a ``ws`` URL.
    """

    server_url: str
    api_key: str | None = field(default=None, repr=False)
    name: str = field(default_factory=default_name)
    heartbeat_interval: float = DEFAULT_HEARTBEAT_INTERVAL
    task_timeout: float = DEFAULT_TASK_TIMEOUT
    backoff_base: float = DEFAULT_BACKOFF_BASE
    backoff_max: float = DEFAULT_BACKOFF_MAX
    open_timeout: float = DEFAULT_OPEN_TIMEOUT
    close_timeout: float = DEFAULT_CLOSE_TIMEOUT
    max_frame_bytes: int = DEFAULT_MAX_FRAME_BYTES
    max_in_flight_tasks: int = DEFAULT_MAX_IN_FLIGHT_TASKS
    tls_ca: str | None = None
    tls_cert: str | None = None
    tls_key: str | None = None

    def __post_init__(self) -> None:
        url = workers_url(self.server_url)
        if not WORKER_ID_PATTERN.match(self.name):
            raise ValueError(
                f"name must match {WORKER_ID_PATTERN.pattern} (1-64 letters, digits, '_' or '-', "
                f"starting with a letter or digit), got {self.name!r}"
            )
        for name in _POSITIVE_FIELDS:
            _positive(name, getattr(self, name))
        if not self.backoff_max >= self.backoff_base:
            raise ValueError(
                f"backoff_max must be >= backoff_base ({self.backoff_base}), got {self.backoff_max}"
            )
        for name in ("max_frame_bytes", "max_in_flight_tasks"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be an integer >= 1, got {value!r}")
        if (self.tls_cert is None) != (self.tls_key is None):
            raise ValueError("tls_cert and tls_key go together: give both or neither")
        uses_tls = any(v is not None for v in (self.tls_ca, self.tls_cert, self.tls_key))
        if uses_tls and not url.startswith("wss://"):
            raise ValueError("TLS files need a wss:// (or https://) server URL")

    @property
    def url(self) -> str:
        """The worker endpoint to connect to."""
        return workers_url(self.server_url)
