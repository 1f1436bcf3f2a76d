"""``FakeCascorClient``: the real REST client, bound to an in-process fake server.

The client is a :class:`~juniper_cascor_client_rest.JuniperCascorClient` like any other; only
its server is a :class:`~juniper_cascor_fake_server.FakeCascorServer` started for it, preloaded
with a scenario and with the upstream (0.8) test kit's contents. Because it is the real client,
it cannot drift from it::

    with FakeCascorClient(scenario="two_spiral_training") as client:
        client.get_training_status()
        client.advance_epoch(10)  # exactly ten more epochs of the real training
        client.get_metrics()

Scenarios (``juniper_cascor_fake_server.scenarios``): ``idle`` (a 2-1 network with XOR loaded,
not training), ``xor_converged``, ``two_spiral_training`` (training, paced), ``empty`` (no
network) and ``error_prone`` (every third request fails with 503, then 500). With the kit (the
default) the server also has the kit's demo workers, ``worker-demo-01`` and ``worker-demo-02``
(connected test workers that train candidates; the server assigns their ids, see
:attr:`FakeCascorClient.demo_workers`), and, in ``xor_converged`` and ``two_spiral_training``,
the snapshots ``snap-001`` (before training) and ``snap-002`` (after the first hidden unit).

The test helpers act on the server's own state, as its training would:

- :meth:`FakeCascorClient.advance_epoch` runs exactly ``n`` more epochs of the real training,
  then holds it (the state stays ``STARTED`` or ``PAUSED``);
- :meth:`FakeCascorClient.set_state` moves the state machine with the server's operations
  (starting, pausing, resuming or stopping the real training).
"""

from __future__ import annotations

import threading
import time
from typing import Any

from juniper_cascor_client.testing._binding import ServerBinding
from juniper_cascor_client.testing.constants import (
    FAKE_BASE_URL,
    LEGACY_STATE_COMPLETE,
    LEGACY_STATE_IDLE,
    LEGACY_STATE_PAUSED,
    LEGACY_STATE_TRAINING,
    SCENARIO_IDLE,
    STATE_COMPLETE,
    STATE_IDLE,
    STATE_PAUSED,
    STATE_TRAINING,
    VALID_STATES,
)
from juniper_cascor_client_core.exceptions import (
    JuniperCascorClientError,
    JuniperCascorConflictError,
    JuniperCascorNotFoundError,
    JuniperCascorTimeoutError,
)
from juniper_cascor_client_rest import JuniperCascorClient
from juniper_cascor_fake_server import FakeCascorServer
from juniper_cascor_fake_server.domain.errors import ServiceError
from juniper_cascor_fake_server.domain.machine import ACTIVE, TrainingStatus
from juniper_cascor_fake_server.domain.state import TrainingState
from juniper_cascor_fake_server.domain.trainer import Trainer
from juniper_cascor_fake_server.scenarios import KIT_SUFFIX, connect_kit_workers
from juniper_cascor_fake_server.workers.candidate_worker import WorkerThread

__all__ = ["FakeCascorClient"]

ADVANCE_TIMEOUT = 60.0
"""Seconds :meth:`FakeCascorClient.advance_epoch` waits for the epochs by default."""

_LEGACY_STATES = {
    LEGACY_STATE_IDLE: STATE_IDLE,
    LEGACY_STATE_TRAINING: STATE_TRAINING,
    LEGACY_STATE_PAUSED: STATE_PAUSED,
    LEGACY_STATE_COMPLETE: STATE_COMPLETE,
}
_POLL = 0.05


