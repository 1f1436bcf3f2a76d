"""``FakeCascorTrainingStream``: a training stream for tests, in one of two modes.

The arguments choose the mode:

- **canned messages** (the upstream 0.8 call forms, ``FakeCascorTrainingStream(messages,
  delay)``): a :class:`CannedTrainingStream` replays the given messages in memory, no socket
  involved. After :meth:`~CannedTrainingStream.connect` it yields them in order, then any
  injected with :meth:`~CannedTrainingStream.inject_message`, calling the ``on_<type>``
  callbacks with each message's ``data`` first, and waiting ``delay`` seconds before yielding
  each one. ``ping`` messages are answered (counted in ``pongs_sent``), never yielded, as the
  real stream does. The stream ends after :meth:`~CannedTrainingStream.disconnect`, or when no
  message arrived for ten times ``delay``.
- **server** (``scenario=`` or ``server=`` given): a :class:`ServerTrainingStream`, the real
  :class:`~juniper_cascor_client_streams.CascorTrainingStream` bound to an in-process fake
  server (started with ``scenario``, default ``two_spiral_training``, and stopped on
  disconnect; or the given one, left running). Its frames are the server's own.

Both are instances of ``FakeCascorTrainingStream``::

    async with FakeCascorTrainingStream([{"type": "metrics", "data": {"epoch": 1}}]) as canned:
        async for message in canned:
            ...
    async with FakeCascorTrainingStream(scenario="two_spiral_training") as live:
        async for message in live:
            ...
"""

from __future__ import annotations

import asyncio
import copy
import logging
import time
from collections.abc import AsyncIterator
from typing import Any, TypeVar, overload

from juniper_cascor_client.testing._binding import ServerBinding
from juniper_cascor_client.testing.constants import (
    FAKE_WS_BASE_URL,
    FAKE_WS_DEFAULT_DELAY_SECONDS,
    SCENARIO_TWO_SPIRAL_TRAINING,
)
from juniper_cascor_client_core.constants import (
    DEFAULT_LIVENESS_WINDOW_SEC,
    WS_MSG_TYPE_COMMAND_OUT,
    WS_MSG_TYPE_PING,
    WS_TRAINING_PATH,
)
from juniper_cascor_client_core.exceptions import JuniperCascorClientError
from juniper_cascor_client_streams import CascorTrainingStream
from juniper_cascor_client_streams._callbacks import DataCallback, invoke_callback
from juniper_cascor_client_streams.options import warn_auto_pong
from juniper_cascor_fake_server import FakeCascorServer

__all__ = ["CannedTrainingStream", "FakeCascorTrainingStream", "ServerTrainingStream"]

logger = logging.getLogger(__name__)

Message = dict[str, Any]
_OnData = TypeVar("_OnData", bound=DataCallback)
_IDLE_DELAYS = 10
"""The canned stream ends after this many ``delay`` periods without a message."""


class FakeCascorTrainingStream:
    """A training stream for tests: canned messages, or the real stream on a fake server.

    ``FakeCascorTrainingStream(...)`` builds a :class:`CannedTrainingStream` unless
    ``scenario`` or ``server`` is given, then a :class:`ServerTrainingStream` (module doc).
    """

    @overload
    def __new__(
        cls,
        messages: list[Message] | None = None,
        delay: float = FAKE_WS_DEFAULT_DELAY_SECONDS,
        base_url: str = FAKE_WS_BASE_URL,
        api_key: str | None = None,
        *,
        auto_pong: bool | None = None,
    ) -> CannedTrainingStream: ...

    @overload
    def __new__(
        cls,
        *,
        scenario: str,
        api_key: str | None = None,
        stream_options: dict[str, Any] | None = None,
        **server_options: Any,
    ) -> ServerTrainingStream: ...

    @overload
    def __new__(
        cls,
        *,
        server: FakeCascorServer,
        api_key: str | None = None,
        stream_options: dict[str, Any] | None = None,
    ) -> ServerTrainingStream: ...

    def __new__(cls, *args: Any, **kwargs: Any) -> FakeCascorTrainingStream:
        if cls is FakeCascorTrainingStream:
            served = kwargs.get("scenario") is not None or kwargs.get("server") is not None
            cls = ServerTrainingStream if served else CannedTrainingStream
        instance: FakeCascorTrainingStream = super().__new__(cls)
        return instance


