"""The worker's exceptions.

::

    Exception
     └── NumpyWorkerError            base of everything this package raises on purpose
          └── WorkerRefusedError     the server refused this worker; retrying cannot help

Settings that make no sense raise ``ValueError`` when they are built, and a task that cannot
be done is answered on the wire (``success: false``), never raised.
"""

from __future__ import annotations

__all__ = ["NumpyWorkerError", "WorkerRefusedError"]


class NumpyWorkerError(Exception):
    """Base of the worker's own exceptions."""


class WorkerRefusedError(NumpyWorkerError):
    """The server refused the worker in a way the same request would meet again.

    A bad or missing API key (HTTP 401/403 before the upgrade, or close code 4001), an
    ``Origin`` header (4003), or a registration it will not take (4005-4008). The worker does
    not retry these.

    Attributes:
        status_code: The HTTP status of a handshake refused before the upgrade, else ``None``.
        close_code: The WebSocket close code of a refusal after the upgrade, else ``None``.
    """

    def __init__(
        self, message: str, *, status_code: int | None = None, close_code: int | None = None
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.close_code = close_code
