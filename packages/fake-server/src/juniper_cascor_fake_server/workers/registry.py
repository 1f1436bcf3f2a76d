"""Connected workers: their records for ``/v1/workers`` and candidate task dispatch.

Used on the event loop only, except ``run_candidates``, which the trainer thread calls: it
hands the pool to the loop, spreads the tasks over the connected workers and waits. A task whose
worker fails, disconnects, answers an invalid result or exceeds the task timeout is trained in
process instead, so a round always completes.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import itertools
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from juniper_cascor_fake_server.learner import CandidateResult, CandidateTask, train_candidate
from juniper_cascor_fake_server.ws.connections import WsConnection
from juniper_cascor_fake_server.domain.trainer import Progress, run_locally
from juniper_cascor_fake_server.workers.tasks import assign_frames
from juniper_cascor_protocol.worker import Heartbeat, Register

__all__ = ["WorkerRecord", "WorkerRegistry"]

_STALE_AFTER = 30.0
_RECENT = 16


@dataclass
class WorkerRecord:
    """One registered worker, with every field of the protocol's worker object."""

    worker_id: str
    client_name: str
    capabilities: dict[str, Any]
    connection: WsConnection
    connected_at: float = field(default_factory=time.time)
    last_heartbeat: float = field(default_factory=time.time)
    tasks_completed: int = 0
    tasks_failed: int = 0
    rss_mb: float | None = None
    gpu_utilization_pct: float | None = None
    last_task_completed_at: float | None = None
    last_task_duration_seconds: float | None = None
    recent: deque[float] = field(default_factory=lambda: deque(maxlen=_RECENT))
    pending: dict[str, tuple[CandidateTask, float, asyncio.Future[CandidateResult]]] = field(
        default_factory=dict
    )

    @property
    def stale(self) -> bool:
        """No heartbeat for 30 s."""
        return time.time() - self.last_heartbeat > _STALE_AFTER

    @property
    def health_score(self) -> float:
        """Share of tasks that succeeded, halved while stale."""
        total = self.tasks_completed + self.tasks_failed
        score = 1.0 if total == 0 else self.tasks_completed / total
        return score / 2 if self.stale else score

    def to_dict(self) -> dict[str, Any]:
        """The worker object of ``/v1/workers``."""
        return {
            "worker_id": self.worker_id,
            "client_name": self.client_name,
            "capabilities": self.capabilities,
            "connected_at": self.connected_at,
            "last_heartbeat": self.last_heartbeat,
            "tasks_completed": self.tasks_completed,
            "tasks_failed": self.tasks_failed,
            "active_task_id": next(iter(self.pending), None),
            "health_score": self.health_score,
            "idle": not self.pending,
            "in_flight_tasks": len(self.pending),
            "last_task_completed_at": self.last_task_completed_at,
            "rss_mb": self.rss_mb,
            "last_task_duration_seconds": self.last_task_duration_seconds,
            "recent_task_durations_seconds": list(self.recent),
            "gpu_utilization_pct": self.gpu_utilization_pct,
        }


