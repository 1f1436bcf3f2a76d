"""``CascorControlStream``: commands over ``/ws/control``, correlated by ``command_id``.

Every command carries a fresh ``command_id`` and its answer is awaited with a deadline. Many
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
"rate_limited", "retry_after", "command_id"}``, no ``data``): both shapes answer their command,
and ``raise_on_error`` turns both into ``JuniperCascorRateLimitedError`` with ``retry_after``.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from typing import Any, Unpack

from juniper_cascor_client_core import (
    JuniperCascorClientError,
    JuniperCascorCommandError,
    JuniperCascorRateLimitedError,
    JuniperCascorStreamClosedError,
    JuniperCascorTimeoutError,
)
from juniper_cascor_client_streams._frames import Decoded, command_text
from juniper_cascor_client_streams._stream import BaseStream
from juniper_cascor_client_streams.options import DEFAULT_WS_BASE_URL, StreamOptions
from juniper_cascor_client_streams.pending import DEFAULT_MAX_PENDING, PendingCommands

__all__ = ["CascorControlStream"]

logger = logging.getLogger("juniper_cascor_client_streams")


class CascorControlStream(BaseStream):
    """Async client of ``/ws/control``.

    ::

        async with CascorControlStream("ws://localhost:8200") as control:
            answer = await control.command("start", {"epochs": 200})
            print(answer["data"]["status"])

    Args:
        base_url: Service URL (``ws(s)://`` or ``http(s)://``), default ``ws://localhost:8200``.
        api_key: Sent as ``X-API-Key``; ``None`` reads ``JUNIPER_CASCOR_API_KEY``.
        command_timeout: Default seconds to wait for an answer.
        max_command_wait: Hard limit, in seconds, however often ``queued`` extends a deadline.
        max_pending: Commands allowed in flight at once.
        raise_on_error: Raise on ``error``/``rate_limited``/``timeout`` answers instead of
            returning them (overridable per call).
        **options: Connection options of :class:`BaseStream` (``origin``, timeouts,
            ``max_size``, ``idle_timeout``, ``reconnect``, ``on_disconnect``,
            ``on_reconnect``).

    Raises:
        JuniperCascorConfigurationError: When ``base_url`` or an option is invalid.
    """

    path = "/ws/control"
    endpoint = "control"

    def __init__(
        self,
        base_url: str = DEFAULT_WS_BASE_URL,
        api_key: str | None = None,
        *,
        command_timeout: float = 10.0,
        max_command_wait: float = 60.0,
        max_pending: int = DEFAULT_MAX_PENDING,
        raise_on_error: bool = False,
        **options: Unpack[StreamOptions],
    ) -> None:
        super().__init__(base_url, api_key, **options)
        self.command_timeout = command_timeout
        self.max_command_wait = max_command_wait
        self.raise_on_error = raise_on_error
        self._pending = PendingCommands(max_pending)

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
    ) -> dict[str, Any]:
        """Send a command and return its ``command_response`` frame.

        Args:
            command: ``start``, ``stop``, ``pause``, ``resume``, ``reset`` or ``set_params``.
            params: The command's parameters.
            timeout: Seconds to wait for the answer (``command_timeout`` by default); each
                ``queued`` answer grants this much again, up to ``max_command_wait``.
            raise_on_error: Overrides the stream's ``raise_on_error`` for this call.

        Returns:
            The answer frame, ``{"type": "command_response", "data": {"status", ...}, ...}``
            (a rate-limit answer of juniper-cascor 0.12 has its fields at the top level).

        Raises:
            JuniperCascorOverloadError: When ``max_pending`` commands are in flight.
            JuniperCascorValidationError: When the command is malformed.
            JuniperCascorTimeoutError: When no final answer came in time (or, raising on
                errors, the server reported a timeout).
            JuniperCascorStreamClosedError: When not connected, or the connection was lost.
            JuniperCascorCommandError: Raising on errors, for ``status: "error"``.
            JuniperCascorRateLimitedError: Raising on errors, for ``status: "rate_limited"``.
        """
        wait = self.command_timeout if timeout is None else timeout
        entry = self._pending.register(command, timeout=wait, max_wait=self.max_command_wait)
        try:
            await self._send(command_text(command, params, entry.command_id))
            frame = await entry.future
        finally:
            self._pending.discard(entry)  # on every way out: answer, error, timeout, cancel
        if self.raise_on_error if raise_on_error is None else raise_on_error:
            _raise_for_status(frame, entry.command_id)
        return frame

    async def set_params(
        self,
        params: dict[str, Any],
        *,
        timeout: float = 1.0,  # noqa: ASYNC109 - the command's own deadline, as command()
    ) -> dict[str, Any]:
        """Update runtime training parameters (``set_params``; ``params`` must not be empty).

        Raises:
            JuniperCascorClientError: As :meth:`command`.
        """
        return await self.command("set_params", params, timeout=timeout)

    async def start(self, **params: Any) -> dict[str, Any]:
        """Start training; keyword arguments become the command's params.

        Raises:
            JuniperCascorClientError: As :meth:`command`.
        """
        return await self.command("start", params or None)

    async def stop(self) -> dict[str, Any]:
        """Stop training.

        Raises:
            JuniperCascorClientError: As :meth:`command`.
        """
        return await self.command("stop")

    async def pause(self) -> dict[str, Any]:
        """Pause training.

        Raises:
            JuniperCascorClientError: As :meth:`command`.
        """
        return await self.command("pause")

    async def resume(self) -> dict[str, Any]:
        """Resume paused training.

        Raises:
            JuniperCascorClientError: As :meth:`command`.
        """
        return await self.command("resume")

    async def reset(self) -> dict[str, Any]:
        """Reset training.

        Raises:
            JuniperCascorClientError: As :meth:`command`.
        """
        return await self.command("reset")

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
    if status == "rate_limited":
        result = data.get("result")
        retry_after = result.get("retry_after") if isinstance(result, dict) else None
        if retry_after is None:
            retry_after = data.get("retry_after")
        raise JuniperCascorRateLimitedError(
            f"command {command!r} was rate limited",
            retry_after=_seconds(retry_after),
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
