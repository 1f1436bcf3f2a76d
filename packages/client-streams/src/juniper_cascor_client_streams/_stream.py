"""What both streams share: the connection's life, its one reader task, liveness, reconnection.

A stream owns at most one socket and one background reader task; the reader is the only caller
of ``recv()``. It answers application ``ping`` frames with ``pong`` (they never reach the
consumer), sends every frame through envelope validation, and hands the others to the concrete
stream. When the connection is lost it records ``close_code``/``close_reason``, logs it once,
calls the ``on_disconnect`` callbacks and, only when a :class:`ReconnectPolicy` was given,
reconnects (logging and calling ``on_reconnect`` once it succeeded).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable
from types import TracebackType
from typing import Any, ClassVar, Self, TypeVar, Unpack

from juniper_cascor_client_core import (
    JuniperCascorAuthenticationError,
    JuniperCascorClientError,
    JuniperCascorStreamClosedError,
    redact_url,
    resolve_api_key,
    resolve_base_url,
    websocket_base_url,
)
from juniper_cascor_client_core.defaults import DEFAULT_CONNECT_DELAY, DEFAULT_LIVENESS_WINDOW_SEC
from juniper_cascor_client_streams._callbacks import (
    Callback,
    DisconnectCallback,
    ReconnectCallback,
    invoke_callback,
)
from juniper_cascor_client_streams._connection import (
    ConnectionSettings,
    OpenConnection,
    close_quietly,
    is_open,
    open_with_retries,
    receive,
    reopen,
    send_text,
)
from juniper_cascor_client_streams._frames import (
    PONG_TEXT,
    Decoded,
    decode_frame,
    report_unrecognized,
)
from juniper_cascor_client_streams.metrics import CONNECTIONS_LOST_METRIC, count
from juniper_cascor_client_streams.options import (
    StreamOptions,
    check_path,
    check_stream_options,
    connection_settings,
    resolve_origin,
    warn_auto_pong,
)
from juniper_cascor_client_streams.reconnect import Backoff

__all__ = ["BaseStream"]

logger = logging.getLogger("juniper_cascor_client_streams")

_NORMAL_CLOSURES = frozenset({1000, 1001})

_T = TypeVar("_T")
_OnDisconnect = TypeVar("_OnDisconnect", bound=DisconnectCallback)
_OnReconnect = TypeVar("_OnReconnect", bound=ReconnectCallback)


class BaseStream:
    """The connection machinery of a juniper-cascor WebSocket stream.

    ``base_url``, ``api_key`` and ``origin`` are attributes as well as arguments: change them
    before :meth:`connect` (or between connections) and the next connection, a reconnection
    included, uses the new values. ``api_key`` set to ``None`` sends no key (only the
    constructor reads the environment).

    Args:
        base_url: Service URL, ``ws(s)://`` or ``http(s)://`` (converted); the stream's path
            is appended. ``None`` reads ``JUNIPER_CASCOR_URL`` (at construction), else
            ``http://localhost:8200``.
        api_key: Sent as ``X-API-Key``; ``None`` reads ``JUNIPER_CASCOR_API_KEY``.
        origin: ``Origin`` header; ``None`` reads ``JUNIPER_CASCOR_WS_ORIGIN``; empty sends none.
        auto_pong: Accepted for juniper-cascor-client 0.8 code and ignored with a
            ``DeprecationWarning``: pings are always answered.
        open_timeout: Seconds allowed for TCP, TLS and the HTTP upgrade.
        handshake_timeout: Seconds allowed for the server's ``connection_established`` frame.
        close_timeout: Seconds allowed for the closing handshake.
        max_size: Largest inbound frame, in bytes (16 MiB by default).
        ping_interval: Seconds between transport-level pings (``None`` disables them).
        idle_timeout: Seconds without any frame after which the server is considered lost
            (``None``, the default, waits forever; cascor pings every 30 s).
        reconnect: Reconnect after a lost connection following this policy; ``None`` (the
            default) does not reconnect: the stream ends.
        on_disconnect: Called with the error (a ``JuniperCascorClientError``) each time an
            established connection is lost (not after :meth:`disconnect`); sync or async.
        on_reconnect: Called with the number of attempts it took (an ``int``), after each
            reconnection; sync or async.

    Raises:
        TypeError: For an unknown keyword option (the closest known one is suggested).
        JuniperCascorConfigurationError: When ``base_url``, ``api_key`` or an option is
            invalid (a timeout or interval that is not a finite positive number, a ``max_size``
            that is not a positive int, a ``reconnect`` that is not a ``ReconnectPolicy``).
    """

    path: ClassVar[str]
    endpoint: ClassVar[str]

    def __init__(
        self,
        base_url: str | None = None,
        api_key: str | None = None,
        origin: str | None = None,
        *,
        auto_pong: bool | None = None,
        **options: Unpack[StreamOptions],
    ) -> None:
        check_stream_options(type(self), options)
        if auto_pong is not None:
            # warn_auto_pong <- here <- the concrete stream's __init__ <- the caller
            warn_auto_pong(auto_pong, stacklevel=3)
        self._shown_url = ("", "")
        self.base_url = resolve_base_url(base_url)
        self._api_key = resolve_api_key(api_key)
        self.origin = resolve_origin(origin)
        self._options = options
        self._path = self.path
        self.idle_timeout = options.get("idle_timeout")
        policy = options.get("reconnect")
        self.reconnect_policy = policy
        self._backoff = Backoff(policy) if policy is not None else None
        on_disconnect, on_reconnect = options.get("on_disconnect"), options.get("on_reconnect")
        self._disconnect_callbacks: list[DisconnectCallback] = (
            [] if on_disconnect is None else [on_disconnect]
        )
        self._reconnect_callbacks: list[ReconnectCallback] = (
            [] if on_reconnect is None else [on_reconnect]
        )
        self._socket: OpenConnection | None = None
        self._reader: asyncio.Task[None] | None = None
        self._opening: asyncio.Future[OpenConnection] | None = None
        self._connect_lock = asyncio.Lock()
        self._closing = False
        self._connected_at = 0.0
        self._last_frame_monotonic: float | None = None
        self._last_frame_wall: float | None = None
        self.handshake: dict[str, Any] | None = None
        self.close_code: int | None = None
        self.close_reason: str | None = None
        self.last_error: JuniperCascorClientError | None = None
        self.pongs_sent = 0
        self.reconnects = 0
        self.connections_lost = 0
        """Established connections lost (counted as the loss is noticed, before any
        reconnection; not after :meth:`disconnect`)."""

    def __repr__(self) -> str:
        state = "connected" if self.is_connected else "disconnected"
        return f"<{type(self).__name__} {self.url} {state}>"

    # -- configuration --------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """The service URL as given (without a trailing ``/``); used at the next connection.

        Raises:
            JuniperCascorConfigurationError: When set to an invalid URL.
        """
        return self._base_url

    @base_url.setter
    def base_url(self, value: str) -> None:
        url = websocket_base_url(value)  # refuses an invalid URL now rather than at connect()
        self._base_url = value.rstrip("/")
        self._websocket_url = url

    @property
    def api_key(self) -> str | None:
        """The key sent as ``X-API-Key`` (``None``: none); used at the next connection.

        Raises:
            JuniperCascorConfigurationError: When set to a key that cannot be sent in a header.
        """
        return None if self._api_key is None else self._api_key.reveal()

    @api_key.setter
    def api_key(self, value: str | None) -> None:
        self._api_key = None if value is None else resolve_api_key(value)

    @property
    def url(self) -> str:
        """The URL this stream connects to, credentials masked (``***@``)."""
        url = self._websocket_url + self._path
        if self._shown_url[0] != url:  # read for every frame: derive it only on a change
            self._shown_url = (url, redact_url(url))
        return self._shown_url[1]

    def _connection_settings(self) -> ConnectionSettings:
        return connection_settings(
            self._base_url,
            self._api_key,
            self.origin,
            path=self._path,
            endpoint=self.endpoint,
            options=self._options,
        )

    # -- liveness -------------------------------------------------------------------------

    @property
    def is_connected(self) -> bool:
        """Whether the socket is open right now (its real state)."""
        return self._socket is not None and is_open(self._socket.socket)

    @property
    def last_frame_at(self) -> float | None:
        """Wall-clock time (``time.time()``) when the last frame of any kind arrived."""
        return self._last_frame_wall

    def is_alive(self, window_sec: float = DEFAULT_LIVENESS_WINDOW_SEC) -> bool:
        """Whether the stream is connected and heard from the server within ``window_sec``."""
        last = self._last_frame_monotonic
        return self.is_connected and last is not None and time.monotonic() - last <= window_sec

    # -- callbacks ------------------------------------------------------------------------

    def on_disconnect(self, callback: _OnDisconnect) -> _OnDisconnect:
        """Register a callback called with the error when a connection is lost.

        Returns the callback, so this works as a decorator.
        """
        self._disconnect_callbacks.append(callback)
        return callback

    def on_reconnect(self, callback: _OnReconnect) -> _OnReconnect:
        """Register a callback called with the attempt count after a reconnection.

        Returns the callback, so this works as a decorator.
        """
        self._reconnect_callbacks.append(callback)
        return callback

    # -- life cycle -----------------------------------------------------------------------

    async def connect(
        self,
        path: str | None = None,
        *,
        retries: int = 0,
        delay: float = DEFAULT_CONNECT_DELAY,
    ) -> Self:
        """Open the connection (a no-op when already connected).

        Args:
            path: Connect to this path of the server instead of the stream's own (the
                ``connect(path)`` of juniper-cascor-client 0.8); it holds for this
                connection and its reconnections.
            retries: Further attempts after a failed first one (auth refusals are never
                retried).
            delay: Ceiling of the first wait between attempts, in seconds. Each wait is drawn
                uniformly below a ceiling that doubles per retry, up to 30 s (or ``delay`` if
                larger): the full-jitter backoff of ``juniper_cascor_client_core.backoff``.

        Raises:
            JuniperCascorConfigurationError: When ``path`` does not start with ``/``, or
                ``retries`` is not an int >= 0, or ``delay`` not a finite number >= 0.
            JuniperCascorAuthenticationError: When the key or origin is refused (the message
                names the likely causes).
            JuniperCascorTimeoutError: When opening timed out.
            JuniperCascorProtocolError: When the server did not open with a handshake frame.
            JuniperCascorConnectionError: When the server could not be reached.
            JuniperCascorStreamClosedError: When :meth:`disconnect` was called meanwhile.
        """
        async with self._connect_lock:  # a concurrent connect() waits and then is a no-op
            if self._reader is not None and not self._reader.done():
                return self
            self._path = self.path if path is None else check_path(path)
            self._closing = False
            if self._backoff is not None:  # a new session: attempts from an earlier one are void
                self._backoff = Backoff(self._backoff.policy)
            self._prepare()
            settings = self._connection_settings()
            opening = asyncio.ensure_future(
                open_with_retries(settings, retries=retries, delay=delay)
            )
            self._opening = opening
            try:
                opened = await asyncio.shield(opening)
            except asyncio.CancelledError:
                if not opening.cancelled():  # our caller was cancelled, not the attempt
                    opening.cancel()
                    await asyncio.wait([opening])  # its socket is closed before we return
                    raise
                raise self._disconnected_while_connecting() from None
            except JuniperCascorClientError as exc:
                self.last_error = exc
                self.close_code = getattr(exc, "close_code", None)
                self._finish(exc)
                raise
            finally:
                self._opening = None
            if self._closing:  # disconnect() was called meanwhile, and it wins
                await close_quietly(opened.socket)
                raise self._disconnected_while_connecting()
            logger.info("%s: connected to %s", self.endpoint, self.url)
            await self._attach(opened, reconnected=False)
            self._reader = asyncio.create_task(self._run(), name=f"cascor-{self.endpoint}-reader")
            return self

    async def disconnect(self) -> None:
        """Close the connection and stop the reader task; idempotent.

        A :meth:`connect` still opening is abandoned at once: it raises
        :class:`~juniper_cascor_client_core.JuniperCascorStreamClosedError`.
        """
        self._closing = True
        if self._opening is not None:
            self._opening.cancel()
        reader, self._reader = self._reader, None
        if reader is not None and reader is not asyncio.current_task():
            reader.cancel()
            await asyncio.wait([reader])
        opened = self._socket
        if opened is not None and is_open(opened.socket):
            await close_quietly(opened.socket)
            self._record_close(opened)
            logger.info("%s: disconnected from %s", self.endpoint, self.url)
        elif opened is not None:
            await close_quietly(opened.socket)
        self._socket = None
        self._finish(None)

    def _disconnected_while_connecting(self) -> JuniperCascorStreamClosedError:
        return JuniperCascorStreamClosedError(
            f"{self.endpoint} stream was disconnected while connecting"
        )

    async def __aenter__(self) -> Self:
        return await self.connect()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.disconnect()

    # -- hooks of the concrete streams ----------------------------------------------------

    def _prepare(self) -> None:
        """Reset per-session state before a fresh :meth:`connect`."""

    async def _opened(self, handshake: Decoded, *, reconnected: bool) -> None:
        """A connection was opened (its handshake frame is ``handshake``)."""

    def _handle(self, decoded: Decoded) -> Awaitable[None] | None:
        """Handle one inbound frame other than ``ping``.

        Synchronous, so the common case costs no coroutine; return an awaitable when the
        reader must wait (e.g. for room in a queue).
        """
        return None

    def _lost(self, error: JuniperCascorClientError) -> None:
        """The connection was lost with ``error`` (called before any reconnection)."""

    def _finish(self, error: JuniperCascorClientError | None) -> None:
        """The stream ended for good: with ``error`` when reconnection gave up. Idempotent."""

    # -- internals ------------------------------------------------------------------------

    async def _send(self, text: str) -> None:
        """Send one frame on the current connection.

        Raises:
            JuniperCascorStreamClosedError: When not connected.
            JuniperCascorConnectionError: When sending failed.
        """
        opened = self._socket
        if opened is None or not is_open(opened.socket):
            raise JuniperCascorStreamClosedError(
                f"{self.endpoint} stream is not connected",
                close_code=self.close_code,
                close_reason=self.close_reason,
            )
        await send_text(opened.socket, text, url=self.url)

    async def _attach(self, opened: OpenConnection, *, reconnected: bool) -> None:
        self._socket = opened
        self._connected_at = self._last_frame_monotonic = time.monotonic()
        self._last_frame_wall = time.time()
        self.handshake = opened.handshake.frame
        await self._opened(opened.handshake, reconnected=reconnected)

    async def _run(self) -> None:
        final_error: JuniperCascorClientError | None = None
        try:
            while (error := await self._read()) is not None and not self._closing:
                self._connection_lost(error)
                await self._notify(self._disconnect_callbacks, "on_disconnect", error)
                if self._closing or self._backoff is None:
                    break
                if isinstance(error, JuniperCascorAuthenticationError):
                    final_error = error
                    break
                if (final_error := await self._reconnect(self._backoff)) is not None:
                    break
        except Exception as exc:  # a failing frame handler must end the stream visibly
            logger.exception("%s: the reader failed", self.endpoint)
            final_error = JuniperCascorClientError(f"{self.endpoint} reader failed: {exc!r}")
            if self._socket is not None:
                await close_quietly(self._socket.socket, abort=True)
        finally:
            self._finish(final_error)

    async def _reconnect(self, backoff: Backoff) -> JuniperCascorClientError | None:
        """Reconnect under the policy; return the error when giving up."""
        backoff.connection_ended(time.monotonic() - self._connected_at)
        try:
            opened = await reopen(self._connection_settings(), backoff)
        except JuniperCascorClientError as exc:
            logger.error("%s: gave up reconnecting: %s", self.endpoint, exc)
            self.last_error = exc
            return exc
        self.reconnects += 1
        logger.info("%s: reconnected after %d attempt(s)", self.endpoint, backoff.attempts)
        await self._attach(opened, reconnected=True)
        await self._notify(self._reconnect_callbacks, "on_reconnect", backoff.attempts)
        return None

    async def _read(self) -> JuniperCascorClientError | None:
        """Read frames until the connection is lost; return why (``None`` if closing)."""
        opened = self._socket
        if opened is None:
            return None
        socket = opened.socket
        try:
            while True:
                try:
                    raw = await receive(socket, url=self.url, idle_timeout=self.idle_timeout)
                except TimeoutError:
                    return await self._drop_idle(opened)
                self._last_frame_monotonic = time.monotonic()
                self._last_frame_wall = time.time()
                decoded = decode_frame(raw)
                if not decoded.envelope.is_known:
                    report_unrecognized(decoded, endpoint=self.endpoint, logger=logger)
                if decoded.envelope.type == "ping":
                    await send_text(socket, PONG_TEXT, url=self.url)
                    self.pongs_sent += 1
                    continue
                if (waiting := self._handle(decoded)) is not None:
                    await waiting
        except JuniperCascorClientError as error:
            self._record_close(opened, error)
            return error

    async def _drop_idle(self, opened: OpenConnection) -> JuniperCascorClientError:
        await close_quietly(opened.socket, abort=True)
        self._record_close(opened)
        self.close_reason = f"idle timeout: no frame for {self.idle_timeout} s"
        return JuniperCascorStreamClosedError(
            f"{self.url}: {self.close_reason}",
            close_code=self.close_code,
            close_reason=self.close_reason,
        )

    def _record_close(
        self, opened: OpenConnection, error: JuniperCascorClientError | None = None
    ) -> None:
        """Keep the close code and reason of the connection that just ended.

        The error's, when it carries them (it also knows a close the client sent because of
        the server, e.g. 1009); else the socket's.
        """
        socket = opened.socket
        if getattr(error, "close_code", None) is not None:
            self.close_code = getattr(error, "close_code", None)
            self.close_reason = getattr(error, "close_reason", None)
        elif socket.close_code is not None:
            self.close_code, self.close_reason = socket.close_code, socket.close_reason
        elif error is not None:
            self.close_code = self.close_reason = None

    def _connection_lost(self, error: JuniperCascorClientError) -> None:
        self.last_error = error
        self.connections_lost += 1
        count(CONNECTIONS_LOST_METRIC, endpoint=self.endpoint)
        normal = getattr(error, "close_code", None) in _NORMAL_CLOSURES
        logger.log(
            logging.INFO if normal else logging.WARNING,
            "%s: connection %s: %s",
            self.endpoint,
            "closed by the server" if normal else "lost",
            error,
        )
        self._lost(error)

    async def _notify(self, callbacks: list[Callback[_T]], name: str, argument: _T) -> None:
        for callback in list(callbacks):
            await invoke_callback(callback, argument, logger=logger, name=name)
