"""A numpy-only training worker for juniper-cascor's ``/ws/v1/workers`` channel.

It trains candidate units as the server's own remote worker does, with numpy instead of torch,
so a worker image needs only numpy, websockets and ``juniper-cascor-protocol-worker``.

- ``NumpyWorker``: connect, register, heartbeat and train until ``stop()``
  (``await worker.run()``); ``WorkerThread`` runs one in a thread (a context manager).
- ``WorkerSettings``: every option, validated; ``WorkerStats``: what a worker has done.
- ``train_candidate`` (``CandidateTask`` -> ``CandidateOutcome``): the computation alone.
- Errors: ``NumpyWorkerError`` > ``WorkerRefusedError`` (a refusal never retried);
  ``CandidateError`` for a task that cannot be done (answered, never raised by the worker).

The command ``juniper-cascor-numpy-worker`` (``python -m juniper_cascor_numpy_worker``) is a
drop-in for the torch worker's ``juniper-cascor-worker``. Each public name loads its module on
first use, so the command answers ``--help`` without loading websockets.
"""

from __future__ import annotations

import importlib
import logging
from typing import TYPE_CHECKING, Any

from juniper_cascor_numpy_worker._version import __version__

if TYPE_CHECKING:
    from juniper_cascor_numpy_worker.candidate import (
        CandidateError,
        CandidateOutcome,
        CandidateTask,
        train_candidate,
    )
    from juniper_cascor_numpy_worker.errors import NumpyWorkerError, WorkerRefusedError
    from juniper_cascor_numpy_worker.settings import WorkerSettings
    from juniper_cascor_numpy_worker.stats import WorkerStats
    from juniper_cascor_numpy_worker.thread import WorkerThread
    from juniper_cascor_numpy_worker.worker import NumpyWorker

# A library never prints on its own: without logging configured, its records go nowhere.
logging.getLogger(__name__).addHandler(logging.NullHandler())

_MODULE_OF: dict[str, str] = {
    "CandidateError": "candidate",
    "CandidateOutcome": "candidate",
    "CandidateTask": "candidate",
    "train_candidate": "candidate",
    "NumpyWorkerError": "errors",
    "WorkerRefusedError": "errors",
    "WorkerSettings": "settings",
    "WorkerStats": "stats",
    "WorkerThread": "thread",
    "NumpyWorker": "worker",
}

__all__ = [
    "CandidateError",
    "CandidateOutcome",
    "CandidateTask",
    "NumpyWorker",
    "NumpyWorkerError",
    "WorkerRefusedError",
    "WorkerSettings",
    "WorkerStats",
    "WorkerThread",
    "__version__",
    "train_candidate",
]


def __getattr__(name: str) -> Any:
    """Load the module defining ``name`` on first access and cache the value here."""
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