class WorkerRegistry:
    """The registered workers of one server."""

    def __init__(self, capacity: int, task_timeout: float) -> None:
        self.capacity = capacity
        self.task_timeout = task_timeout
        self.loop: asyncio.AbstractEventLoop | None = None
        self._workers: dict[str, WorkerRecord] = {}
        self._rounds = itertools.count(1)

    def register(self, message: Register, connection: WsConnection) -> WorkerRecord | None:
        """Add a worker with a fresh ``worker-<12 hex>`` id; ``None`` when the registry is full."""
        if len(self._workers) >= self.capacity:
            return None
        record = WorkerRecord(
            worker_id=f"worker-{secrets.token_hex(6)}",
            client_name=message.worker_id,
            capabilities=message.capabilities.to_dict(),
            connection=connection,
        )
        self._workers[record.worker_id] = record
        return record

    def heartbeat(self, record: WorkerRecord, message: Heartbeat) -> None:
        """Take the worker's own load figures from a heartbeat."""
        record.last_heartbeat = time.time()
        record.rss_mb = message.rss_mb
        record.gpu_utilization_pct = message.gpu_utilization_pct

    def remove(self, record: WorkerRecord) -> None:
        """Forget a worker; its unfinished tasks fall back to in-process training."""
        self._workers.pop(record.worker_id, None)
        for _, _, future in record.pending.values():
            if not future.done():
                future.set_exception(ConnectionError("worker disconnected"))
        record.pending.clear()

    def get(self, worker_id: str) -> WorkerRecord | None:
        """The worker with that id, if connected."""
        return self._workers.get(worker_id)

    def records(self) -> list[WorkerRecord]:
        """Every connected worker."""
        return list(self._workers.values())

    def stats(self) -> dict[str, Any]:
        """``GET /v1/workers/stats``."""
        records = self.records()
        scores = [r.health_score for r in records]
        return {
            "total": len(records),
            "idle": sum(1 for r in records if not r.pending),
            "busy": sum(1 for r in records if r.pending),
            "stale": sum(1 for r in records if r.stale),
            "total_tasks_completed": sum(r.tasks_completed for r in records),
            "total_tasks_failed": sum(r.tasks_failed for r in records),
            "average_health_score": sum(scores) / len(scores) if scores else None,
            "timestamp": time.time(),
        }

    def finish(self, record: WorkerRecord, task_id: str, result: CandidateResult | None) -> bool:
        """Settle a task with a validated result (or ``None`` for a rejected one)."""
        entry = record.pending.pop(task_id, None)
        if entry is None:
            return False
        _, started, future = entry
        now = time.time()
        if result is None:
            record.tasks_failed += 1
            if not future.done():
                future.set_exception(ValueError("result rejected"))
            return True
        record.tasks_completed += 1
        record.last_task_completed_at = now
        record.last_task_duration_seconds = now - started
        record.recent.append(now - started)
        if not future.done():
            future.set_result(result)
        return True

    def task_of(self, record: WorkerRecord, task_id: str) -> CandidateTask | None:
        """The task a worker was given under ``task_id``."""
        entry = record.pending.get(task_id)
        return None if entry is None else entry[0]

    # -- dispatch ------------------------------------------------------------------------------
    def run_candidates(
        self, tasks: list[CandidateTask], progress: Progress, stopping: threading.Event
    ) -> list[CandidateResult]:
        """Train the pool on the connected workers (in process when there are none).

        Called from the trainer thread; returns early (possibly with fewer results) on stop.
        """
        loop = self.loop
        if loop is None or not self._workers:
            return run_locally(tasks, progress, stopping)
        future = asyncio.run_coroutine_threadsafe(self._dispatch(tasks, progress), loop)
        while True:
            try:
                return future.result(timeout=0.05)
            except concurrent.futures.TimeoutError:
                if stopping.is_set():
                    future.cancel()
                    return []

    async def _dispatch(
        self, tasks: list[CandidateTask], progress: Progress
    ) -> list[CandidateResult]:
        round_id = f"round-{next(self._rounds)}"
        workers = self.records()
        waits = []
        for task, record in zip(tasks, itertools.cycle(workers), strict=False):
            task_id = f"{round_id}-task-{task.candidate_index}"
            future: asyncio.Future[CandidateResult] = asyncio.get_running_loop().create_future()
            record.pending[task_id] = (task, time.time(), future)
            for frame in assign_frames(task, task_id, round_id):
                record.connection.send(frame)
            waits.append(self._settle(task, future, record, task_id, progress))
        return list(await asyncio.gather(*waits))

    async def _settle(
        self,
        task: CandidateTask,
        future: asyncio.Future[CandidateResult],
        record: WorkerRecord,
        task_id: str,
        progress: Progress,
    ) -> CandidateResult:
        try:
            result = await asyncio.wait_for(future, self.task_timeout)
        except (TimeoutError, ConnectionError, ValueError):
            if record.pending.pop(task_id, None) is not None:
                record.tasks_failed += 1
            result = await asyncio.to_thread(train_candidate, task)
        progress(task, result.epochs_completed, result.correlation)
        return result

    def close_all(self) -> None:
        """Fail every pending task (server shutdown)."""
        for record in self.records():
            with contextlib.suppress(Exception):
                self.remove(record)