class FakeCascorClient(ServerBinding, JuniperCascorClient):
    """A real REST client bound to an in-process fake server preloaded with ``scenario``.

    Args:
        scenario: The server's preloaded state (ignored when ``server`` is given).
        base_url: Accepted for upstream (0.8) signatures; the client always talks to its fake
            server, at ``client.base_url`` (``client.server.http_url``).
        api_key: The key the client sends; a server started for the client accepts exactly
            this key (unless ``api_keys`` is among ``server_options``). Without it the client
            sends the server's first key, or none.
        server: Attach to this running server instead of starting one (it is not stopped,
            and no kit contents are added).
        kit: Preload the upstream test kit's demo workers and snapshots (started servers
            only).
        client_options: Keywords for :class:`JuniperCascorClient` (``timeout``, ``retries``...).
        **server_options: ``FakeCascorServer`` options (``api_keys``, ``epoch_delay``...).

    Raises:
        ValueError: For an unknown scenario.
        TypeError: When ``server`` and ``server_options`` are both given.
        RuntimeError: When the server or a demo worker does not start.
    """

    def __init__(
        self,
        scenario: str = SCENARIO_IDLE,
        base_url: str = FAKE_BASE_URL,
        api_key: str | None = None,
        *,
        server: FakeCascorServer | None = None,
        kit: bool = True,
        client_options: dict[str, Any] | None = None,
        **server_options: Any,
    ) -> None:
        owned = server is None
        preload = scenario + KIT_SUFFIX if kit else scenario
        key = self._bind(server, preload, server_options, api_key)
        self._workers: list[WorkerThread] = []
        try:
            if owned and kit:
                self._workers = connect_kit_workers(self.server.ws_url, key or None)
            super().__init__(self.server.http_url, api_key=key, **(client_options or {}))
        except BaseException:
            self._stop_workers()
            self._stop_owned_server()
            raise

    @property
    def demo_workers(self) -> dict[str, str]:
        """The kit's demo workers: the name each registered with -> the id the server gave it."""
        return {
            thread.worker.settings.name: thread.worker.worker_id
            for thread in self._workers
            if thread.worker.worker_id is not None
        }

    def close(self) -> None:
        """Close the client, then stop its demo workers and the server it started; idempotent."""
        super().close()
        self._stop_workers()
        self._stop_owned_server()

    def _stop_workers(self) -> None:
        workers, self._workers = self._workers, []
        for worker in workers:
            worker.stop()

    # -- test helpers ----------------------------------------------------------------------------
    def advance_epoch(self, n: int = 1, *, timeout: float = ADVANCE_TIMEOUT) -> None:
        """Run exactly ``n`` more output epochs of the server's training, then hold it there.

        The state does not change: a ``STARTED`` run stays ``STARTED`` (held until the next
        ``advance_epoch``, ``set_state("STARTED")``, a pause and resume, or a stop), a
        ``PAUSED`` one stays ``PAUSED``. Candidate training between epochs runs as usual. When
        training ends first (converged, or a limit reached), this returns when it ends.

        Args:
            n: How many epochs (0 does nothing).
            timeout: Seconds to wait for them.

        Raises:
            JuniperCascorConflictError: Unless training is ``STARTED`` or ``PAUSED`` (409).
            JuniperCascorTimeoutError: When the epochs take longer than ``timeout``.
        """
        context = self.server.context
        state, trainer = context.state, context.trainer
        with _EpochGate(state, trainer) as gate:
            with state.lock:
                if state.status not in ACTIVE:
                    raise JuniperCascorConflictError(
                        f"Cannot advance epochs in state '{state.status}': training must be "
                        f"{STATE_TRAINING} or {STATE_PAUSED}",
                        status_code=409,
                    )
                if n <= 0:
                    return
                gate.hold_at(state.epochs_done + n)
            trainer.resume()
            gate.wait(timeout)

    def set_state(self, state: str) -> None:
        """Move the server's training to ``state`` with its own operations.

        - ``STARTED``: resume a paused run, let a held one go on, or start a run (on the
          loaded data);
        - ``PAUSED``: pause the run, or start one and pause it after its first epoch;
        - ``STOPPED``: stop the run (the network, metrics and history stay);
        - ``COMPLETED``: stop the run and mark it completed.

        The upstream lower-case names (``idle``, ``training``, ``paused``, ``complete``) are
        accepted too.

        Args:
            state: ``STOPPED``, ``STARTED``, ``PAUSED`` or ``COMPLETED``.

        Raises:
            ValueError: For another name.
            JuniperCascorConflictError: When the server refuses (409: no data to start on,
                a snapshot being investigated or replayed).
            JuniperCascorNotFoundError: When the server has no network where one is needed.
        """
        wanted = _LEGACY_STATES.get(state, state)
        if wanted not in VALID_STATES:
            valid = ", ".join(sorted(VALID_STATES))
            raise ValueError(f"Invalid state {state!r}. Valid states: {valid}")
        try:
            self._move_to(TrainingStatus(wanted))
        except ServiceError as exc:
            raise _client_error(exc) from None

    def _move_to(self, wanted: TrainingStatus) -> None:
        context = self.server.context
        state, operations, trainer = context.state, context.operations, context.trainer
        current = state.status
        if wanted is TrainingStatus.STARTED:
            if current is TrainingStatus.PAUSED:
                operations.resume()
            elif current is TrainingStatus.STARTED:
                trainer.resume()
            else:
                operations.start({})
        elif wanted is TrainingStatus.PAUSED:
            if current is not TrainingStatus.PAUSED:
                if current is not TrainingStatus.STARTED:
                    with _EpochGate(state, trainer) as gate:
                        gate.hold_at(state.epochs_done + 1)
                        operations.start({})
                        gate.wait(ADVANCE_TIMEOUT)
                operations.pause()
        else:
            operations.stop()
            state.set_status(wanted)


class _EpochGate:
    """While entered, holds the trainer once a ``metrics`` frame reaches an epoch.

    It listens to the frames the state emits: the trainer thread emits each epoch's ``metrics``
    and goes on only once the listeners return, so pausing the trainer there holds it right
    after that epoch. An ``event`` frame (the run ended) releases :meth:`wait` too.
    """

    def __init__(self, state: TrainingState, trainer: Trainer) -> None:
        self._state = state
        self._trainer = trainer
        self._emit = state.emit
        self._target: int | None = None
        self._done = threading.Event()

    def __enter__(self) -> _EpochGate:
        self._state.emit = self._listen
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._state.emit = self._emit

    def hold_at(self, epoch: int) -> None:
        """Hold the trainer after the ``metrics`` frame of ``epoch``."""
        self._target = epoch

    def wait(self, timeout: float) -> None:
        """Wait until the epoch was reached or training ended.

        Raises:
            JuniperCascorTimeoutError: After ``timeout`` seconds.
        """
        deadline = time.monotonic() + timeout
        while not self._done.wait(_POLL):
            if not self._trainer.alive:
                return
            if time.monotonic() >= deadline:
                raise JuniperCascorTimeoutError(
                    f"training did not reach epoch {self._target} within {timeout} s"
                )

    def _listen(self, frame_type: str, data: dict[str, Any]) -> None:
        target = self._target
        epoch = data.get("epoch")
        if frame_type == "metrics" and target is not None and isinstance(epoch, int):
            if epoch >= target:
                self._trainer.pause()
                self._done.set()
        elif frame_type == "event":
            self._done.set()
        self._emit(frame_type, data)


def _client_error(error: ServiceError) -> JuniperCascorClientError:
    """The client exception the REST client raises for the same refusal."""
    kind = {404: JuniperCascorNotFoundError, 409: JuniperCascorConflictError}.get(
        error.status, JuniperCascorClientError
    )
    return kind(error.message, status_code=error.status, code=error.code)