class CannedTrainingStream(FakeCascorTrainingStream):
    """Replays canned training-stream messages in memory (the upstream 0.8 fake's behaviour).

    Args:
        messages: Messages (``{"type": ..., "data": ...}``) yielded after connecting, in order;
            they are copied.
        delay: Seconds waited before yielding each message; the stream ends after ten times
            this long without a message.
        base_url: Kept as :attr:`base_url`; nothing connects to it.
        api_key: Kept as :attr:`api_key`.
        auto_pong: Ignored, with a ``DeprecationWarning``, as the real stream does (pings are
            always answered).
    """

    def __init__(
        self,
        messages: list[Message] | None = None,
        delay: float = FAKE_WS_DEFAULT_DELAY_SECONDS,
        base_url: str = FAKE_WS_BASE_URL,
        api_key: str | None = None,
        *,
        auto_pong: bool | None = None,
    ) -> None:
        if auto_pong is not None:
            warn_auto_pong(auto_pong, stacklevel=2)
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.delay = delay
        self._waiting: list[Message] = copy.deepcopy(messages or [])
        self._queue: asyncio.Queue[Message | None] = asyncio.Queue()
        self._connected = False
        self._callbacks: dict[str, list[DataCallback]] = {}
        self._sent_commands: list[Message] = []
        self._last_frame_monotonic: float | None = None
        self._last_frame_wall: float | None = None
        self._pongs_sent = 0

    # -- connection ------------------------------------------------------------------------------
    async def connect(self, path: str = WS_TRAINING_PATH) -> None:
        """Open the (pretend) connection; the waiting messages become available.

        Args:
            path: Accepted as the real stream's; the messages are the same for any path.
        """
        self._connected = True
        self._mark_frame()
        waiting, self._waiting = self._waiting, []
        for message in waiting:
            self._queue.put_nowait(message)

    async def disconnect(self) -> None:
        """Close the connection; the stream ends after the messages already yielded."""
        if self._connected:
            self._connected = False
            self._queue.put_nowait(None)

    async def __aenter__(self) -> CannedTrainingStream:
        await self.connect()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.disconnect()

    # -- consuming -------------------------------------------------------------------------------
    def __aiter__(self) -> AsyncIterator[Message]:
        return self.stream()

    async def stream(self) -> AsyncIterator[Message]:
        """Yield the messages as described in the module doc.

        Raises:
            JuniperCascorClientError: When not connected.
        """
        if not self._connected:
            raise JuniperCascorClientError("Not connected. Call connect() first.")
        while self._connected:
            message = await self._next(self.delay * _IDLE_DELAYS)
            if message is None:
                return
            self._mark_frame()
            if message.get("type") == WS_MSG_TYPE_PING:
                self._pongs_sent += 1
                continue
            await self._dispatch(message)
            if self.delay > 0:
                await asyncio.sleep(self.delay)
            yield message

    async def _next(self, idle: float) -> Message | None:
        """The next message, or ``None`` at the end or after ``idle`` seconds without one."""
        try:
            return self._queue.get_nowait()
        except asyncio.QueueEmpty:
            pass
        try:
            return await asyncio.wait_for(self._queue.get(), idle)
        except TimeoutError:
            return None

    async def listen(self) -> None:
        """Consume every message, running the callbacks, until the stream ends.

        Raises:
            JuniperCascorClientError: When not connected.
        """
        async for _message in self.stream():
            pass

    async def send_command(self, command: str, params: dict[str, Any] | None = None) -> None:
        """Record a ``command`` frame as the real stream would send it (see
        :attr:`sent_commands`).

        Raises:
            JuniperCascorClientError: When not connected.
        """
        if not self._connected:
            raise JuniperCascorClientError("Not connected. Call connect() first.")
        frame: Message = {"type": WS_MSG_TYPE_COMMAND_OUT, "command": command}
        if params:
            frame["params"] = params
        self._sent_commands.append(frame)

    @property
    def sent_commands(self) -> list[Message]:
        """The ``command`` frames sent so far, oldest first."""
        return list(self._sent_commands)

    # -- callbacks (each returns the callback, so it works as a decorator) ------------------------
    def on_metrics(self, callback: _OnData) -> _OnData:
        """Register a ``metrics`` callback (called with the message's ``data``)."""
        return self._register("metrics", callback)

    def on_state(self, callback: _OnData) -> _OnData:
        """Register a ``state`` callback."""
        return self._register("state", callback)

    def on_topology(self, callback: _OnData) -> _OnData:
        """Register a ``topology`` callback."""
        return self._register("topology", callback)

    def on_cascade_add(self, callback: _OnData) -> _OnData:
        """Register a ``cascade_add`` callback."""
        return self._register("cascade_add", callback)

    def on_event(self, callback: _OnData) -> _OnData:
        """Register an ``event`` callback."""
        return self._register("event", callback)

    def on_candidate_progress(self, callback: _OnData) -> _OnData:
        """Register a ``candidate_progress`` callback."""
        return self._register("candidate_progress", callback)

    def _register(self, message_type: str, callback: _OnData) -> _OnData:
        self._callbacks.setdefault(message_type, []).append(callback)
        return callback

    async def _dispatch(self, message: Message) -> None:
        kind = str(message.get("type", ""))
        for callback in list(self._callbacks.get(kind, ())):
            await invoke_callback(callback, message.get("data", {}), logger=logger, name=kind)

    # -- test helper -----------------------------------------------------------------------------
    def inject_message(self, message: Message) -> None:
        """Add a (copied) message after the others: yielded at once when connected, else after
        the next :meth:`connect`."""
        copied = copy.deepcopy(message)
        if self._connected:
            self._queue.put_nowait(copied)
        else:
            self._waiting.append(copied)

    # -- liveness --------------------------------------------------------------------------------
    @property
    def is_connected(self) -> bool:
        """Whether :meth:`connect` was called and :meth:`disconnect` not since."""
        return self._connected

    @property
    def last_frame_at(self) -> float | None:
        """Wall-clock time of the last message (or of connecting)."""
        return self._last_frame_wall

    @property
    def pongs_sent(self) -> int:
        """How many ``ping`` messages were answered."""
        return self._pongs_sent

    def is_alive(self, window_sec: float = DEFAULT_LIVENESS_WINDOW_SEC) -> bool:
        """Whether connected with a message (or the connection) within ``window_sec``."""
        last = self._last_frame_monotonic
        return self._connected and last is not None and time.monotonic() - last <= window_sec

    def _mark_frame(self) -> None:
        self._last_frame_monotonic = time.monotonic()
        self._last_frame_wall = time.time()


