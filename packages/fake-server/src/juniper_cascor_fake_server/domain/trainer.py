"""The background training thread: drives the learner and emits every frame from its state.

A run trains the outputs (its first pass limited to the start's ``epochs`` when given, like the
real server's initial output-training budget), then grows the network one candidate pool at a
time until the learner stops. It emits ``metrics`` per output epoch, ``cascade_add`` and
``topology`` per installed unit, ``state`` on every change of the state machine and ``event``
(``training_complete``) when the run ends. Candidate progress shows only in the ``state``
frames' counters: the real server sends no ``candidate_progress`` frame.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable

from juniper_cascor_fake_server.domain.machine import TrainingPhase, TrainingStatus
from juniper_cascor_fake_server.domain.state import COMPLETION_REASONS, TrainingState
from juniper_cascor_fake_server.domain.views import cascade_add, topology_of
from juniper_cascor_fake_server.learner import (
    CandidateResult,
    CandidateTask,
    CascadeCorrelationLearner,
    train_candidate,
)

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

    def start(self, learner: CascadeCorrelationLearner, first_pass: int | None = None) -> None:
        """Train ``learner`` in a new thread (the caller set the state to ``STARTED``).

        ``first_pass`` limits the first output-training pass to that many epochs.

        Raises:
            RuntimeError: when a training thread is still running.
        """
        if self.alive:
            raise RuntimeError("training thread already running")
        self._stop.clear()
        self._running.set()
        self._thread = threading.Thread(
            target=self._run, args=(learner, first_pass), name="fake-cascor-trainer", daemon=True
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

    def _run(self, learner: CascadeCorrelationLearner, first_pass: int | None) -> None:
        state = self.state
        budget = learner.config.output_epochs
        if first_pass is not None:
            learner.reconfigure(output_epochs=first_pass)
        self._output_phase(learner)
        try:
            while not learner.done and self._wait_running():
                if learner.needs_candidates:
                    learner.reconfigure(output_epochs=budget)
                    self._grow(learner)
                    continue
                with state.lock:
                    metrics = learner.output_epoch()
                state.record_metrics(metrics)
                if self.epoch_delay > 0:
                    self._stop.wait(self.epoch_delay)
        except Exception:
            logger.exception("training failed")
            state.fail()
            state.emit("event", {"event": "training_complete"})
            return
        self._finish(learner)

    def _wait_running(self) -> bool:
        self._running.wait()
        return not self._stop.is_set()

    def _output_phase(self, learner: CascadeCorrelationLearner) -> None:
        state = self.state
        with state.lock:
            state.progress.output_epoch = 0
            state.progress.output_total_epochs = learner.config.output_epochs
        state.set_status(state.status, TrainingPhase.OUTPUT)

    def _grow(self, learner: CascadeCorrelationLearner) -> None:
        state = self.state
        with state.lock:
            tasks = learner.candidate_tasks()
            state.progress.candidates_total = len(tasks)
            state.progress.candidate_total_epochs = learner.config.candidate_epochs
        state.set_status(state.status, TrainingPhase.CANDIDATE)
        results = self.run_candidates(tasks, self._progress, self._stop)
        if self._stop.is_set():
            return
        with state.lock:
            state.progress.pool_done(results)
            unit = learner.install_best(results)
            network = learner.network
            added = None if unit is None else cascade_add(unit, len(network.hidden))
            shape = topology_of(network)
        if added is not None:
            state.emit("cascade_add", added)
            state.emit("topology", shape)
        if not learner.done:
            self._output_phase(learner)

    def _progress(self, task: CandidateTask, epoch: int, correlation: float) -> None:
        state = self.state
        with state.lock:
            state.progress.candidate_epoch = max(state.progress.candidate_epoch, epoch)

    def _finish(self, learner: CascadeCorrelationLearner) -> None:
        state = self.state
        with state.lock:
            if learner.done and learner.outcome is not None:
                state.completion_reason = COMPLETION_REASONS[learner.outcome]
                state.progress.output_epoch = state.progress.output_total_epochs = 0
                if state.status is TrainingStatus.STARTED:
                    state.set_status(TrainingStatus.COMPLETED)
            elif state.status in (TrainingStatus.STARTED, TrainingStatus.PAUSED):
                state.set_status(TrainingStatus.STOPPED)
        state.emit("event", {"event": "training_complete"})
