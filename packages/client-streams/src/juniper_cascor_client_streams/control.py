"""``CascorControlStream``: commands over ``/ws/control``, correlated by ``command_id``.

Every command carries a ``command_id`` (fresh unless the caller gives one) and its answer is
awaited with a deadline. Many
commands may be in flight at once (up to ``max_pending``); answers are matched by id, in any
order. A ``queued`` answer extends the command's deadline by its timeout, never past
``max_command_wait`` seconds after it was sent. Servers that do not echo ``command_id`` answer
in order, and their answers resolve the oldest pending command (see
:mod:`juniper_cascor_client_streams.pending` for the caveat).

When the connection is lost every pending command fails at once with
``JuniperCascorStreamClosedError`` (carrying the close code); commands are never sent again
after a reconnection, since the server may have run them.

An answer's fields are in its ``data`` object, except in juniper-cascor 0.12's rate-limit answer,
which has them at the top level (``{"type": "command_response", "command", "status":
"rate_limited", "retry_after", "command_id"}``, no ``data``). Older servers put ``retry_after``
in ``data.result``. Both shapes answer their command at once and raise
``JuniperCascorRateLimitedError`` with ``retry_after``: the server did not run the command, so
it is safe to send again, which ``retry_rate_limited`` does within the command's deadline.
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Mapping
from typing import Any, Unpack, cast

from juniper_cascor_client_core import (
    JuniperCascorClientError,
    JuniperCascorCommandError,
    JuniperCascorConfigurationError,
    JuniperCascorRateLimitedError,
    JuniperCascorStreamClosedError,
    JuniperCascorTimeoutError,
)
from juniper_cascor_client_core.constants import WS_CONTROL_PATH
from juniper_cascor_client_core.defaults import (
    DEFAULT_COMMAND_TIMEOUT,
    DEFAULT_MAX_COMMAND_WAIT,
    DEFAULT_SET_PARAMS_TIMEOUT,
)
from juniper_cascor_client_core.options import positive_int, positive_number
from juniper_cascor_client_streams._frames import Decoded, command_text
from juniper_cascor_client_streams._stream import BaseStream
from juniper_cascor_client_streams.options import StreamOptions
from juniper_cascor_client_streams.pending import (
    DEFAULT_MAX_PENDING,
    PendingCommand,
    PendingCommands,
)
from juniper_cascor_client_streams.responses import CommandResponseDict

__all__ = ["DEFAULT_COMMAND_TIMEOUT", "MAX_RATE_LIMITED_RETRIES", "CascorControlStream"]

logger = logging.getLogger("juniper_cascor_client_streams")

"""Default wait for an answer, as juniper-cascor-client 0.8's; juniper-cascor 0.12 itself gives
``start`` up to 10 s before answering that it timed out."""
MAX_RATE_LIMITED_RETRIES = 20
"""Most times one command is sent again after ``rate_limited`` answers."""
_MIN_RATE_LIMITED_WAIT = 0.05


class CascorControlStream(BaseStream):
    """Async client of ``/ws/control``.

    ::

        async with CascorControlStream("ws://localhost:8200", origin=ORIGIN) as control:
            answer = await control.command("start", {"epochs": 200})
            print(answer["data"]["status"])

    Args:
        base_url: Service URL (``ws(s)://`` or ``http(s)://``); ``None`` reads
            ``JUNIPER_CASCOR_URL``, else ``http://localhost:8200`` (as ``ws://``).
        api_key: Sent as ``X-API-Key``; ``None`` reads ``JUNIPER_CASCOR_API_KEY``.
        timeout: The default wait for an answer (the third argument, as in
            juniper-cascor-client 0.8); the same as ``command_timeout``.
        origin: ``Origin`` header; ``None`` reads ``JUNIPER_CASCOR_WS_ORIGIN``. juniper-cascor
            refuses ``/ws/control`` without an Origin on its allowlist (by default
            ``http://localhost:8050`` and ``http://127.0.0.1:8050``).
        auto_pong: Ignored, with a ``DeprecationWarning`` (pings are always answered).
        command_timeout: Default seconds to wait for an answer (30 by default).
        max_command_wait: Hard limit, in seconds, however often ``queued`` extends a deadline.
        max_pending: Commands allowed in flight at once.
        raise_on_error: Raise on ``error``/``timeout`` answers instead of returning them
            (overridable per call).
        retry_rate_limited: Retry a rate-limited command after the ``retry_after`` the server
            asked for, within the command's deadline (overridable per call).
        **options: Connection options of :class:`BaseStream` (timeouts, ``max_size``,
            ``idle_timeout``, ``reconnect``, ``on_disconnect``, ``on_reconnect``).

    Raises:
        TypeError: For an unknown keyword option (the closest known one is suggested).
        JuniperCascorConfigurationError: When ``base_url`` or an option is invalid (e.g. a
            ``command_timeout`` that is not a finite positive number, a ``max_pending`` that
            is not a positive int), or ``timeout`` and ``command_timeout`` disagree.
    """

    path = WS_CONTROL_PATH
    endpoint = "control"

    def __init__(
        self,
        base_url: str | None = None,
        api_key: str | None = None,
        timeout: float | None = None,
        origin: str | None = None,
        *,
        auto_pong: bool | None = None,
        command_timeout: float | None = None,
        max_command_wait: float = DEFAULT_MAX_COMMAND_WAIT,
        max_pending: int = DEFAULT_MAX_PENDING,
        raise_on_error: bool = False,
        retry_rate_limited: bool = False,
        **options: Unpack[StreamOptions],
    ) -> None:
        if timeout is not None and command_timeout is not None and timeout != command_timeout:
            raise JuniperCascorConfigurationError(
                "timeout and command_timeout are the same setting; give one of them"
            )
        super().__init__(base_url, api_key, origin, auto_pong=auto_pong, **options)
        given = command_timeout if command_timeout is not None else timeout
        name = "command_timeout" if command_timeout is not None else "timeout"
        self.command_timeout = (
            DEFAULT_COMMAND_TIMEOUT if given is None else positive_number(name, given)
        )
        self.max_command_wait = positive_number("max_command_wait", max_command_wait)
        self.raise_on_error = raise_on_error
        self.retry_rate_limited = retry_rate_limited
        self._pending = PendingCommands(positive_int("max_pending", max_pending))

    @property
    def pending_commands(self) -> int:
        """Commands awaiting their answer."""
        return len(self._pending)

    async def command(
        self,
        command: str,
        params: dict[str, Any] | None = None,
        *,
        # A per-command deadline that ``queued`` answers extend: not an outer asyncio.timeout.
        timeout: float | None = None,  # noqa: ASYNC109
        raise_on_error: bool | None = None,
        command_id: str | None = None,
        retry_rate_limited: bool | None = None,
    ) -> CommandResponseDict:
        """Send a command and return its ``command_response`` frame.

        A ``rate_limited`` answer (the server did not run the command) always raises
        ``JuniperCascorRateLimitedError`` at once, with the ``retry_after`` the server gave;
        with ``retry_rate_limited`` the command is first sent again after waiting
        ``retry_after`` (at least 0.05 s), as long as the deadline allows, at most
        :data:`MAX_RATE_LIMITED_RETRIES` times.

        Args:
            command: ``start``, ``stop``, ``pause``, ``resume``, ``reset`` or ``set_params``.
            params: The command's parameters.
            timeout: Seconds to wait for the answer (``command_timeout`` by default), rate
                limit retries included; each ``queued`` answer grants this much again, up to
                ``max_command_wait``.
            raise_on_error: Overrides the stream's ``raise_on_error`` for this call.
            command_id: The correlation id to send (a fresh one by default); it must not be
                pending already.
            retry_rate_limited: Overrides the stream's ``retry_rate_limited`` for this call.

        Returns:
            The answer frame, ``{"type": "command_response", "data": {"status", ...}, ...}``
            (a :class:`~juniper_cascor_client_streams.responses.CommandResponseDict`).

        Raises:
            JuniperCascorOverloadError: When ``max_pending`` commands are in flight.
            JuniperCascorValidationError: When the command is malformed, or ``command_id`` is
                pending already.
            JuniperCascorRateLimitedError: When the server rate limited the command (and no
                retry was made or left).
            JuniperCascorTimeoutError: When no final answer came in time (or, raising on
                errors, the server reported a timeout).
            JuniperCascorStreamClosedError: When not connected, or the connection was lost.
            JuniperCascorCommandError: Raising on errors, for ``status: "error"`` (with the
                server's ``code``, ``None`` when it sent none).
        """
        wait = self.command_timeout if timeout is None else timeout
        entry = self._pending.register(
            command, timeout=wait, max_wait=self.max_command_wait, command_id=command_id
        )
        frame = await self._exchange(entry, command, params)
        if (limited := _rate_limited(frame, entry.command_id)) is not None:
            retry = self.retry_rate_limited if retry_rate_limited is None else retry_rate_limited
            if not retry:
                raise limited
            frame = await self._retry(limited, entry, command, params)
        if self.raise_on_error if raise_on_error is None else raise_on_error:
            _raise_for_status(frame, entry.command_id)
        return cast(CommandResponseDict, frame)

    async def set_params(
        self,
        params: dict[str, Any],
        *,
        timeout: float = DEFAULT_SET_PARAMS_TIMEOUT,  # noqa: ASYNC109 - the command's own deadline, as command()
        command_id: str | None = None,
        raise_on_error: bool | None = None,
        retry_rate_limited: bool | None = None,
    ) -> CommandResponseDict:
        """Update runtime training parameters (``set_params``; ``params`` must not be empty).

        ``retry_rate_limited=True`` (or the stream's option) waits out a rate limit and sends
        the parameters again within ``timeout`` (see :meth:`command`); give a ``timeout``
        that leaves room for it (a burst of 15 needs about half a second at juniper-cascor's
        10 commands per second).

        Raises:
            JuniperCascorClientError: As :meth:`command`.
        """
        return await self.command(
            "set_params",
            params,
            timeout=timeout,
            command_id=command_id,
            raise_on_error=raise_on_error,
            retry_rate_limited=retry_rate_limited,
        )

    async def start(self, **params: Any) -> CommandResponseDict:
        """Start training; keyword arguments become the command's params.

        Raises:
            JuniperCascorClientError: As :meth:`command`.
        """
        return await self.command("start", params or None)

    async def stop(self) -> CommandResponseDict:
        """Stop training.

        Raises:
            JuniperCascorClientError: As :meth:`command`.
        """
        return await self.command("stop")

    async def pause(self) -> CommandResponseDict:
        """Pause training.

        Raises:
            JuniperCascorClientError: As :meth:`command`.
        """
        return await self.command("pause")

    async def resume(self) -> CommandResponseDict:
        """Resume paused training.

        Raises:
            JuniperCascorClientError: As :meth:`command`.
        """
        return await self.command("resume")

    async def reset(self) -> CommandResponseDict:
        """Reset training.

        Raises:
            JuniperCascorClientError: As :meth:`command`.
        """
        return await self.command("reset")

    # -- internals ------------------------------------------------------------------------

    async def _exchange(
        self, entry: PendingCommand, command: str, params: dict[str, Any] | None
    ) -> dict[str, Any]:
        """Send the command of ``entry`` and wait for its answer.

        Raises:
            JuniperCascorClientError: As :meth:`command`.
        """
        try:
            await self._send(command_text(command, params, entry.command_id))
            return await entry.future
        finally:
            self._pending.discard(entry)  # on every way out: answer, error, timeout, cancel

    async def _retry(
        self,
        limited: JuniperCascorRateLimitedError,
        first: PendingCommand,
        command: str,
        params: dict[str, Any] | None,
    ) -> dict[str, Any]:
        """Send a rate-limited command again, with its id, after each ``retry_after``, within
        the first sending's deadlines; return the first answer that is not ``rate_limited``.

        Raises:
            JuniperCascorRateLimitedError: The last one, when no retry is left or fits.
            JuniperCascorClientError: As :meth:`command`.
        """
        loop = asyncio.get_running_loop()
        for retries in range(1, MAX_RATE_LIMITED_RETRIES + 1):
            pause = max(limited.retry_after or 0.0, _MIN_RATE_LIMITED_WAIT)
            if loop.time() + pause >= first.deadline:
                break
            logger.debug("control: %r rate limited; retry %d in %.2f s", command, retries, pause)
            await asyncio.sleep(pause)
            now = loop.time()
            if now >= first.deadline:  # the sleep overshot
                break
            entry = self._pending.register(
                command,
                timeout=first.deadline - now,
                max_wait=first.hard_deadline - now,
                command_id=first.command_id,
            )
            frame = await self._exchange(entry, command, params)
            if (again := _rate_limited(frame, first.command_id)) is None:
                return frame
            limited = again
        raise limited

    # -- hooks ----------------------------------------------------------------------------

    def _handle(self, decoded: Decoded) -> None:
        frame = decoded.frame
        if frame is None or frame.get("type") != "command_response":
            return
        fields = _answer_fields(frame)
        if fields is not None and self._pending.deliver(frame, fields) is None:
            logger.info(
                "control: answer to no pending command (id %r, status %r)",
                fields.get("command_id"),
                fields.get("status"),
            )

    def _lost(self, error: JuniperCascorClientError) -> None:
        self._fail_pending(f"{self.endpoint} connection lost: {error}")

    def _finish(self, error: Exception | None) -> None:
        self._fail_pending(f"{self.endpoint} stream closed")

    def _fail_pending(self, message: str) -> None:
        code, reason = self.close_code, self.close_reason
        failed = self._pending.fail_all(
            lambda: JuniperCascorStreamClosedError(message, close_code=code, close_reason=reason)
        )
        if failed:
            logger.warning("control: %d pending command(s) failed: %s", failed, message)


def _answer_fields(frame: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The fields of a ``command_response`` (``command``, ``status``, ``command_id``...): its
    ``data`` object, or the frame itself for the top-level shape (a ``status`` and no
    ``data``); ``None`` when it has neither."""
    data = frame.get("data")
    if isinstance(data, dict):
        return data
    return frame if data is None and "status" in frame else None


def _rate_limited(frame: dict[str, Any], command_id: str) -> JuniperCascorRateLimitedError | None:
    """The error for a ``rate_limited`` answer (either shape), else ``None``."""
    data = _answer_fields(frame)
    if data is None or data.get("status") != "rate_limited":
        return None
    result = data.get("result")
    retry_after = result.get("retry_after") if isinstance(result, dict) else None
    if retry_after is None:
        retry_after = data.get("retry_after")
    seconds = _seconds(retry_after)
    wait = "" if seconds is None else f"; retry after {seconds:g} s"
    return JuniperCascorRateLimitedError(
        f"command {data.get('command', '')!r} (id {command_id}) was rate limited{wait}",
        retry_after=seconds,
    )


def _raise_for_status(frame: dict[str, Any], command_id: str) -> None:
    data = _answer_fields(frame)
    if data is None:
        return
    status = data.get("status")
    command = str(data.get("command", ""))
    if status == "error":
        code = data.get("code")
        raise JuniperCascorCommandError(
            str(data.get("error") or f"command {command!r} failed"),
            command=command,
            command_id=command_id,
            code=code if isinstance(code, str) else None,
        )
    if status == "timeout":
        raise JuniperCascorTimeoutError(f"the server timed out running command {command!r}")


def _seconds(value: object) -> float | None:
    """``value`` as a finite number of seconds >= 0, or ``None`` (a bool or a huge int too)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        seconds = float(value)
    except OverflowError:
        return None
    return seconds if math.isfinite(seconds) and seconds >= 0 else None
