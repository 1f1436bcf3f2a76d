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
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from juniper_cascor_fake_server.domain.datasets import staged_data
from juniper_cascor_fake_server.domain.staging import stage

if TYPE_CHECKING:
    from juniper_cascor_fake_server.context import ServerContext

__all__ = ["SCENARIOS", "apply_scenario"]

SCENARIOS = ("empty", "idle", "xor_converged", "two_spiral_training", "error_prone")
_SPIRAL_EPOCH_DELAY = 0.02
_CONVERGE_TIMEOUT = 60.0


def _idle(context: ServerContext) -> None:
    context.operations.create_network({"input_size": 2, "output_size": 1})
    with context.state.lock:
        context.state.data = staged_data({"dataset_type": "xor"}, outputs=1)


def _xor_converged(context: ServerContext) -> None:
    _idle(context)
    trainer = context.trainer
    delay, trainer.epoch_delay = trainer.epoch_delay, 0.0
    try:
        context.operations.start({})
        trainer.join(_CONVERGE_TIMEOUT)
    finally:
        trainer.epoch_delay = delay


def _two_spiral_training(context: ServerContext) -> None:
    context.operations.create_network({"input_size": 2, "output_size": 1})
    context.trainer.epoch_delay = max(context.trainer.epoch_delay, _SPIRAL_EPOCH_DELAY)
    stage(context.state, {"dataset_type": "spirals"})
    context.operations.start({})


def _error_prone(context: ServerContext) -> None:
    _idle(context)
    context.faults.fail_every(3, (503, 500), retry_after=0.0)


def apply_scenario(name: str, context: ServerContext, dry_run: bool = False) -> None:
    """Put ``context`` in the state of scenario ``name`` (only check the name on ``dry_run``).

    Raises:
        ValueError: for an unknown scenario name.
    """
    if name not in SCENARIOS:
        raise ValueError(f"unknown scenario {name!r}; choose one of {', '.join(SCENARIOS)}")
    if dry_run or name == "empty":
        return
    {
        "idle": _idle,
        "xor_converged": _xor_converged,
        "two_spiral_training": _two_spiral_training,
        "error_prone": _error_prone,
    }[name](context)
