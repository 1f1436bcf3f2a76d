"""``WorkerSession``: one connection to ``/ws/v1/workers``, from greeting to close.

One reader: ``run`` alone receives. Each frame goes through ``FrameIntake`` and each complete
message to its handler by type (``HandlerRegistry``): the ``on_<type>`` methods below. The
session registers on ``connection_established``; on ``registration_ack`` it starts
heartbeats; a ``task_assign`` trains in the background (``TaskRunner``) while heartbeats and
acknowledgements keep flowing, and is answered on the same socket. Frames that go together (a
result and its tensors) are sent under one lock, so a heartbeat never splits them.

A server that does not acknowledge the registration within ``open_timeout`` is hung up on.
When the connection ends, tasks still training are abandoned: the server hands them to
another worker.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Coroutine, Iterable
from typing import Any

from websockets.asyncio.client import ClientConnection
from websockets.exceptions import ConnectionClosed

from juniper_cascor_numpy_worker.handlers import HandlerRegistry
from juniper_cascor_numpy_worker.host import capabilities
from juniper_cascor_numpy_worker.intake import Delivered, Dropped, FrameIntake, IntakeEvent
from juniper_cascor_numpy_worker.results import TaskIdentity, failure_frames
from juniper_cascor_numpy_worker.runner import TaskRunner
from juniper_cascor_numpy_worker.settings import WorkerSettings
from juniper_cascor_numpy_worker.stats import WorkerStats
from juniper_cascor_protocol.worker import (
    AssembledMessage,
    ConnectionEstablished,
    ErrorMessage,
    HeartbeatEcho,
    Register,
    RegistrationAck,
    ResultAck,
    WorkerProtocolError,
)

__all__ = ["WorkerSession"]

logger = logging.getLogger(__name__)


class WorkerSession:
    """The life of one connection; ``run`` returns when it closes.

    Args:
        connection: The open socket.
        settings: The worker's settings.
        stats: The worker's counters, updated as things happen.
        runner: Trains tasks.
        on_registered: Called with the server-assigned id once registered.
    """

    def __init__(
        self,
        connection: ClientConnection,
        settings: WorkerSettings,
        stats: WorkerStats,
        runner: TaskRunner,
        on_registered: Callable[[str], None],
    ) -> None:
        self.connection = connection
        self.settings = settings
        self.stats = stats
        self.worker_id: str | None = None
        self._runner = runner
        self._on_registered = on_registered
        self._intake = FrameIntake(max_frame_bytes=settings.max_frame_bytes)
        self._handlers = HandlerRegistry.of(self)
        self._send_lock = asyncio.Lock()
        self._background: set[asyncio.Task[None]] = set()
        self._registered = False

    @property
    def registered(self) -> bool:
        """Whether the server acknowledged the registration on this connection."""
        return self._registered

    async def run(self) -> None:
        """Serve the connection until it closes (either side); abandon unfinished tasks."""
        self._spawn(self._registration_deadline())
        try:
            async for frame in self.connection:
                for event in self._intake.feed(frame):
                    await self._take(event)
        except ConnectionClosed:
            pass  # the worker reads close_code and close_reason
        finally:
            tasks = list(self._background)
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    def _spawn(self, coroutine: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(coroutine)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _take(self, event: IntakeEvent) -> None:
        if isinstance(event, Delivered):
            if not await self._handlers.dispatch(event.kind, event.message):
                self.stats.unknown_messages += 1
        elif isinstance(event, Dropped):
            logger.warning("dropped a frame from the server: %s", event.reason)
            if event.unknown_type:
                self.stats.unknown_messages += 1
            else:
                self.stats.bad_frames += 1
        else:
            self.stats.bad_frames += 1
            logger.warning("task %s refused: %s", event.task.task_id, event.reason)
            await self._send_failure(event.task, event.reason)

    async def _send(self, frames: Iterable[str | bytes]) -> None:
        async with self._send_lock:
            for frame in frames:
                await self.connection.send(frame)

    async def _registration_deadline(self) -> None:
        await asyncio.sleep(self.settings.open_timeout)
        if not self._registered:
            logger.warning(
                "no registration_ack within %g s; hanging up", self.settings.open_timeout
            )
            await self.connection.close(1000, "registration not acknowledged")

    async def _heartbeats(self, worker_id: str) -> None:
        while True:
            await asyncio.sleep(self.settings.heartbeat_interval)
            async with self._send_lock:  # the figures as they are when it goes out
                try:
                    await self.connection.send(self.stats.heartbeat(worker_id).to_json())
                except ConnectionClosed:
                    return

    async def _send_failure(self, task: TaskIdentity, reason: str) -> None:
        """Answer a task refused on arrival (nothing was trained: it took no time)."""
        self.stats.task_ended(success=False, duration=0.0)
        try:
            frames = failure_frames(task, reason, duration=0.0)
        except WorkerProtocolError as exc:
            logger.error("task %.80s cannot be answered: %s", task.task_id, exc)
            return
        with contextlib.suppress(ConnectionClosed):
            await self._send(frames)

    async def _answer(self, assembled: AssembledMessage) -> None:
        started = time.monotonic()
        self.stats.in_flight_tasks += 1
        success = False
        try:
            answer = await self._runner.answer(assembled)
            self.stats.tasks_timed_out += answer.timed_out
            await self._send(answer.frames)
            success = answer.success
        except WorkerProtocolError as exc:
            logger.error("task %.80s cannot be answered: %s", assembled.message.task_id, exc)
        except ConnectionClosed:
            logger.warning("the connection closed before a task's answer was sent")
        finally:
            self.stats.in_flight_tasks -= 1
            self.stats.task_ended(success=success, duration=time.monotonic() - started)

    # -- handlers, by message type ------------------------------------------------------------
    async def on_connection_established(self, message: ConnectionEstablished) -> None:
        """Register: propose ``settings.name`` with this host's capabilities."""
        if self._registered:
            logger.warning("ignoring a second connection_established")
            return
        register = Register(worker_id=self.settings.name, capabilities=capabilities())
        await self._send([register.to_json()])

    async def on_registration_ack(self, message: RegistrationAck) -> None:
        """Take the assigned id and start heartbeats."""
        if self._registered:
            logger.warning("ignoring a second registration_ack (%s)", message.worker_id)
            return
        self._registered = True
        self.worker_id = message.worker_id
        self.stats.registrations += 1
        logger.info("registered as %s (proposed %s)", message.worker_id, message.client_name)
        self._spawn(self._heartbeats(message.worker_id))
        self._on_registered(message.worker_id)

    async def on_heartbeat(self, message: HeartbeatEcho) -> None:
        """The server's echo of a heartbeat: nothing to do."""

    async def on_task_assign(self, assembled: AssembledMessage) -> None:
        """Train the task in the background and answer it when done."""
        logger.info("task %s received", assembled.message.task_id)
        self._spawn(self._answer(assembled))

    async def on_result_ack(self, message: ResultAck) -> None:
        """Count the server's verdict on a result."""
        if message.status == "accepted":
            self.stats.accepted += 1
            logger.info("result %s accepted", message.task_id)
        else:
            self.stats.rejected += 1
            logger.warning("result %s rejected", message.task_id)

    async def on_error(self, message: ErrorMessage) -> None:
        """Count and keep the server's error report."""
        self.stats.server_errors += 1
        self.stats.errors.append(message.error)
        logger.warning("the server reported an error: %s (%s)", message.error, message.details)
