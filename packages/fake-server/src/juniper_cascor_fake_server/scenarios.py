"""Preloaded server states, chosen with ``FakeCascorServer(scenario=...)``.

- ``empty``: no network, nothing loaded.
- ``idle``: a 2-input, 1-output network with the XOR data set loaded (a start without data
  trains on it); not training.
- ``xor_converged``: that network trained on XOR to 100% accuracy (metrics history, hidden
  units, topology and a ``COMPLETED`` state), before the server answers its first request.
- ``two_spiral_training``: a network training on the two spirals, in progress (``STARTED``);
  epochs are paced (at least 20 ms each) so it stays in progress for a while.
- ``error_prone``: ``idle``, and every third ``/v1`` request fails, alternately 503 (with
  ``Retry-After: 0``) and 500.

These are the scenario names of the upstream test kit (juniper-cascor-client 0.8). Each also
comes with ``+kit`` (``xor_converged+kit``...): the scenario plus that kit's preloaded
snapshots, where it had them. ``xor_converged+kit`` and ``two_spiral_training+kit`` hold
``snap-001`` ("Before candidate installation": the network as created, before training) and
``snap-002`` ("After first hidden unit": saved the moment training installed its first unit;
``two_spiral_training+kit`` trains at full speed until then, then paces its epochs). They are
real snapshots: restoring one loads that network, as snapshot files found in the real server's
snapshot directory would be. The kit's demo workers (``KIT_WORKERS``) are connected test
workers; the server cannot connect them itself (``connect_kit_workers``).
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from juniper_cascor_fake_server.domain.datasets import staged_data
from juniper_cascor_fake_server.domain.staging import stage

if TYPE_CHECKING:
    from juniper_cascor_fake_server.context import ServerContext
    from juniper_cascor_fake_server.workers.candidate_worker import WorkerThread

__all__ = [
    "KIT_SCENARIOS",
    "KIT_SNAPSHOTS",
    "KIT_SUFFIX",
    "KIT_WORKERS",
    "SCENARIOS",
    "apply_scenario",
    "connect_kit_workers",
]

SCENARIOS = ("empty", "idle", "xor_converged", "two_spiral_training", "error_prone")
KIT_SUFFIX = "+kit"
KIT_SCENARIOS = tuple(name + KIT_SUFFIX for name in SCENARIOS)
KIT_SNAPSHOTS = (
    ("snap-001", "Before candidate installation"),
    ("snap-002", "After first hidden unit"),
)
"""The upstream test kit's snapshots: id and description, oldest first."""
KIT_WORKERS = ("worker-demo-01", "worker-demo-02")
"""The names the upstream test kit's demo workers register with (the server assigns the ids)."""
KIT_WORKER_HEARTBEAT = 0.1
"""Seconds between the demo workers' heartbeats (an idle worker takes queued work on them)."""

_SPIRAL_EPOCH_DELAY = 0.02
_CONVERGE_TIMEOUT = 60.0


def _idle(context: ServerContext, kit: bool = False) -> None:
    context.operations.create_network({"input_size": 2, "output_size": 1})
    with context.state.lock:
        context.state.data = staged_data({"dataset_type": "xor"}, outputs=1)


def _train_to_the_end(context: ServerContext) -> None:
    trainer = context.trainer
    delay, trainer.epoch_delay = trainer.epoch_delay, 0.0
    try:
        context.operations.start({})
        trainer.join(_CONVERGE_TIMEOUT)
    finally:
        trainer.epoch_delay = delay


def _xor_converged(context: ServerContext, kit: bool) -> None:
    _idle(context)
    if not kit:
        _train_to_the_end(context)
        return
    _save_as(context, *KIT_SNAPSHOTS[0])
    with _FirstUnitSnapshot(context, *KIT_SNAPSHOTS[1]):
        _train_to_the_end(context)


def _two_spiral_training(context: ServerContext, kit: bool) -> None:
    context.operations.create_network({"input_size": 2, "output_size": 1})
    trainer = context.trainer
    paced = max(trainer.epoch_delay, _SPIRAL_EPOCH_DELAY)
    stage(context.state, {"dataset_type": "spirals"})
    if not kit:
        trainer.epoch_delay = paced
        context.operations.start({})
        return
    _save_as(context, *KIT_SNAPSHOTS[0])
    trainer.epoch_delay = 0.0
    try:
        with _FirstUnitSnapshot(context, *KIT_SNAPSHOTS[1]) as first_unit:
            context.operations.start({})
            first_unit.saved.wait(_CONVERGE_TIMEOUT)
    finally:
        trainer.epoch_delay = paced


def _error_prone(context: ServerContext, kit: bool) -> None:
    _idle(context)
    context.faults.fail_every(3, (503, 500), retry_after=0.0)


def _save_as(context: ServerContext, snapshot_id: str, description: str) -> None:
    """Save the current network as a snapshot called ``snapshot_id``."""
    context.snapshots.save(description, snapshot_id)


class _FirstUnitSnapshot:
    """While entered, saves a snapshot when training installs its first hidden unit.

    It listens to the frames the state emits: the trainer thread emits ``cascade_add`` right
    after installing a unit and goes on only once the listeners return, so the snapshot holds
    exactly that network. ``saved`` is set once the snapshot exists.
    """

    def __init__(self, context: ServerContext, snapshot_id: str, description: str) -> None:
        self._context = context
        self._snapshot = (snapshot_id, description)
        self._emit = context.state.emit
        self._lock = threading.Lock()
        self.saved = threading.Event()

    def __enter__(self) -> _FirstUnitSnapshot:
        self._context.state.emit = self._listen
        return self

    def __exit__(self, *exc_info: object) -> None:
        with self._lock:
            self._context.state.emit = self._emit

    def _listen(self, frame_type: str, data: dict[str, Any]) -> None:
        if frame_type == "cascade_add":
            with self._lock:
                first = not self.saved.is_set()
                if first:
                    self._context.state.emit = self._emit
                    _save_as(self._context, *self._snapshot)
                    self.saved.set()
        self._emit(frame_type, data)


def apply_scenario(name: str, context: ServerContext, dry_run: bool = False) -> None:
    """Put ``context`` in the state of scenario ``name`` (only check the name on ``dry_run``).

    Raises:
        ValueError: for an unknown scenario name.
    """
    base = name.removesuffix(KIT_SUFFIX)
    if base not in SCENARIOS or (base != name and name not in KIT_SCENARIOS):
        names = ", ".join(SCENARIOS)
        raise ValueError(f"unknown scenario {name!r}; choose one of {names} (each also +kit)")
    if dry_run or base == "empty":
        return
    {
        "idle": _idle,
        "xor_converged": _xor_converged,
        "two_spiral_training": _two_spiral_training,
        "error_prone": _error_prone,
    }[base](context, name != base)


def connect_kit_workers(ws_url: str, api_key: str | None = None) -> list[WorkerThread]:
    """Connect the upstream test kit's demo workers (``KIT_WORKERS``) to the server at ``ws_url``.

    They are real candidate-training workers; stop them with ``WorkerThread.stop`` (they also
    end when the server stops).

    Raises:
        RuntimeError: when the server refuses a worker (the ones already connected are stopped).
    """
    from juniper_cascor_fake_server.workers.candidate_worker import WorkerThread

    workers: list[WorkerThread] = []
    try:
        for name in KIT_WORKERS:
            worker = WorkerThread(
                ws_url, api_key=api_key, name=name, heartbeat_interval=KIT_WORKER_HEARTBEAT
            )
            workers.append(worker.start())
    except RuntimeError:
        for worker in workers:
            worker.stop()
        raise
    return workers