class ServerTrainingStream(ServerBinding, CascorTrainingStream, FakeCascorTrainingStream):
    """The real training stream, bound to an in-process fake server.

    Args:
        messages, delay: Canned-mode arguments; refused here (``TypeError``).
        base_url: Accepted for upstream signatures; the stream connects to its server.
        api_key: The key the stream sends; a server started for it accepts exactly this key
            (unless ``api_keys`` is among ``server_options``). Without it the stream sends the
            server's first key, or none.
        scenario: The started server's preloaded state (default ``two_spiral_training``, so
            frames keep coming; ignored with ``server``).
        server: Attach to this running server instead of starting one (it is not stopped).
        stream_options: Keywords for :class:`CascorTrainingStream` (``typed``, ``reconnect``...).
        auto_pong: Passed on to :class:`CascorTrainingStream` (which ignores it, warning).
        **server_options: ``FakeCascorServer`` options.

    Raises:
        TypeError: For canned-mode arguments, or ``server`` together with ``server_options``.
        ValueError: For an unknown scenario.
    """

    def __init__(
        self,
        messages: list[Message] | None = None,
        delay: float = FAKE_WS_DEFAULT_DELAY_SECONDS,
        base_url: str = FAKE_WS_BASE_URL,
        api_key: str | None = None,
        *,
        scenario: str | None = None,
        server: FakeCascorServer | None = None,
        stream_options: dict[str, Any] | None = None,
        auto_pong: bool | None = None,
        **server_options: Any,
    ) -> None:
        if messages is not None or delay != FAKE_WS_DEFAULT_DELAY_SECONDS:
            raise TypeError("messages and delay are for canned messages, not for a server")
        preload = scenario or SCENARIO_TWO_SPIRAL_TRAINING
        key = self._bind(server, preload, server_options, api_key)
        options = dict(stream_options or {})
        if auto_pong is not None:
            options["auto_pong"] = auto_pong
        try:
            super().__init__(self.server.ws_url, key, **options)
        except BaseException:
            self._stop_owned_server()
            raise

    def inject_message(self, message: Message) -> None:
        """Broadcast ``message`` through the server (to every connected training stream, with a
        ``seq``; dropped while none is connected).

        Raises:
            ValueError: For a type the server does not broadcast (``state``, ``metrics``,
                ``topology``, ``cascade_add`` and ``event`` are).
        """
        self.server.faults.broadcast(str(message.get("type")), message.get("data", {}))

    async def disconnect(self) -> None:
        """Disconnect, then stop the server if this stream started it; idempotent."""
        await super().disconnect()
        await asyncio.to_thread(self._stop_owned_server)
