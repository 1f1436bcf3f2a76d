"""Following a training run over ``/ws/training`` until a stop condition.

:func:`follow_training` subscribes with a real :class:`CascorTrainingStream`, tells the
:class:`RunView` once the stream is open (so nothing is drawn for a server that cannot be
reached), optionally starts training once subscribed (so no frame of the new run is missed),
feeds every relevant frame to the view and to a :class:`RunRecord`, and returns when one of these
happens:

* ``count`` live ``metrics`` frames were received (``initial_metrics`` replays do not count);
* ``duration`` seconds passed;
* the run finished: a ``training_complete``/``training_failed`` event, or a ``state`` frame with
  a terminal status (then after a short grace for the ``training_complete`` event that follows
  it), once the run was seen running (so the state a server reports on connect, left over from
  an earlier run, does not end a fresh subscription);
* the server closed the stream (a ``JuniperCascorConnectionError`` unless another condition
  was already met).
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from juniper_cascor_client_core.constants import (
    STATE_COMPLETED,
    STATE_FAILED,
    STATE_STARTED,
    STATE_STOPPED,
)
from juniper_cascor_client_core.exceptions import JuniperCascorConnectionError
from juniper_cascor_client_streams import CascorTrainingStream

__all__ = [
    "FINISH_EVENTS",
    "JSON_METRICS_LIMIT",
    "TERMINAL_STATES",
    "RunRecord",
    "RunView",
    "follow_training",
    "is_step",
    "same_state",
    "state_label",
]

FINISH_EVENTS = frozenset({"training_complete", "training_failed"})
TERMINAL_STATES = frozenset({STATE_COMPLETED, STATE_FAILED, STATE_STOPPED})
FINISH_EVENT_GRACE = 0.5
"""Seconds to wait, after a terminal ``state`` frame, for the event that says how it ended."""
JSON_METRICS_LIMIT = 1000
"""The newest metrics frames kept for JSON output (the loss curve keeps every epoch)."""

Frame = Mapping[str, Any]


def same_state(status: object, names: frozenset[str] | str) -> bool:
    """Whether ``status`` is one of ``names``, whatever its case: the server spells the state
    machine's states ``STARTED`` and the ``training_state`` (``state`` frames) ``Started``."""
    wanted = {names} if isinstance(names, str) else names
    return isinstance(status, str) and status.casefold() in {name.casefold() for name in wanted}


def state_label(status: str) -> str:
    """A state name as shown to a person, whatever case the server used (``COMPLETED`` and
    ``Completed`` are both ``Completed``)."""
    return status.capitalize()


def is_step(data: Frame) -> bool:
    """Whether a ``metrics`` frame is a training step (``kind: "training_step"``) rather than
    an epoch inside an output-training pass (``kind: "output_epoch"``, whose ``epoch`` counts
    within that pass). Frames without a ``kind`` are steps."""
    return bool(data.get("kind", "training_step") == "training_step")


class RunView(Protocol):
    """Receives the frames of a followed run as they arrive (e.g. to draw a progress bar)."""

    def opened(self) -> None:
        """The stream is open: the view may start drawing."""

    def metrics(self, data: Frame) -> None:
        """One epoch's metrics."""

    def unit_added(self, data: Frame) -> None:
        """A hidden unit was installed (a ``cascade_add`` frame)."""

    def state(self, data: Frame) -> None:
        """The training state changed."""


