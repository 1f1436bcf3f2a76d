"""A faithful twin of the juniper-cascor 0.12 server, for tests and demos.

``FakeCascorServer`` serves the real server's REST routes, ``/ws/training``, ``/ws/control`` and
``/ws/v1/workers`` on one loopback port and trains a real, seeded Cascade-Correlation network
(``juniper_cascor_fake_server.learner``). It answers as juniper-cascor 0.12.0 does: the same
status codes, envelopes, keys, state names and WebSocket frames (``docs/CONFORMANCE.md`` in the
repository lists every route and frame type and whether it matches). ``server.faults`` injects
failures; ``server.requests`` records what reached it. The pytest plugin provides the
``cascor_server`` and ``cascor_ws_url`` fixtures; ``WorkerThread`` runs a candidate-training
worker against it.

Layout: ``rest`` (routes), ``ws`` (WebSocket endpoints), ``domain`` (state machine, operations,
trainer, snapshots), ``learner`` (the numpy Cascade-Correlation learner), ``workers`` (the worker
endpoint, registry and a test worker), ``faults`` (fault injection).
"""

from __future__ import annotations

import importlib
import logging
from typing import TYPE_CHECKING, Any

from juniper_cascor_fake_server._version import __version__

if TYPE_CHECKING:
    from juniper_cascor_fake_server.config import ServerConfig
    from juniper_cascor_fake_server.faults import Faults
    from juniper_cascor_fake_server.recorder import RecordedRequest
    from juniper_cascor_fake_server.scenarios import SCENARIOS
    from juniper_cascor_fake_server.server import FakeCascorServer
    from juniper_cascor_fake_server.workers.candidate_worker import CandidateWorker, WorkerThread

# A library never prints on its own: without logging configured, its records go nowhere
# (not to the last-resort stderr handler).
logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__ = [
    "SCENARIOS",
    "CandidateWorker",
    "FakeCascorServer",
    "Faults",
    "RecordedRequest",
    "ServerConfig",
    "WorkerThread",
    "__version__",
]

_HOMES = {
    "SCENARIOS": "scenarios",
    "CandidateWorker": "workers.candidate_worker",
    "FakeCascorServer": "server",
    "Faults": "faults",
    "RecordedRequest": "recorder",
    "ServerConfig": "config",
    "WorkerThread": "workers.candidate_worker",
}


def __getattr__(name: str) -> Any:
    """Import the public names on first use (the command line's flags need no aiohttp).

    Raises:
        AttributeError: for a name this package does not have.
    """
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{home}"), name)
