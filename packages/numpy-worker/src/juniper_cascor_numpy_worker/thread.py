"""``WorkerThread``: a ``NumpyWorker`` on its own event loop in a daemon thread.

For tests and demos that are not async themselves::

    with WorkerThread(server.ws_url, heartbeat_interval=0.5) as thread:
        ...                       # registered here; thread.worker.stats counts its work
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from types import TracebackType
from typing import Any

from juniper_cascor_numpy_worker.candidate import train_candidate
from juniper_cascor_numpy_worker.runner import Trainer
from juniper_cascor_numpy_worker.worker import NumpyWorker

__all__ = ["DEFAULT_START_TIMEOUT", "DEFAULT_STOP_TIMEOUT", "WorkerThread"]

logger = logging.getLogger(__name__)

DEFAULT_START_TIMEOUT = 10.0
"""How long ``start()`` waits for the registration."""
DEFAULT_STOP_TIMEOUT = 10.0
"""How long ``stop()`` waits for the thread to end."""


class WorkerThread:
    """Runs a ``NumpyWorker`` in a daemon thread; a context manager.

    Args:
        url: The server's origin or worker endpoint.
        train: The training function.
        start_timeout: How long ``start()`` waits for the registration.
        **options: ``WorkerSettings`` fields (``api_key``, ``name``, ``heartbeat_interval``...).

    Raises:
        ValueError: When a setting is out of range.

    Attributes:
        worker: The worker.
        error: What ended ``worker.run()`` with an exception (a refusal...), else ``None``.
    """

    def __init__(
        self,
        url: str,
        *,
        train: Trainer = train_candidate,
        start_timeout: float = DEFAULT_START_TIMEOUT,
        **options: Any,
    ) -> None:
        self.worker = NumpyWorker(url, train=train, **options)
        self.error: BaseException | None = None
        self._start_timeout = start_timeout
        self._thread: threading.Thread | None = None
        self._settled = threading.Event()  # registered, or run() ended before that

    def start(self) -> WorkerThread:
        """Start the worker and wait until it is registered.

        Raises:
            RuntimeError: When the server refuses the worker, or it does not register within
                ``start_timeout`` seconds (the worker is then stopped).
        """
        self._thread = threading.Thread(target=self._main, name="numpy-worker", daemon=True)
        self._thread.start()
        self._settled.wait(self._start_timeout)
        if not self.worker.registered.is_set() or self.worker.worker_id is None:
            self.stop()
            raise RuntimeError(f"the worker did not register: {self.error!r}")
        return self

    def _main(self) -> None:
        asyncio.run(self._run())

    async def _run(self) -> None:
        waiter = asyncio.create_task(self.worker.registered.wait())
        waiter.add_done_callback(lambda _: self._settled.set())
        try:
            await self.worker.run()
        except Exception as exc:
            logger.warning("worker for %s ended: %r", self.worker.settings.url, exc)
            self.error = exc
        finally:
            waiter.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await waiter
            self._settled.set()

    def stop(self, timeout: float = DEFAULT_STOP_TIMEOUT) -> None:
        """Stop the worker and wait up to ``timeout`` seconds for its thread."""
        self.worker.stop()
        if self._thread is not None:
            self._thread.join(timeout)

    @property
    def alive(self) -> bool:
        """Whether the worker's thread is still running."""
        return self._thread is not None and self._thread.is_alive()

    def __enter__(self) -> WorkerThread:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
