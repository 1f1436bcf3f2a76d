"""Blocking front ends of the streams, for scripts and notebooks.

Each runs the async stream on a private event-loop thread
(:mod:`juniper_cascor_client_streams._loop_thread`), so it works whether or not the caller
has a running loop of its own. Every blocking call takes a timeout and raises
``JuniperCascorTimeoutError`` when it passes. Calling them from that private loop's thread
(e.g. from an ``on_disconnect`` callback) raises ``RuntimeError`` instead of deadlocking.

::

    for message in iter_training("ws://localhost:8200", timeout=60):
        print(message["type"])

    with BlockingControlStream("ws://localhost:8200") as control:
        control.start(epochs=100)
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine, Iterator
from types import TracebackType
from typing import Any, Literal, Self, Unpack, overload

from juniper_cascor_client_core import JuniperCascorClientError
from juniper_cascor_client_core.defaults import (
    DEFAULT_BLOCKING_TIMEOUT,
    DEFAULT_ITER_TIMEOUT,
    DEFAULT_QUEUE_SIZE,
    DEFAULT_SET_PARAMS_TIMEOUT,
)
from juniper_cascor_client_streams._loop_thread import LoopThread
from juniper_cascor_client_streams.control import CascorControlStream
from juniper_cascor_client_streams.options import StreamOptions
from juniper_cascor_client_streams.queueing import QueuePolicy
from juniper_cascor_client_streams.responses import CommandResponseDict
from juniper_cascor_client_streams.training import (
    CascorTrainingStream,
    Message,
    MessageIterator,
    MessageT,
)
from juniper_cascor_protocol.envelope import BaseEnvelope

__all__ = ["BlockingControlStream", "iter_training"]

logger = logging.getLogger("juniper_cascor_client_streams")


async def _next_or_none(iterator: MessageIterator[MessageT]) -> MessageT | None:
    """The next message, or ``None`` at the end (no message is ``None``)."""
    try:
        return await iterator.__anext__()
    except StopAsyncIteration:
        return None


@overload
def iter_training(
    base_url: str | None = None,
    api_key: str | None = None,
    origin: str | None = None,
    *,
    timeout: float = DEFAULT_ITER_TIMEOUT,
    typed: Literal[False] = False,
    queue_size: int = DEFAULT_QUEUE_SIZE,
    queue_policy: QueuePolicy = "block",
    **options: Unpack[StreamOptions],
) -> Iterator[dict[str, Any]]: ...


@overload
def iter_training(
    base_url: str | None = None,
    api_key: str | None = None,
    origin: str | None = None,
    *,
    timeout: float = DEFAULT_ITER_TIMEOUT,
    typed: Literal[True],
    queue_size: int = DEFAULT_QUEUE_SIZE,
    queue_policy: QueuePolicy = "block",
    **options: Unpack[StreamOptions],
) -> Iterator[BaseEnvelope]: ...


@overload
def iter_training(
    base_url: str | None = None,
    api_key: str | None = None,
    origin: str | None = None,
    *,
    timeout: float = DEFAULT_ITER_TIMEOUT,
    typed: bool,
    queue_size: int = DEFAULT_QUEUE_SIZE,
    queue_policy: QueuePolicy = "block",
    **options: Unpack[StreamOptions],
) -> Iterator[Message]: ...


def iter_training(
    base_url: str | None = None,
    api_key: str | None = None,
    origin: str | None = None,
    *,
    timeout: float = DEFAULT_ITER_TIMEOUT,
    typed: bool = False,
    queue_size: int = DEFAULT_QUEUE_SIZE,
    queue_policy: QueuePolicy = "block",
    **options: Unpack[StreamOptions],
) -> Iterator[Message]:
    """Iterate over ``/ws/training`` messages from blocking code.

    The connection opens at the first ``next()`` and closes when the iteration ends or the
    generator is closed (``break`` out of a ``for`` loop closes it).

    Args:
        base_url: Service URL; ``None`` reads ``JUNIPER_CASCOR_URL``, else
            ``http://localhost:8200`` (as ``ws://``).
        api_key: Sent as ``X-API-Key``; ``None`` reads ``JUNIPER_CASCOR_API_KEY``.
        origin: ``Origin`` header; ``None`` reads ``JUNIPER_CASCOR_WS_ORIGIN``.
        timeout: Seconds each step (connecting, each message, closing) may wait.
        typed, queue_size, queue_policy, **options: As :class:`CascorTrainingStream`.

    Yields:
        The messages, as :class:`CascorTrainingStream` delivers them: ``dict[str, Any]``, or
        ``BaseEnvelope`` with ``typed=True`` (the overloads tell a type checker which).

    Raises:
        JuniperCascorTimeoutError: When connecting or waiting for a message took longer
            than ``timeout``.
        JuniperCascorClientError: As :meth:`CascorTrainingStream.connect` and its iterator.
        RuntimeError: When called from the private loop's own thread.
    """
    runner = LoopThread("cascor-training-loop")
    stream: CascorTrainingStream[Message] | None = None

    async def create() -> CascorTrainingStream[Message]:
        return CascorTrainingStream(
            base_url,
            api_key,
            origin,
            typed=typed,
            queue_size=queue_size,
            queue_policy=queue_policy,
            **options,
        )

    try:
        stream = runner.run(create(), timeout)
        runner.run(stream.connect(), timeout)
        iterator = stream.stream()
        while (message := runner.run(_next_or_none(iterator), timeout)) is not None:
            yield message
    finally:
        if stream is not None:
            _quietly(runner, stream.disconnect(), timeout)
        runner.stop()


class BlockingControlStream:
    """A blocking ``/ws/control`` client; it connects on creation.

    Args:
        base_url: Service URL; ``None`` reads ``JUNIPER_CASCOR_URL``, else
            ``http://localhost:8200`` (as ``ws://``).
        api_key: Sent as ``X-API-Key``; ``None`` reads ``JUNIPER_CASCOR_API_KEY``.
        timeout: Default seconds for connecting, closing and each command's answer.
        connect_retries: Further connection attempts after a failed first one.
        **kwargs: As :class:`CascorControlStream` (``origin``, ``raise_on_error``,
            ``retry_rate_limited``, ``max_command_wait``, ``reconnect``...).

    Raises:
        JuniperCascorClientError: When connecting failed (see
            :meth:`CascorControlStream.connect`).
    """

    def __init__(
        self,
        base_url: str | None = None,
        api_key: str | None = None,
        *,
        timeout: float = DEFAULT_BLOCKING_TIMEOUT,
        connect_retries: int = 0,
        **kwargs: Any,
    ) -> None:
        self.timeout = timeout
        self._runner = LoopThread("cascor-control-loop")

        async def create() -> CascorControlStream:
            return CascorControlStream(base_url, api_key, command_timeout=timeout, **kwargs)

        try:
            self._stream = self._runner.run(create(), timeout)
            self._runner.run(self._stream.connect(retries=connect_retries), timeout)
        except BaseException:
            self._runner.stop()
            raise

    @property
    def stream(self) -> CascorControlStream:
        """The async stream underneath (use it only on :attr:`loop`)."""
        return self._stream

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        """The private event loop the stream runs on."""
        return self._runner.loop

    @property
    def is_connected(self) -> bool:
        """Whether the control socket is open."""
        return self._stream.is_connected

    def command(
        self,
        command: str,
        params: dict[str, Any] | None = None,
        *,
        timeout: float | None = None,
        raise_on_error: bool | None = None,
        command_id: str | None = None,
        retry_rate_limited: bool | None = None,
    ) -> CommandResponseDict:
        """Send a command and return its answer frame (see :meth:`CascorControlStream.command`).

        ``timeout`` bounds the wait for the answer; ``queued`` answers may extend it up to the
        stream's ``max_command_wait``.

        Raises:
            JuniperCascorClientError: As :meth:`CascorControlStream.command`.
            RuntimeError: When called from the private loop's own thread.
        """
        wait = self.timeout if timeout is None else timeout
        coro = self._stream.command(
            command,
            params,
            timeout=wait,
            raise_on_error=raise_on_error,
            command_id=command_id,
            retry_rate_limited=retry_rate_limited,
        )
        # The stream enforces the deadline itself; this outer bound only guards the thread.
        return self._runner.run(coro, max(wait, self._stream.max_command_wait) + 1.0)

    def set_params(
        self,
        params: dict[str, Any],
        *,
        timeout: float = DEFAULT_SET_PARAMS_TIMEOUT,
        command_id: str | None = None,
        retry_rate_limited: bool | None = None,
    ) -> CommandResponseDict:
        """Update runtime training parameters (see :meth:`CascorControlStream.set_params`).

        Raises:
            JuniperCascorClientError: As :meth:`command`.
        """
        return self.command(
            "set_params",
            params,
            timeout=timeout,
            command_id=command_id,
            retry_rate_limited=retry_rate_limited,
        )

    def start(self, **params: Any) -> CommandResponseDict:
        """Start training; keyword arguments become the command's params.

        Raises:
            JuniperCascorClientError: As :meth:`command`.
        """
        return self.command("start", params or None)

    def stop(self) -> CommandResponseDict:
        """Stop training.

        Raises:
            JuniperCascorClientError: As :meth:`command`.
        """
        return self.command("stop")

    def pause(self) -> CommandResponseDict:
        """Pause training.

        Raises:
            JuniperCascorClientError: As :meth:`command`.
        """
        return self.command("pause")

    def resume(self) -> CommandResponseDict:
        """Resume paused training.

        Raises:
            JuniperCascorClientError: As :meth:`command`.
        """
        return self.command("resume")

    def reset(self) -> CommandResponseDict:
        """Reset training.

        Raises:
            JuniperCascorClientError: As :meth:`command`.
        """
        return self.command("reset")

    def close(self, timeout: float | None = None) -> None:
        """Disconnect and stop the private loop; idempotent."""
        if self._runner.running:
            _quietly(self._runner, self._stream.disconnect(), timeout or self.timeout)
            self._runner.stop()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def _quietly(runner: LoopThread, coro: Coroutine[Any, Any, None], timeout: float) -> None:
    """Run a clean-up coroutine, logging instead of raising when it fails."""
    try:
        runner.run(coro, timeout)
    except (JuniperCascorClientError, RuntimeError) as exc:
        logger.warning("closing a stream failed: %s", exc)
