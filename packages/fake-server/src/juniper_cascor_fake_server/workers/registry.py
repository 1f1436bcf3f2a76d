"""Connected workers: their records for ``/v1/workers``, heartbeats and staleness.

Used on the event loop only, except ``run_candidates`` (see ``dispatch``). A worker's figures
are the ones it reports: a heartbeat's ``in_flight_tasks``, ``tasks_completed``,
``tasks_failed``, ``rss_mb``, ``last_task_completed_at``, ``last_task_duration_seconds``,
``recent_task_durations_seconds`` and ``gpu_utilization_pct`` replace the recorded ones (a
missing or mistyped field keeps its value); the server only counts a task completed or failed
when it settles one. A worker whose last heartbeat is over ``heartbeat_timeout`` (30 s) old is
stale; a sweep every ``sweep_interval`` (10 s) removes stale workers and requeues their task.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import threading
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from juniper_cascor_fake_server.domain.trainer import Progress
from juniper_cascor_fake_server.learner import CandidateResult, CandidateTask
from juniper_cascor_fake_server.workers.dispatch import Dispatcher
from juniper_cascor_fake_server.ws.connections import WsConnection

__all__ = ["WorkerRecord", "WorkerRegistry"]

logger = logging.getLogger(__name__)

HEARTBEAT_TIMEOUT = 30.0
SWEEP_INTERVAL = 10.0


def _count(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _seconds(value: object) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    return None


def _durations(value: object) -> list[float] | None:
    if not isinstance(value, list):
        return None
    durations = [_seconds(item) for item in value]
    return None if None in durations else [d for d in durations if d is not None]


@dataclass
class WorkerRecord:
    """One registered worker, with every field of the real server's worker object."""

    worker_id: str
    client_name: str
    capabilities: dict[str, Any]
    connection: WsConnection
    connected_at: float = field(default_factory=time.time)
    last_heartbeat: float = field(default_factory=time.time)
    tasks_completed: int = 0
    tasks_failed: int = 0
    active_task_id: str | None = None
    in_flight_tasks: int = 0
    last_task_completed_at: float | None = None
    rss_mb: float | None = None
    last_task_duration_seconds: float | None = None
    recent_task_durations_seconds: list[float] = field(default_factory=list)
    gpu_utilization_pct: float | None = None

    @property
    def idle(self) -> bool:
        """No task is assigned to the worker."""
        return self.active_task_id is None

    @property
    def health_score(self) -> float:
        """Share of settled tasks that succeeded (1.0 before any)."""
        total = self.tasks_completed + self.tasks_failed
        return 1.0 if total == 0 else self.tasks_completed / total

    def alive(self, timeout: float) -> bool:
        """Whether the last heartbeat is less than ``timeout`` seconds old."""
        return time.time() - self.last_heartbeat < timeout

    def finish_task(self, success: bool) -> bool:
        """Free the worker of its task, counted completed or failed; ``False`` if it had none."""
        if self.active_task_id is None:
            return False
        self.active_task_id = None
        if success:
            self.tasks_completed += 1
        else:
            self.tasks_failed += 1
        return True

    def record_heartbeat(self, frame: Mapping[str, Any]) -> None:
        """Take the worker's own figures from a heartbeat frame."""
        self.last_heartbeat = time.time()
        counts = {
            name: _count(frame.get(name))
            for name in ("in_flight_tasks", "tasks_completed", "tasks_failed")
        }
        if counts["in_flight_tasks"] is not None:
            self.in_flight_tasks = counts["in_flight_tasks"]
        if counts["tasks_completed"] is not None:
            self.tasks_completed = counts["tasks_completed"]
        if counts["tasks_failed"] is not None:
            self.tasks_failed = counts["tasks_failed"]
        for name in (
            "last_task_completed_at",
            "rss_mb",
            "last_task_duration_seconds",
            "gpu_utilization_pct",
        ):
            value = _seconds(frame.get(name))
            if value is not None:
                setattr(self, name, value)
        durations = _durations(frame.get("recent_task_durations_seconds"))
        if durations is not None:
            self.recent_task_durations_seconds = durations

    def to_dict(self) -> dict[str, Any]:
        """The worker object of ``/v1/workers``."""
        return {
            "worker_id": self.worker_id,
            "capabilities": self.capabilities,
            "connected_at": self.connected_at,
            "last_heartbeat": self.last_heartbeat,
            "tasks_completed": self.tasks_completed,
            "tasks_failed": self.tasks_failed,
            "active_task_id": self.active_task_id,
            "health_score": self.health_score,
            "idle": self.idle,
            "in_flight_tasks": self.in_flight_tasks,
            "last_task_completed_at": self.last_task_completed_at,
            "rss_mb": self.rss_mb,
            "last_task_duration_seconds": self.last_task_duration_seconds,
            "recent_task_durations_seconds": list(self.recent_task_durations_seconds),
            "gpu_utilization_pct": self.gpu_utilization_pct,
        }