@dataclass
class RunRecord:
    """What was seen of a run: metrics, installed units, the final state or event.

    ``latest`` is the newest metrics frame, ``latest_step`` the newest training step (what the
    summary reports); ``epochs``/``losses`` are the loss curve, one point per training step.
    ``seeded`` says :meth:`seed` gave the service's state before following; the ``state``
    frames a server sends on connect (its ``training_state``, which may disagree with the state
    machine) are then not shown until the run is seen running.
    """

    metrics_received: int = 0
    latest: dict[str, Any] = field(default_factory=dict)
    latest_step: dict[str, Any] = field(default_factory=dict)
    recent: deque[dict[str, Any]] = field(default_factory=lambda: deque(maxlen=JSON_METRICS_LIMIT))
    epochs: list[int] = field(default_factory=list)
    losses: list[float] = field(default_factory=list)
    units: list[dict[str, Any]] = field(default_factory=list)
    status: str | None = None
    completion_reason: str | None = None
    finish_event: dict[str, Any] | None = None
    running_seen: bool = False
    seeded: bool = False
    started_at: float = field(default_factory=time.monotonic)
    ended_at: float | None = None

    @property
    def finished(self) -> bool:
        """Whether the run was seen running and then ended."""
        return self.running_seen and (
            self.finish_event is not None or same_state(self.status, TERMINAL_STATES)
        )

    @property
    def elapsed(self) -> float:
        """Seconds from the subscription to the end of following."""
        return (self.ended_at or time.monotonic()) - self.started_at

    @property
    def unit_epochs(self) -> list[int]:
        """The epochs at which hidden units were installed (the epoch of the training step
        before each ``cascade_add``)."""
        return [int(unit["epoch"]) for unit in self.units if isinstance(unit.get("epoch"), int)]

    def summary(self) -> dict[str, Any]:
        """The JSON-ready summary of the run (``completion_reason`` as the service reported
        it once the run finished, when the caller asked it; ``status`` as shown to a person,
        e.g. ``Completed``)."""
        latest = self.latest_step or self.latest
        event = self.finish_event or {}
        return {
            "finished": self.finished,
            "status": None if self.status is None else state_label(self.status),
            "completion_reason": self.completion_reason,
            "event": event.get("event"),
            "epochs": latest.get("epoch"),
            "final_loss": latest.get("loss"),
            "final_accuracy": latest.get("accuracy"),
            "hidden_units": latest.get("hidden_units", len(self.units) or None),
            "units_added": len(self.units),
            "metrics_received": self.metrics_received,
            "wall_time_s": round(self.elapsed, 3),
        }

    def seed(self, status: Frame, history: Sequence[Frame], view: RunView) -> None:
        """Show the service's state before any frame arrives: ``status`` is the data of
        ``GET /v1/training/status`` (its state machine's status and phase), ``history`` the
        newest entries of ``GET /v1/metrics/history``. They are what a finished run shows and
        are not counted as received metrics."""
        self.seeded = True
        self.completion_reason = status.get("completion_reason")
        machine = status.get("state_machine")
        if isinstance(machine, Mapping) and isinstance(machine.get("status"), str):
            self.status = machine["status"]
            view.state(machine)
        for entry in history:
            self.latest = dict(entry)
            if is_step(entry):
                self.latest_step = self.latest
            view.metrics(entry)

    def observe(self, frame: Frame, view: RunView) -> None:
        """Record one frame and show it."""
        kind, data = frame.get("type"), frame.get("data")
        if not isinstance(data, Mapping):
            return
        if kind == "metrics":
            self._metrics(data)
            view.metrics(data)
        elif kind == "cascade_add":
            self.units.append({**data, "epoch": self.latest_step.get("epoch")})
            view.unit_added(data)
        elif kind == "state":
            self._state(data)
            if self.running_seen or not self.seeded:
                view.state(data)
        elif kind == "initial_status" and data.get("training_active") is True:
            self._run_seen()
            machine = data.get("state_machine")
            self._state(machine if isinstance(machine, Mapping) else data)
        elif kind == "event" and data.get("event") in FINISH_EVENTS and self.running_seen:
            self.finish_event = dict(data)

    def _metrics(self, data: Frame) -> None:
        self._run_seen()
        self.metrics_received += 1
        self.latest = dict(data)
        self.recent.append(self.latest)
        if not is_step(data):
            return
        self.latest_step = self.latest
        epoch, loss = data.get("epoch"), data.get("loss")
        if isinstance(epoch, int) and isinstance(loss, int | float):
            self.epochs.append(epoch)
            self.losses.append(float(loss))

    def _run_seen(self) -> None:
        """The run is running: a state or completion reason seeded before belongs to an
        earlier one."""
        if not self.running_seen:
            self.running_seen = True
            self.status = self.completion_reason = None

    def _state(self, data: Frame) -> None:
        status = data.get("status")
        if not isinstance(status, str):
            return
        if same_state(status, STATE_STARTED):
            self._run_seen()
        if self.running_seen:
            self.status = status


async def follow_training(
    url: str,
    *,
    api_key: str | None,
    open_timeout: float,
    view: RunView,
    record: RunRecord,
    begin: Callable[[], Awaitable[object]] | None = None,
    count: int | None = None,
    duration: float | None = None,
) -> RunRecord:
    """Subscribe to ``/ws/training`` and record frames until a stop condition (module doc).

    Args:
        url: The service base URL (``http(s)://`` or ``ws(s)://``).
        api_key: The API key, or ``None`` for ``$JUNIPER_CASCOR_API_KEY``.
        open_timeout: Seconds allowed to open the stream.
        view: Shows frames as they arrive.
        record: Collects the run; it is also what the caller reads after Ctrl-C.
        begin: Called once subscribed, e.g. to start training.
        count: Stop after this many live ``metrics`` frames.
        duration: Stop after this many seconds.

    Returns:
        ``record``.

    Raises:
        JuniperCascorConnectionError: When the stream closed before any stop condition.
        JuniperCascorClientError: When subscribing or ``begin`` failed.
    """
    stream = CascorTrainingStream(
        url, api_key=api_key, open_timeout=open_timeout, handshake_timeout=open_timeout
    )
    deadline = asyncio.timeout(duration)
    try:
        async with stream, deadline:
            view.opened()
            if begin is not None:
                await begin()
            async for frame in stream:
                if isinstance(frame, Mapping):  # always, the stream is not typed
                    record.observe(frame, view)
                if record.finish_event is not None or (
                    count is not None and record.metrics_received >= count
                ):
                    return record
                if record.finished:  # by its state; the finish event, if any, follows
                    _expire_within(deadline, FINISH_EVENT_GRACE)
    except TimeoutError:
        if not deadline.expired():
            raise
        return record
    finally:
        record.ended_at = time.monotonic()
    if record.finished:
        return record
    raise JuniperCascorConnectionError("the training stream closed before training finished")


def _expire_within(deadline: asyncio.Timeout, seconds: float) -> None:
    """Bring ``deadline`` forward to at most ``seconds`` from now."""
    limit = asyncio.get_running_loop().time() + seconds
    when = deadline.when()
    if when is None or when > limit:
        deadline.reschedule(limit)
