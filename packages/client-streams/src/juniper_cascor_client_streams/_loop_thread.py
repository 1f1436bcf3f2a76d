"""A private event loop on a daemon thread, so blocking code can drive the async streams.

Scripts and notebooks (whose own loop may already be running) call :meth:`LoopThread.run`,
which submits a coroutine to the private loop and waits for it with a timeout. Calling it from
the loop's own thread (e.g. from a stream callback) would wait on itself forever, so it raises
``RuntimeError`` instead.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

from juniper_cascor_client_core import JuniperCascorTimeoutError

__all__ = ["LoopThread"]

T = TypeVar("T")


class LoopThread:
    """An event loop running on its own daemon thread until :meth:`stop`.

    Args:
        name: The thread's name.
    """

    def __init__(self, name: str) -> None:
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._serve, name=name, daemon=True)
        self._thread.start()

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        """The private loop."""
        return self._loop

    @property
    def running(self) -> bool:
        """Whether the loop thread is alive."""
        return self._thread.is_alive()

    def run(self, coro: Coroutine[Any, Any, T], timeout: float | None) -> T:
        """Run ``coro`` on the private loop and return its result.

        Args:
            coro: The coroutine to run.
            timeout: Seconds to wait; on expiry the coroutine is cancelled.

        Raises:
            RuntimeError: When called from the loop's own thread, or after :meth:`stop`.
            JuniperCascorTimeoutError: When ``timeout`` passed first.
            Exception: Whatever ``coro`` raised.
        """
        if threading.get_ident() == self._thread.ident:
            coro.close()
            raise RuntimeError(
                "a blocking juniper-cascor call was made from its own event-loop thread "
                "(e.g. inside a stream callback); use the async stream there instead"
            )
        if not self.running or self._loop.is_closed():
            coro.close()
            raise RuntimeError("the event-loop thread has been stopped")
        future = asyncio.run_coroutine_threadsafe(coro, self._loop)
        try:
            return future.result(timeout)
        except concurrent.futures.TimeoutError as exc:
            future.cancel()
            raise JuniperCascorTimeoutError(f"no result within {timeout} s") from exc

    def stop(self, timeout: float | None = 5.0) -> None:
        """Stop the loop (cancelling what still runs on it) and join the thread; idempotent."""
        if self.running and threading.get_ident() != self._thread.ident:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout)

    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)
        try:
            self._loop.run_forever()
        finally:
            tasks = asyncio.all_tasks(self._loop)
            for task in tasks:
                task.cancel()
            if tasks:
                self._loop.run_until_complete(asyncio.wait(tasks))
            self._loop.run_until_complete(self._loop.shutdown_asyncgens())
            self._loop.close()