class WorkerRegistry:
    """The registered workers of one server and their candidate dispatch.

    Args:
        capacity: Most workers registered at once.
        task_timeout: How long a candidate round waits for its remote results.
    """

    def __init__(self, capacity: int, task_timeout: float) -> None:
        self.capacity = capacity
        self.heartbeat_timeout = HEARTBEAT_TIMEOUT
        self.sweep_interval = SWEEP_INTERVAL
        self.loop: asyncio.AbstractEventLoop | None = None
        self.dispatch = Dispatcher(self, task_timeout)
        self._workers: dict[str, WorkerRecord] = {}
        self._sweeper: asyncio.Task[None] | None = None

    def register(
        self, client_name: str, capabilities: dict[str, Any], connection: WsConnection
    ) -> WorkerRecord | None:
        """Add a worker under a fresh ``worker-<12 hex>`` id; ``None`` when the registry is full."""
        if len(self._workers) >= self.capacity:
            return None
        record = WorkerRecord(
            worker_id=f"worker-{uuid.uuid4().hex[:12]}",
            client_name=client_name,
            capabilities=capabilities,
            connection=connection,
        )
        self._workers[record.worker_id] = record
        if self._sweeper is None or self._sweeper.done():
            self._sweeper = asyncio.get_running_loop().create_task(self._sweep())
        return record

    def registered(self, record: WorkerRecord) -> bool:
        """Whether ``record`` is still in the registry (not removed as stale or gone)."""
        return self._workers.get(record.worker_id) is record

    def remove(self, record: WorkerRecord) -> None:
        """Forget a worker (idempotent); its unfinished task goes back to the queue."""
        if self._workers.pop(record.worker_id, None) is record:
            self.dispatch.release(record)

    def get(self, worker_id: str) -> WorkerRecord | None:
        """The registered worker with that id."""
        return self._workers.get(worker_id)

    def records(self) -> list[WorkerRecord]:
        """Every registered worker."""
        return list(self._workers.values())

    def available(self) -> int:
        """How many registered workers are idle and alive."""
        return sum(1 for r in self._workers.values() if r.idle and r.alive(self.heartbeat_timeout))

    def stats(self) -> dict[str, Any]:
        """``GET /v1/workers/stats``."""
        records = self.records()
        idle = self.available()
        stale = sum(1 for r in records if not r.alive(self.heartbeat_timeout))
        scores = [r.health_score for r in records]
        return {
            "total": len(records),
            "idle": idle,
            "busy": len(records) - idle - stale,
            "stale": stale,
            "total_tasks_completed": sum(r.tasks_completed for r in records),
            "total_tasks_failed": sum(r.tasks_failed for r in records),
            "average_health_score": round(sum(scores) / len(scores), 4) if scores else 0.0,
            "timestamp": time.time(),
        }

    async def _sweep(self) -> None:
        while self._workers:
            await asyncio.sleep(self.sweep_interval)
            for record in self.records():
                if not record.alive(self.heartbeat_timeout):
                    logger.warning("worker %s missed its heartbeats; removed", record.worker_id)
                    self.remove(record)

    def run_candidates(
        self, tasks: list[CandidateTask], progress: Progress, stopping: threading.Event
    ) -> list[CandidateResult]:
        """Train a candidate pool, on idle workers where there are some (trainer thread)."""
        return self.dispatch.run_candidates(tasks, progress, stopping)

    def close_all(self) -> None:
        """Cancel the round and forget every worker (server shutdown)."""
        if self._sweeper is not None:
            self._sweeper.cancel()
        self.dispatch.cancel()
        for record in self.records():
            with contextlib.suppress(Exception):
                self.remove(record)
