"""The background training thread: drives the learner and emits every frame from its state."""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable
from typing import Any

from juniper_cascor_fake_server.learner import (
    CandidateResult,
    CandidateTask,
    CascadeCorrelationLearner,
    train_candidate,
)
from juniper_cascor_fake_server.domain.state import TrainingPhase, TrainingState, TrainingStatus

__all__ = ["CandidateRunner", "Progress", "Trainer", "run_locally"]

logger = logging.getLogger(__name__)

Progress = Callable[[CandidateTask, int, float], None]
CandidateRunner = Callable[[list[CandidateTask], Progress, threading.Event], list[CandidateResult]]


def run_locally(
    tasks: list[CandidateTask], progress: Progress, stopping: threading.Event
) -> list[CandidateResult]:
    """Train the candidates in this process, reporting progress; stop early when asked."""
    results = []
    for task in tasks:
        if stopping.is_set():
            break
        results.append(train_candidate(task, functools.partial(progress, task)))
    return results


class Trainer:
    """Runs one learner at a time in a daemon thread; pause, resume and stop are thread-safe."""

    def __init__(
        self, state: TrainingState, run_candidates: CandidateRunner, epoch_delay: float
    ) -> None:
        self.state = state
        self.run_candidates = run_candidates
        self.epoch_delay = epoch_delay
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._running = threading.Event()

    @property
    def alive(self) -> bool:
        """Whether the training thread is running (or paused)."""
        return self._thread is not None and self._thread.is_alive()

    def start(self, learner: CascadeCorrelationLearner) -> None:
        """Train ``learner`` in a new thread (the caller set the state to Started).

        Raises:
            RuntimeError: when a training thread is still running.
        """
        if self.alive:
            raise RuntimeError("training thread already running")
        self._stop.clear()
        self._running.set()
        self._thread = threading.Thread(
            target=self._run, args=(learner,), name="fake-cascor-trainer", daemon=True
        )
        self._thread.start()

    def pause(self) -> None:
        """Hold the thread before its next step."""
        self._running.clear()

    def resume(self) -> None:
        """Let a paused thread go on."""
        self._running.set()

    def join(self, timeout: float) -> None:
        """Wait for the training thread to end by itself."""
        if self._thread is not None:
            self._thread.join(timeout)

    def stop(self, timeout: float = 10.0) -> None:
        """Ask the thread to stop and wait for it (a thread that outlives ``timeout`` is left)."""
        self._stop.set()
        self._running.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)

    def _run(self, learner: CascadeCorrelationLearner) -> None:
        state = self.state
        try:
            while not learner.done and self._wait_running():
                if learner.needs_candidates:
                    self._grow(learner)
                else:
                    with state.lock:
                        metrics = learner.output_epoch()
                    state.record_metrics(metrics)
                    if self.epoch_delay > 0:
                        self._stop.wait(self.epoch_delay)
        except Exception as exc:
            logger.exception("training failed")
            state.fail(exc)
            return
        self._finish(learner)

    def _wait_running(self) -> bool:
        self._running.wait()
        return not self._stop.is_set()

    def _grow(self, learner: CascadeCorrelationLearner) -> None:
        state = self.state
        state.set_status(state.status, TrainingPhase.CANDIDATE)
        with state.lock:
            tasks = learner.candidate_tasks()
        results = self.run_candidates(tasks, self._progress, self._stop)
        if self._stop.is_set():
            return
        with state.lock:
            unit = learner.install_best(results)
            topology = learner.network.to_dict()
        if unit is not None:
            added: dict[str, Any] = {
                **unit.to_dict(),
                "hidden_units": len(learner.network.hidden),
                "epoch": learner.epoch,
            }
            state.emit("cascade_add", added)
            state.emit("topology", topology)
        state.set_status(state.status, TrainingPhase.OUTPUT)

    def _progress(self, task: CandidateTask, epoch: int, correlation: float) -> None:
        self.state.emit(
            "candidate_progress",
            {
                "candidate_id": task.candidate_index,
                "candidate_uuid": task.candidate_uuid,
                "epoch": epoch,
                "correlation": correlation,
            },
        )

    def _finish(self, learner: CascadeCorrelationLearner) -> None:
        state = self.state
        with state.lock:
            if not learner.done:
                state.set_status(TrainingStatus.STOPPED, TrainingPhase.IDLE)
                return
            state.outcome = learner.outcome
            state.set_status(TrainingStatus.COMPLETED, TrainingPhase.IDLE)
            latest = state.latest_metrics()
        state.emit(
            "event",
            {
                "event": "training_complete",
                "outcome": learner.outcome.value if learner.outcome else None,
                "epoch": learner.epoch,
                "hidden_units": len(learner.network.hidden),
                "train_accuracy": latest.get("train_accuracy"),
                "train_loss": latest.get("train_loss"),
            },
        )
