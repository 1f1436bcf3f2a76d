"""Opening the worker socket, and telling a refusal from a failure worth retrying.

The handshake sends no ``Origin`` (the server closes a worker that sends one with 4003) and
``X-API-Key`` only when a key is set. The real server refuses a bad key with HTTP 403 before
the upgrade; a refusal after the upgrade is a close code. ``refusal`` names the answers the
same request would get again, which the connect loop never retries.
"""

from __future__ import annotations

import ssl

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import InvalidStatus
from websockets.version import version as websockets_version

from juniper_cascor_numpy_worker._version import __version__
from juniper_cascor_numpy_worker.errors import WorkerRefusedError
from juniper_cascor_numpy_worker.host import DISTRIBUTION
from juniper_cascor_numpy_worker.settings import WorkerSettings

__all__ = ["API_KEY_HEADER", "REFUSAL_CLOSE_CODES", "open_connection", "refusal", "ssl_context"]

API_KEY_HEADER = "X-API-Key"
REFUSAL_CLOSE_CODES: dict[int, str] = {
    4001: "the server refused the API key",
    4003: "the server refused the Origin header",
    4005: "the server refused the registration as too large",
    4006: "the server could not read the registration",
    4007: "the server expected a registration first",
    4008: "the server refused the registration",
}
"""Close codes after which reconnecting would meet the same answer."""
_REFUSAL_STATUSES = {401: "the server refused the API key", 403: "the server refused the worker"}
_USER_AGENT = f"{DISTRIBUTION}/{__version__} websockets/{websockets_version}"


def ssl_context(settings: WorkerSettings) -> ssl.SSLContext | None:
    """The TLS context of a ``wss`` URL (with the CA and client files given), else ``None``.

    Raises:
        OSError: When a TLS file cannot be read.
        ssl.SSLError: When a TLS file does not hold what it should.
    """
    if not settings.url.startswith("wss://"):
        return None
    context = ssl.create_default_context(cafile=settings.tls_ca)
    if settings.tls_cert is not None:
        context.load_cert_chain(settings.tls_cert, settings.tls_key)
    return context


async def open_connection(settings: WorkerSettings, tls: ssl.SSLContext | None) -> ClientConnection:
    """Open the worker socket (handshake only; registration is the session's).

    Args:
        settings: Where and how to connect.
        tls: The ``ssl_context`` of ``settings``.

    Raises:
        WorkerRefusedError: When the server answers the handshake HTTP 401 or 403.
        OSError: When the server cannot be reached.
        TimeoutError: When the handshake takes longer than ``open_timeout``.
        websockets.exceptions.InvalidHandshake: When the server answers anything else that is
            not an upgrade (another HTTP status, a malformed response).
    """
    headers = {API_KEY_HEADER: settings.api_key} if settings.api_key else {}
    try:
        return await connect(
            settings.url,
            origin=None,
            additional_headers=headers,
            user_agent_header=_USER_AGENT,
            proxy=None,
            ssl=tls,
            open_timeout=settings.open_timeout,
            close_timeout=settings.close_timeout,
            max_size=settings.max_frame_bytes,
        )
    except InvalidStatus as exc:
        status = exc.response.status_code
        if status in _REFUSAL_STATUSES:
            raise WorkerRefusedError(
                f"{_REFUSAL_STATUSES[status]} (HTTP {status} before the upgrade)",
                status_code=status,
            ) from exc
        raise


def refusal(close_code: int | None, reason: str = "") -> WorkerRefusedError | None:
    """The refusal a close code means, or ``None`` when reconnecting may help."""
    if close_code not in REFUSAL_CLOSE_CODES:
        return None
    detail = f": {reason}" if reason else ""
    return WorkerRefusedError(
        f"{REFUSAL_CLOSE_CODES[close_code]} (close code {close_code}{detail})",
        close_code=close_code,
    )
