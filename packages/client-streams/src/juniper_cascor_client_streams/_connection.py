"""Opening a stream's socket: connect, read the handshake frame, retry, reconnect.

Importing it installs :mod:`~juniper_cascor_client_streams.log_redaction` on the websockets
handshake logger, so no credential reaches a log record.

This is the one module that touches ``websockets`` errors: :func:`translate_error` maps every
websockets and OS exception to the client's hierarchy (``raise ... from exc``)::

    HTTP 401/403 refusal, close 4001/4003  -> JuniperCascorAuthenticationError (never retried)
    timeout while opening                  -> JuniperCascorTimeoutError
    close frame / dropped connection       -> JuniperCascorStreamClosedError (close_code, reason)
    invalid URI                            -> JuniperCascorConfigurationError
    any other network or handshake failure -> JuniperCascorConnectionError

A connection counts as open only once the server's ``connection_established`` frame has been
read (within ``handshake_timeout``); a missing or invalid one is a
``JuniperCascorProtocolError``.

juniper-cascor 0.12 refuses a bad key, a foreign ``/ws/control`` Origin and a full server with
HTTP 403 before the upgrade: an authentication error, never retried, whose message names the
likely causes (:func:`refusal_causes`). Other servers refuse after the upgrade (close 4001/4003,
or 1013 when full).

Why reconnection has its own small loop instead of ``async for ws in websockets.connect(...)``:
the websockets iterator (with ``process_exception`` and ``reconnect_delays``) considers a
connection established as soon as the HTTP upgrade succeeded and then resets its backoff. Servers
that refuse credentials (4001/4003) and full servers (1013) *after* the upgrade, and servers that
accept and drop, would make that iterator reconnect immediately, in a tight loop, with no attempt
limit. :class:`~juniper_cascor_client_streams.reconnect.Backoff`
counts attempts until a connection has stayed up for ``reset_after`` seconds, and the
application handshake is part of each attempt here. Each attempt still uses websockets'
``connect()`` for the opening handshake. The retries of ``connect(retries=...)`` go through the
same loop, with a backoff of their own.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus, InvalidURI, WebSocketException
from websockets.protocol import State
from websockets.typing import Origin

from juniper_cascor_client_core import (
    API_KEY_ENV,
    WS_ORIGIN_ENV,
    ApiKey,
    JuniperCascorAuthenticationError,
    JuniperCascorClientError,
    JuniperCascorConfigurationError,
    JuniperCascorConnectionError,
    JuniperCascorProtocolError,
    JuniperCascorStreamClosedError,
    JuniperCascorTimeoutError,
    redact_secrets,
)
from juniper_cascor_client_core.defaults import DEFAULT_MAX_BACKOFF
from juniper_cascor_client_core.options import non_negative_int, non_negative_number
from juniper_cascor_client_streams import log_redaction
from juniper_cascor_client_streams._frames import Decoded, decode_frame, report_unrecognized
from juniper_cascor_client_streams.reconnect import Backoff, ReconnectPolicy

__all__ = [
    "AUTH_CLOSE_CODES",
    "ConnectionSettings",
    "OpenConnection",
    "close_quietly",
    "is_open",
    "open_connection",
    "open_with_retries",
    "receive",
    "refusal_causes",
    "reopen",
    "send_text",
    "translate_error",
]

logger = logging.getLogger("juniper_cascor_client_streams")
log_redaction.install()

AUTH_CLOSE_CODES = frozenset({4001, 4003})
AUTH_HTTP_STATUSES = frozenset({401, 403})
_ABNORMAL_CLOSURE = 1006
_NORMAL_CLOSURE = 1000


@dataclass(frozen=True, slots=True)
class ConnectionSettings:
    """Everything needed to open one stream's socket (the key stays wrapped, never shown).

    ``url`` is for logs and messages (credentials masked); ``connect_url`` is what is dialled.
    """

    url: str
    connect_url: str
    endpoint: str
    api_key: ApiKey | None
    origin: str | None
    open_timeout: float
    handshake_timeout: float
    close_timeout: float
    max_size: int
    ping_interval: float | None


@dataclass(frozen=True, slots=True)
class OpenConnection:
    """An open socket and its decoded ``connection_established`` frame."""

    socket: ClientConnection
    handshake: Decoded


def translate_error(exc: BaseException, *, url: str, causes: str = "") -> JuniperCascorClientError:
    """Map a websockets, OS or asyncio exception to the client's exception hierarchy.

    ``causes`` (see :func:`refusal_causes`) is appended to the message of an authentication
    refusal.
    """
    if isinstance(exc, JuniperCascorClientError):
        return exc
    suffix = f". {causes}" if causes else ""
    if isinstance(exc, InvalidStatus):
        status = exc.response.status_code
        if status in AUTH_HTTP_STATUSES:
            return JuniperCascorAuthenticationError(
                f"{url} refused the WebSocket handshake: HTTP {status}{suffix}",
                status_code=status,
            )
        return JuniperCascorConnectionError(
            f"{url} refused the WebSocket handshake: HTTP {status}", status_code=status
        )
    if isinstance(exc, ConnectionClosed):
        code, reason = close_details(exc)
        reason = redact_secrets(reason)
        if code in AUTH_CLOSE_CODES:
            return JuniperCascorAuthenticationError(
                f"{url} refused the connection: close {code} {reason}".rstrip() + suffix,
                close_code=code,
            )
        return JuniperCascorStreamClosedError(
            f"{url} closed: code {code} {reason}".rstrip(), close_code=code, close_reason=reason
        )
    if isinstance(exc, TimeoutError):
        return JuniperCascorTimeoutError(f"timed out connecting to {url}")
    if isinstance(exc, InvalidURI):
        return JuniperCascorConfigurationError(
            f"invalid WebSocket URL {url!r}: {redact_secrets(str(exc))}"
        )
    if isinstance(exc, OSError | WebSocketException | EOFError):
        return JuniperCascorConnectionError(f"cannot connect to {url}: {redact_secrets(str(exc))}")
    return JuniperCascorConnectionError(f"{url}: {type(exc).__name__}: {redact_secrets(str(exc))}")


def refusal_causes(settings: ConnectionSettings) -> str:
    """Explain what makes a server refuse this stream's handshake, and what to change.

    On ``/ws/control`` it is the Origin allowlist (juniper-cascor 0.12 admits
    ``http://localhost:8050`` and ``http://127.0.0.1:8050`` unless configured otherwise), then
    the API key; on ``/ws/training`` the API key. The message says whether a key and which
    Origin were sent, never the key itself.
    """
    key = "a key was sent" if settings.api_key is not None else "no key was sent"
    key_cause = (
        f"the API key was refused ({key}): pass api_key= or set {API_KEY_ENV} to a key the "
        "server accepts"
    )
    if settings.endpoint != "control":
        return f"Likely cause: {key_cause}. A server at its connection limit refuses the same way."
    sent = f"the Origin {settings.origin!r}" if settings.origin else "no Origin header"
    return (
        f"Likely causes: (1) the server's /ws/control Origin allowlist refused {sent}: pass "
        f"origin= or set {WS_ORIGIN_ENV} to an allowed origin (juniper-cascor allows "
        f"http://localhost:8050 by default); (2) {key_cause}. Not retried: juniper-cascor blocks "
        "an address for 5 minutes after 10 refused handshakes in 60 s"
    )


def close_details(exc: ConnectionClosed) -> tuple[int, str]:
    """Return the close code and reason of a closed connection.

    The server's close frame when it sent one; else the client's own, when the client closed
    because of the server (e.g. 1009, a frame over ``max_size``); else 1006 and "".
    """
    if exc.rcvd is not None:
        return exc.rcvd.code, exc.rcvd.reason
    if exc.sent is not None and exc.sent.code != _NORMAL_CLOSURE:
        return exc.sent.code, exc.sent.reason
    return _ABNORMAL_CLOSURE, ""


async def open_connection(settings: ConnectionSettings) -> OpenConnection:
    """Open the socket and read the ``connection_established`` frame.

    Raises:
        JuniperCascorAuthenticationError: When the key or the origin is refused.
        JuniperCascorTimeoutError: When opening or the handshake frame took too long.
        JuniperCascorProtocolError: When the first frame is not a valid handshake.
        JuniperCascorConnectionError: When the server cannot be reached or closed at once.
    """
    headers = settings.api_key.headers() if settings.api_key is not None else None
    try:
        socket = await connect(
            settings.connect_url,
            origin=Origin(settings.origin) if settings.origin else None,
            additional_headers=headers,
            open_timeout=settings.open_timeout,
            close_timeout=settings.close_timeout,
            max_size=settings.max_size,
            ping_interval=settings.ping_interval,
            ping_timeout=settings.ping_interval,
        )
    except Exception as exc:
        raise translate_error(exc, url=settings.url, causes=refusal_causes(settings)) from exc
    try:
        async with asyncio.timeout(settings.handshake_timeout):
            raw = await socket.recv()
    except TimeoutError as exc:
        await close_quietly(socket, abort=True)
        raise JuniperCascorTimeoutError(
            f"{settings.url} sent no connection_established frame in {settings.handshake_timeout} s"
        ) from exc
    except Exception as exc:
        await close_quietly(socket, abort=True)
        raise translate_error(exc, url=settings.url, causes=refusal_causes(settings)) from exc
    except asyncio.CancelledError:
        # disconnect() or the caller cancelled us: the socket is nobody's yet, so drop it.
        await close_quietly(socket, abort=True)
        raise
    handshake = decode_frame(raw)
    if not handshake.envelope.is_known:
        report_unrecognized(handshake, endpoint=settings.endpoint, logger=logger)
    if handshake.label != "connection_established" or not handshake.envelope.is_known:
        await close_quietly(socket, abort=True)
        raise JuniperCascorProtocolError(
            f"{settings.url} did not open with a connection_established frame "
            f"(got {handshake.label!r})"
        )
    return OpenConnection(socket, handshake)


async def open_with_retries(
    settings: ConnectionSettings, *, retries: int, delay: float
) -> OpenConnection:
    """Open a connection, with up to ``retries`` more attempts after a failed first one.

    The waits between attempts are the full-jitter exponential backoff of every retry of the
    clients (:mod:`juniper_cascor_client_core.backoff`): the wait before retry ``n`` (from 1) is
    drawn uniformly from ``[0, min(cap, delay * 2 ** (n - 1))]``, where ``cap`` is the larger of
    ``delay`` and ``DEFAULT_MAX_BACKOFF`` (30 s). Authentication and configuration errors are
    raised at once, never retried.

    Raises:
        JuniperCascorConfigurationError: When ``retries`` is not an int >= 0 or ``delay`` not a
            finite number >= 0 (before any attempt).
        JuniperCascorClientError: The last attempt's error (see :func:`open_connection`).
    """
    backoff = _connect_backoff(retries, delay)
    try:
        return await open_connection(settings)
    except (JuniperCascorAuthenticationError, JuniperCascorConfigurationError):
        raise
    except JuniperCascorClientError as exc:
        if backoff is None:
            raise
        logger.info("%s: connection attempt failed: %s", settings.endpoint, exc)
    return await reopen(settings, backoff)


def _connect_backoff(retries: int, delay: float) -> Backoff | None:
    """The backoff of ``connect(retries=, delay=)``, or ``None`` when it makes no retry.

    Raises:
        JuniperCascorConfigurationError: When ``retries`` or ``delay`` is out of range.
    """
    base = non_negative_number("delay", delay)
    if non_negative_int("retries", retries) == 0:
        return None
    policy = ReconnectPolicy(
        initial_delay=base, max_delay=max(base, DEFAULT_MAX_BACKOFF), max_attempts=retries
    )
    return Backoff(policy)


async def reopen(settings: ConnectionSettings, backoff: Backoff) -> OpenConnection:
    """Open the connection again (after a lost connection or a failed first attempt), waiting
    as ``backoff`` says before each attempt.

    Raises:
        JuniperCascorAuthenticationError: When the server refuses the credentials (at once).
        JuniperCascorClientError: The last attempt's error, once ``max_attempts`` is reached.
    """
    last_error: JuniperCascorClientError | None = None
    limit = backoff.policy.max_attempts or "unlimited"
    while (delay := backoff.next_delay()) is not None:
        logger.info(
            "%s: connecting again in %.2f s (retry %d of %s)",
            settings.endpoint,
            delay,
            backoff.attempts,
            limit,
        )
        await asyncio.sleep(delay)
        try:
            return await open_connection(settings)
        except (JuniperCascorAuthenticationError, JuniperCascorConfigurationError):
            raise
        except JuniperCascorClientError as exc:
            last_error = exc
            logger.info("%s: retry %d failed: %s", settings.endpoint, backoff.attempts, exc)
    raise last_error or JuniperCascorConnectionError(
        f"{settings.url}: gave up reconnecting after {backoff.attempts} attempts"
    )


async def close_quietly(socket: ClientConnection, *, abort: bool = False) -> None:
    """Close ``socket`` (or drop it at once with ``abort``); never raises a socket error."""
    if abort:
        socket.transport.abort()
        await socket.wait_closed()
        return
    try:
        await socket.close()
    except (OSError, WebSocketException) as exc:
        logger.debug("closing %s failed: %s", socket, exc)


def is_open(socket: ClientConnection | None) -> bool:
    """Whether ``socket`` is open (its real state, not a cached flag)."""
    return socket is not None and socket.state is State.OPEN


async def receive(socket: ClientConnection, *, url: str, idle_timeout: float | None) -> str | bytes:
    """Receive the next frame, undecoded (the JSON parser checks the UTF-8 itself).

    Raises:
        TimeoutError: When ``idle_timeout`` passed without a frame.
        JuniperCascorClientError: When the connection closed (translated).
    """
    try:
        if idle_timeout is None:
            return await socket.recv(decode=False)
        async with asyncio.timeout(idle_timeout):
            return await socket.recv(decode=False)
    except ConnectionClosed as exc:
        raise translate_error(exc, url=url) from exc


async def send_text(socket: ClientConnection, text: str, *, url: str) -> None:
    """Send one text frame.

    Raises:
        JuniperCascorClientError: When the connection is closed or failed (translated).
    """
    try:
        await socket.send(text)
    except (ConnectionClosed, OSError) as exc:
        raise translate_error(exc, url=url) from exc
