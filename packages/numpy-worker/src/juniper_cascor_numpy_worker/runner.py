"""``TaskRunner``: trains one task off the event loop and turns the outcome into its answer.

Training runs in a daemon thread of its own, so heartbeats and acknowledgements keep flowing
while it runs, and a task that overruns ``task_timeout`` is answered at once (``success:
false``) while its thread is abandoned: it finishes in the background, its result is
discarded, and it never holds up the process's exit. Threads still running, abandoned ones
included, count against ``max_in_flight_tasks``, so runaway computations cannot pile up.
Every path ends in an answer: a trained, checked result or a failure saying why.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from juniper_cascor_numpy_worker.candidate import (
    CandidateError,
    CandidateOutcome,
    CandidateTask,
    train_candidate,
)
from juniper_cascor_numpy_worker.results import (
    Frames,
    TaskIdentity,
    failure_frames,
    success_frames,
)
from juniper_cascor_numpy_worker.tasks import task_from_assign
from juniper_cascor_protocol.worker import (
    AssembledMessage,
    BinaryFrameError,
    TaskAssign,
    WorkerProtocolError,
)

__all__ = ["TaskAnswer", "TaskRunner", "Trainer"]

logger = logging.getLogger(__name__)

Trainer = Callable[[CandidateTask], CandidateOutcome]
"""What trains a candidate: ``train_candidate`` unless a worker is given another."""

_A = TypeVar("_A")
_R = TypeVar("_R")


@dataclass(frozen=True)
class TaskAnswer:
    """The frames answering one task; whether it succeeded, or ran past the timeout."""

    frames: Frames
    success: bool
    timed_out: bool = False


class TaskRunner:
    """Runs tasks in daemon threads, at most ``limit`` at a time, each within ``timeout``.

    Args:
        timeout: Longest a task may train, in seconds.
        limit: Most training threads alive at once (abandoned ones included).
        train: The training function.
    """

    def __init__(self, *, timeout: float, limit: int, train: Trainer = train_candidate) -> None:
        self.timeout = timeout
        self.limit = limit
        self._train = train
        self._lock = threading.Lock()
        self._threads = 0

    @property
    def threads(self) -> int:
        """Training threads alive now, abandoned ones included."""
        with self._lock:
            return self._threads

    async def answer(self, assembled: AssembledMessage) -> TaskAnswer:
        """Train the task of ``assembled`` and return its answer (never raises for a task).

        Raises:
            WorkerProtocolError: When not even a failure can be written (a task id too long
                for a frame).
            asyncio.CancelledError: When cancelled (the connection ended); the thread, if
                started, is abandoned.
        """
        started = time.monotonic()
        assign = assembled.message
        assert isinstance(assign, TaskAssign)  # the session dispatches only task_assign here
        identity = TaskIdentity.of(assign)
        timed_out = False
        try:
            task = task_from_assign(assembled)
            outcome = await self._run(task, identity.task_id)
            rows, outputs = task.residual_error.shape
            frames = success_frames(assign, outcome, rows=rows, outputs=outputs)
        except TimeoutError:
            timed_out = True
            reason = f"task timed out after {self.timeout:g} s; its result will be discarded"
        except CandidateError as exc:
            reason = f"cannot train this candidate: {exc}"
        except (WorkerProtocolError, BinaryFrameError) as exc:
            reason = f"the trained result failed its checks: {exc}"
        except Exception as exc:  # a fault in training must still be answered
            logger.exception("training task %s raised", identity.task_id)
            reason = f"training failed: {type(exc).__name__}: {exc}"
        else:
            return TaskAnswer(frames, success=True)
        logger.warning("task %s failed: %s", identity.task_id, reason)
        frames = failure_frames(identity, reason, duration=time.monotonic() - started)
        return TaskAnswer(frames, success=False, timed_out=timed_out)

    async def _run(self, task: CandidateTask, task_id: str) -> CandidateOutcome:
        with self._lock:
            if self._threads >= self.limit:
                raise CandidateError(
                    f"the worker is busy: all {self.limit} training threads are in use"
                )
            self._threads += 1
        future = self._start(self._train, task, name=f"train-{task_id[:40]}")
        return await asyncio.wait_for(future, self.timeout)

    def _start(self, func: Callable[[_A], _R], arg: _A, *, name: str) -> asyncio.Future[_R]:
        """Run ``func(arg)`` in a new daemon thread; a future on this loop settles with it."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[_R] = loop.create_future()

        def target() -> None:
            settle: Callable[[], None]
            try:
                result = func(arg)
            except BaseException as exc:  # handed to the loop, which decides
                settle = functools.partial(_settle_error, future, exc)
            else:
                settle = functools.partial(_settle_result, future, result)
            finally:
                with self._lock:
                    self._threads -= 1
            with contextlib.suppress(RuntimeError):  # the loop is gone: nobody is waiting
                loop.call_soon_threadsafe(settle)

        threading.Thread(target=target, name=name, daemon=True).start()
        return future


def _settle_result(future: asyncio.Future[_R], result: _R) -> None:
    if not future.done():  # a task that timed out or was cancelled: the result is discarded
        future.set_result(result)


def _settle_error(future: asyncio.Future[_R], error: BaseException) -> None:
    if not future.done():
        future.set_exception(error)
