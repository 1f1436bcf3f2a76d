"""``NumpyWorker``: the connect loop around ``WorkerSession``.

It connects, lets a session serve the connection, and when the connection ends reconnects
after a full-jitter exponential backoff delay (reset once a connection has registered), until
``stop()``. A refusal that the same request would meet again (HTTP 401/403 before the upgrade,
close code 4001 or 4003, a registration refused with 4005-4008) is never retried: ``run()``
raises ``WorkerRefusedError``.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import threading
from collections import deque
from typing import Any

from websockets.asyncio.client import ClientConnection
from websockets.exceptions import InvalidHandshake

from juniper_cascor_numpy_worker.backoff import FullJitterBackoff
from juniper_cascor_numpy_worker.candidate import train_candidate
from juniper_cascor_numpy_worker.connection import open_connection, refusal, ssl_context
from juniper_cascor_numpy_worker.runner import TaskRunner, Trainer
from juniper_cascor_numpy_worker.session import WorkerSession
from juniper_cascor_numpy_worker.settings import WorkerSettings
from juniper_cascor_numpy_worker.stats import WorkerStats

__all__ = ["NumpyWorker"]

logger = logging.getLogger(__name__)

_RETRYABLE = (OSError, TimeoutError, InvalidHandshake)


class NumpyWorker:
    """A remote training worker for juniper-cascor's ``/ws/v1/workers``, in numpy.

    ``await worker.run()`` serves until ``worker.stop()`` (callable from any thread).

    Args:
        server_url: The server's origin (``ws://host:8200``) or worker endpoint.
        train: The training function (``train_candidate``); tests may slow it down.
        **options: Any other ``WorkerSettings`` field by name (``api_key``, ``name``,
            ``heartbeat_interval``, ``task_timeout``, ``backoff_base``...).

    Raises:
        ValueError: When a setting is out of range (see ``WorkerSettings``).
        TypeError: When an option is not a ``WorkerSettings`` field.
        OSError: When a TLS file cannot be read (``ssl.SSLError`` when it is not valid).

    Attributes:
        settings: The validated settings.
        stats: What the worker has done (``tasks_completed``, ``accepted``, ``errors``...).
        worker_id: The id the server assigned at the latest registration, or ``None``.
        close_code, close_reason: How the latest connection ended, once one has.
        registered: Set while a connection is registered.
    """

    def __init__(
        self, server_url: str, *, train: Trainer = train_candidate, **options: Any
    ) -> None:
        self.settings = WorkerSettings(server_url=server_url, **options)
        self._ssl = ssl_context(self.settings)
        self.stats = WorkerStats()
        self.worker_id: str | None = None
        self.close_code: int | None = None
        self.close_reason = ""
        self.registered = asyncio.Event()
        self._runner = TaskRunner(
            timeout=self.settings.task_timeout,
            limit=self.settings.max_in_flight_tasks,
            train=train,
        )
        self._backoff = FullJitterBackoff(self.settings.backoff_base, self.settings.backoff_max)
        self._stop = threading.Event()
        self._wake = asyncio.Event()
        self._loop: asyncio.AbstractEventLoop | None = None

    @classmethod
    def from_settings(
        cls, settings: WorkerSettings, *, train: Trainer = train_candidate
    ) -> NumpyWorker:
        """A worker with these settings."""
        return cls(train=train, **dataclasses.asdict(settings))

    # The counters most callers want, as on the fake server's test worker.
    @property
    def tasks_completed(self) -> int:
        """Tasks answered ``success: true``."""
        return self.stats.tasks_completed

    @property
    def tasks_failed(self) -> int:
        """Tasks answered ``success: false``."""
        return self.stats.tasks_failed

    @property
    def accepted(self) -> int:
        """Results the server accepted."""
        return self.stats.accepted

    @property
    def rejected(self) -> int:
        """Results the server rejected."""
        return self.stats.rejected

    @property
    def errors(self) -> list[str]:
        """Texts of the server's latest ``error`` frames."""
        return list(self.stats.errors)

    @property
    def durations(self) -> deque[float]:
        """Seconds the latest tasks took, oldest first."""
        return self.stats.durations

    @property
    def training_threads(self) -> int:
        """Training threads alive now, abandoned (timed-out) ones included."""
        return self._runner.threads

    def stop(self) -> None:
        """Ask ``run()`` to close the connection and return; safe from any thread."""
        self._stop.set()
        loop = self._loop
        if loop is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):  # the loop stopped meanwhile
                loop.call_soon_threadsafe(self._wake.set)

    async def run(self) -> None:
        """Connect, register and train until ``stop()``; reconnect after a lost connection.

        Raises:
            WorkerRefusedError: When the server refuses the worker in a way that retrying
                cannot change (a bad API key, an Origin, a refused registration).
        """
        self._loop = asyncio.get_running_loop()
        while not self._stop.is_set():
            try:
                connection = await self._connect()
            except _RETRYABLE as exc:
                self.stats.failed_connections += 1
                logger.warning("cannot connect to %s: %s", self.settings.url, exc)
            else:
                if connection is None:  # stop() came while the handshake was in progress
                    break
                logger.info("connected to %s", self.settings.url)
                session = WorkerSession(
                    connection, self.settings, self.stats, self._runner, self._registration
                )
                try:
                    await self._serve(session)
                except Exception:  # a fault of this worker: log it, start over on a new socket
                    logger.exception("the session failed")
                    await connection.close(1011, "worker fault")
                finally:
                    self.registered.clear()
                self.close_code = connection.close_code
                self.close_reason = connection.close_reason or ""
                refused = refusal(self.close_code, self.close_reason)
                if refused is not None:
                    raise refused
                reason = f" ({self.close_reason})" if self.close_reason else ""
                logger.info("connection closed with code %s%s", self.close_code, reason)
            await self._pause()
        logger.info("worker stopped")

    def _registration(self, worker_id: str) -> None:
        self.worker_id = worker_id
        self.registered.set()
        self._backoff.reset()

    async def _connect(self) -> ClientConnection | None:
        """Open a connection, or return None when ``stop()`` comes before it is open.

        A server that accepts the socket but never answers the upgrade would otherwise hold
        ``stop()`` for up to ``open_timeout``.
        """
        connecting = asyncio.create_task(open_connection(self.settings, self._ssl))
        stopping = asyncio.create_task(self._wake.wait())
        try:
            await asyncio.wait({connecting, stopping}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopping.cancel()
            if not connecting.done():
                connecting.cancel()
            await asyncio.gather(connecting, stopping, return_exceptions=True)
        if connecting.cancelled():
            return None
        return connecting.result()

    async def _serve(self, session: WorkerSession) -> None:
        """Run ``session`` until its connection ends or ``stop()`` closes it."""
        serving = asyncio.create_task(session.run())
        stopping = asyncio.create_task(self._wake.wait())
        try:
            await asyncio.wait({serving, stopping}, return_when=asyncio.FIRST_COMPLETED)
            if not serving.done():
                await session.connection.close(1001, "worker stopping")
            await serving
        finally:
            for task in (serving, stopping):
                task.cancel()
            await asyncio.gather(serving, stopping, return_exceptions=True)

    async def _pause(self) -> None:
        """Wait the next backoff delay, or until ``stop()``."""
        if self._stop.is_set():
            return
        delay = self._backoff.next_delay()
        logger.info("reconnecting in %.2f s", delay)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), delay)
