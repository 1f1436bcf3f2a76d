"""``WorkerStats``: what a worker has done, for its heartbeats and for whoever runs it.

Updated on the worker's event loop only. Reading the integers from another thread is safe;
copy ``durations`` and ``errors`` with ``list(...)`` once the worker is quiet.
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field

from juniper_cascor_numpy_worker.host import rss_mb
from juniper_cascor_protocol.worker import MAX_RECENT_TASK_DURATIONS, Heartbeat

__all__ = ["MAX_KEPT_ERRORS", "WorkerStats"]

MAX_KEPT_ERRORS = 32
"""How many of the server's latest ``error`` texts are kept."""


@dataclass
class WorkerStats:
    """Counters of one worker over all its connections.

    Attributes:
        tasks_completed: Tasks answered ``success: true``.
        tasks_failed: Tasks answered ``success: false`` (could not be done, timed out, failed
            their checks), and tasks that could not be answered at all.
        tasks_timed_out: Of ``tasks_failed``, those that ran past the task timeout.
        in_flight_tasks: Tasks being trained now.
        durations: Seconds each of the latest tasks took, oldest first (at most 16).
        last_task_completed_at: Epoch seconds when the latest task ended, or ``None``.
        accepted, rejected: The server's ``result_ack`` answers.
        errors: Texts of the server's latest ``error`` frames (at most ``MAX_KEPT_ERRORS``).
        server_errors: Every ``error`` frame received.
        unknown_messages: Text frames of a type this worker does not handle.
        bad_frames: Frames that could not be read (invalid JSON or fields, undecodable or
            mismatched tensors, binary frames outside a task).
        registrations: Connections that registered.
        failed_connections: Connection attempts that failed and were retried.
    """

    tasks_completed: int = 0
    tasks_failed: int = 0
    tasks_timed_out: int = 0
    in_flight_tasks: int = 0
    durations: deque[float] = field(default_factory=lambda: deque(maxlen=MAX_RECENT_TASK_DURATIONS))
    last_task_completed_at: float | None = None
    accepted: int = 0
    rejected: int = 0
    errors: deque[str] = field(default_factory=lambda: deque(maxlen=MAX_KEPT_ERRORS))
    server_errors: int = 0
    unknown_messages: int = 0
    bad_frames: int = 0
    registrations: int = 0
    failed_connections: int = 0

    def task_ended(self, *, success: bool, duration: float) -> None:
        """Count a task answered (or abandoned) after ``duration`` seconds."""
        if success:
            self.tasks_completed += 1
        else:
            self.tasks_failed += 1
        self.durations.append(duration)
        self.last_task_completed_at = time.time()

    def heartbeat(self, worker_id: str) -> Heartbeat:
        """The heartbeat reporting these figures for ``worker_id``."""
        durations = tuple(self.durations)
        return Heartbeat(
            worker_id=worker_id,
            timestamp=time.time(),
            in_flight_tasks=self.in_flight_tasks,
            tasks_completed=self.tasks_completed,
            tasks_failed=self.tasks_failed,
            recent_task_durations_seconds=durations,
            last_task_completed_at=self.last_task_completed_at,
            rss_mb=rss_mb(),
            last_task_duration_seconds=durations[-1] if durations else None,
        )
