"""Candidate rounds on remote workers, scheduled as juniper-cascor 0.12.0 does.

Local first: the first ``LOCAL_CAPACITY`` candidates of a pool train in process; of the rest, one
per idle worker goes into the round's queue, and the remainder also trains in process. A worker
takes a queued task only when it connects, after it sends a result, or on a heartbeat while idle,
and holds one task at a time. The trainer thread trains its share, then waits up to the task
timeout for the remote results (less when the round completes or no worker is left). Candidates
whose result is missing, failed (``success: false``) or unusable are trained in process, so a
round always completes.

A rejected result puts its task back in the queue; a duplicate, unknown or stale result, or one
for a task assigned to another worker, is rejected without requeue. Everything here runs on the
event loop except ``run_candidates``.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import logging
import threading
import uuid
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from numpy.typing import NDArray

from juniper_cascor_fake_server.domain.trainer import Progress, run_locally
from juniper_cascor_fake_server.learner import CandidateResult, CandidateTask
from juniper_cascor_fake_server.workers.results import remote_candidate, result_problems
from juniper_cascor_fake_server.workers.tasks import assign_frames, task_tensors

if TYPE_CHECKING:
    from juniper_cascor_fake_server.workers.registry import WorkerRecord, WorkerRegistry

__all__ = ["LOCAL_CAPACITY", "Dispatcher"]

logger = logging.getLogger(__name__)

LOCAL_CAPACITY = 1
"""Candidates of each pool trained in process before any goes to a worker (the real server's
share on a two-core host: one process, leaving a core free)."""

_POLL = 0.05
_ON_LOOP_TIMEOUT = 10.0
T = TypeVar("T")


@dataclass
class _Pending:
    task: CandidateTask
    assigned_to: str | None = None
    completed: bool = False


@dataclass(frozen=True)
class _Settled:
    task: CandidateTask
    result: CandidateResult | None  # None: failed or unusable, trained in process instead


class _Round:
    def __init__(self, tasks: list[CandidateTask]) -> None:
        self.round_id = str(uuid.uuid4())
        self.tasks = {str(uuid.uuid4()): _Pending(task) for task in tasks}
        self.queue = deque(self.tasks)
        self.tensors = task_tensors(tasks[0])
        self.settled: dict[str, _Settled] = {}
        self.changed = asyncio.Event()

    @property
    def complete(self) -> bool:
        return len(self.settled) >= len(self.tasks)


class Dispatcher:
    """The task queue of the current round and what each worker holds.

    Args:
        registry: The workers.
        task_timeout: How long ``run_candidates`` waits for a round's remote results.
    """

    def __init__(self, registry: WorkerRegistry, task_timeout: float) -> None:
        self.registry = registry
        self.task_timeout = task_timeout
        self._round: _Round | None = None

    # -- event loop ------------------------------------------------------------------------------
    def next_assignment(self, record: WorkerRecord) -> list[str | bytes]:
        """The frames of the next queued task for an idle, registered worker (else none)."""
        current = self._round
        if current is None or not record.idle or not self.registry.registered(record):
            return []
        while current.queue:
            task_id = current.queue.popleft()
            pending = current.tasks[task_id]
            if pending.completed:
                continue
            pending.assigned_to = record.worker_id
            record.active_task_id = task_id
            return assign_frames(pending.task, task_id, current.round_id, current.tensors)
        return []

    def submit_result(
        self, record: WorkerRecord, frame: Mapping[str, Any], tensors: Mapping[str, NDArray[Any]]
    ) -> bool:
        """Settle a ``task_result`` (its tensors decoded); whether it is accepted."""
        task_id = frame.get("task_id")
        current = self._round
        if (
            current is None
            or not isinstance(task_id, str)
            or task_id not in current.tasks
            or task_id in current.settled
        ):
            logger.warning("result for an unknown or settled task %r rejected", task_id)
            return False
        pending = current.tasks[task_id]
        if pending.assigned_to != record.worker_id:
            logger.warning(
                "result for task %s, not assigned to %s, rejected", task_id, record.worker_id
            )
            if pending.assigned_to is not None:
                record.finish_task(success=False)
            return False
        problems = result_problems(frame, tensors)
        if problems:
            logger.warning("result for task %s rejected: %s", task_id, "; ".join(problems))
            record.finish_task(success=False)
            self._requeue(task_id)
            return False
        success = frame["success"] is True
        if not success:
            logger.info(
                "worker %s failed task %s: %s",
                record.worker_id,
                task_id,
                frame.get("error_message"),
            )
        result = remote_candidate(pending.task, frame, tensors) if success else None
        current.settled[task_id] = _Settled(pending.task, result)
        pending.completed = True
        record.finish_task(success)
        current.changed.set()
        return True

    def abort(self, record: WorkerRecord, task_id: object) -> None:
        """Free a worker whose result broke off, and requeue its task."""
        if task_id is None:
            task_id = record.active_task_id
        record.finish_task(success=False)
        self._requeue(task_id)

    def release(self, record: WorkerRecord) -> None:
        """A worker left (or went stale): requeue its task and wake the waiting round."""
        self._requeue(record.active_task_id)
        if self._round is not None:
            self._round.changed.set()

    def cancel(self) -> None:
        """Drop the current round, freeing the workers that hold its tasks."""
        current, self._round = self._round, None
        if current is None:
            return
        for pending in current.tasks.values():
            holder = self.registry.get(pending.assigned_to or "")
            if holder is not None and not pending.completed:
                holder.finish_task(success=False)
        current.changed.set()

    def _requeue(self, task_id: object) -> None:
        current = self._round
        pending = current.tasks.get(task_id) if current and isinstance(task_id, str) else None
        if current is None or pending is None or pending.completed or task_id in current.queue:
            return
        pending.assigned_to = None
        current.queue.append(str(task_id))

    def _open_round(self, tasks: list[CandidateTask]) -> _Round | None:
        idle = self.registry.available()
        remote = tasks[LOCAL_CAPACITY : LOCAL_CAPACITY + idle]
        if not remote:
            return None
        self.cancel()
        self._round = _Round(remote)
        logger.info(
            "round %s: %d of %d candidates queued for workers",
            self._round.round_id,
            len(remote),
            len(tasks),
        )
        return self._round

    async def _collect(self, current: _Round) -> list[_Settled]:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.task_timeout
        while not current.complete and self.registry.records() and self._round is current:
            remaining = deadline - loop.time()
            if remaining <= 0:
                break
            current.changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(current.changed.wait(), remaining)
        return list(current.settled.values())

    # -- trainer thread --------------------------------------------------------------------------
    def run_candidates(
        self, tasks: list[CandidateTask], progress: Progress, stopping: threading.Event
    ) -> list[CandidateResult]:
        """Train ``tasks``: on idle workers as the real server shares them, the rest in process.

        Returns early (with the results so far) when ``stopping`` is set.
        """
        loop = self.registry.loop
        current = None
        if loop is None or len(tasks) <= LOCAL_CAPACITY:
            return run_locally(tasks, progress, stopping)
        with contextlib.suppress(RuntimeError, concurrent.futures.TimeoutError):
            current = _on_loop(loop, lambda: self._open_round(tasks))
        if current is None:
            return run_locally(tasks, progress, stopping)
        remote = {pending.task.candidate_index for pending in current.tasks.values()}
        results = run_locally(
            [t for t in tasks if t.candidate_index not in remote], progress, stopping
        )
        settled = self._wait(loop, current, stopping)
        for item in settled:
            if item.result is not None:
                progress(item.task, item.result.epochs_completed, item.result.correlation)
                results.append(item.result)
        done = {result.candidate_index for result in results}
        missing = [task for task in tasks if task.candidate_index not in done]
        if missing and not stopping.is_set():
            logger.info("training %d remote candidates in process", len(missing))
            results.extend(run_locally(missing, progress, stopping))
        return sorted(results, key=lambda result: result.candidate_index)

    def _wait(
        self, loop: asyncio.AbstractEventLoop, current: _Round, stopping: threading.Event
    ) -> list[_Settled]:
        future = asyncio.run_coroutine_threadsafe(self._collect(current), loop)
        while not stopping.is_set():
            try:
                return future.result(timeout=_POLL)
            except concurrent.futures.TimeoutError:
                continue
            except (RuntimeError, concurrent.futures.CancelledError):
                return []
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(self._cancel_if_current, current)
        return []

    def _cancel_if_current(self, current: _Round) -> None:
        if self._round is current:
            self.cancel()


def _on_loop(loop: asyncio.AbstractEventLoop, function: Callable[[], T]) -> T:
    """Run ``function`` on ``loop`` from another thread and return its result.

    Raises:
        RuntimeError: when the loop is closed.
        concurrent.futures.TimeoutError: when the loop does not answer in 10 s.
    """

    async def call() -> T:
        return function()

    return asyncio.run_coroutine_threadsafe(call(), loop).result(_ON_LOOP_TIMEOUT)
